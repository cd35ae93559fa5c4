import type { Condition, ManagedStatus } from './managed-status.js';

/** `custos managed status NAME --json` (a contract: scripts depend on exactly these keys). */
export interface ManagedStatusView {
  conditions: Array<{
    type: string;
    status: string;
    reason: string;
    message: string;
    lastTransitionTime: string;
  }>;
  revision: number | null;
  fingerprintSha256: string | null;
  staleEndpoints: Array<{ host: string; port: number; sni: string | null; servedFingerprint: string | null }>;
}

const conditionView = (c: Condition) => ({
  type: c.type,
  status: c.status,
  reason: c.reason,
  message: c.message,
  lastTransitionTime: c.lastTransitionTime.toISOString(),
});

export function managedStatusView(status: ManagedStatus | null): ManagedStatusView {
  return {
    conditions: (status?.conditions ?? []).map(conditionView),
    revision: status?.revision ?? null,
    fingerprintSha256: status?.fingerprintSha256 ?? null,
    staleEndpoints: (status?.staleEndpoints ?? []).map((e) => ({
      host: e.host,
      port: e.port,
      sni: e.sni,
      servedFingerprint: e.servedFingerprint,
    })),
  };
}

/** One line of `custos managed list` (`--json`: an array of these). */
export interface ManagedListItem {
  name: string;
  ready: string;
  reason: string;
  revision: number | null;
  fingerprintSha256: string | null;
  renewalTime: string | null;
  nextRetry: string | null;
  issuer: string;
}

export function managedListItem(name: string, issuer: string, status: ManagedStatus | null): ManagedListItem {
  const ready = status?.conditions.find((c) => c.type === 'Ready');
  return {
    name,
    ready: ready?.status ?? 'Unknown',
    reason: ready?.reason ?? 'NotReconciled',
    revision: status?.revision ?? null,
    fingerprintSha256: status?.fingerprintSha256 ?? null,
    renewalTime: status?.renewalTime?.toISOString() ?? null,
    nextRetry: status?.nextRetry?.toISOString() ?? null,
    issuer,
  };
}
