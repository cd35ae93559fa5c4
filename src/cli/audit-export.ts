import type { AuditBreak } from '../core/audit/audit-chain.js';
import { exportAuditLines } from '../core/audit/export-audit.js';
import type { AuditVerification } from '../core/verify-audit.js';
import type { ApiClient, Runtime } from './runtime.js';

/** Streams the audit trail to stdout as `exportAuditLines` writes it; returns the break that withheld the checkpoint. */
export async function exportAudit(rt: Runtime, since: Date | undefined): Promise<AuditBreak | null> {
  let broken: AuditBreak | null = null;
  for await (const text of exportAuditLines(rt, { since, onBreak: (b) => (broken = b) })) await write(text);
  return broken;
}

/**
 * Streams the server's export (`GET /v1/audit/export`) to stdout. The server leaves the checkpoint line out of an
 * export of a broken chain; then its verification (`POST /v1/audit/verify`) names the break.
 */
export async function exportAuditRemote(api: ApiClient, since: Date | undefined): Promise<AuditBreak | null> {
  let tail = '';
  const chunks = await api.stream({
    method: 'GET',
    path: '/v1/audit/export',
    query: { since: since?.toISOString() },
  });
  for await (const text of chunks) {
    await write(text);
    tail = (tail + text).slice(-4096);
  }
  const last = tail.trimEnd().split('\n').at(-1) ?? '';
  if (last === '' || last.startsWith('{"checkpoint":')) return null;
  const verified = await api.request<AuditVerification>({
    method: 'POST',
    path: '/v1/audit/verify',
    body: {},
  });
  return verified.break;
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
