import { DEFAULT_EXPIRING_WITHIN_DAYS } from '../findings/certificate-findings.js';
import { SEVERITIES, type Severity } from '../findings/finding.js';
import { judgeEntries, type ListInventoryDeps } from '../list-inventory.js';
import type { InventoryEntry, InventoryPosition } from '../ports/inventory-store.js';
import { JUDGED_WHEN_READ } from './page-inventory.js';
import { readGovernance } from '../ownership/governance.js';
import type { ManagedStatus } from '../managed/managed-status.js';
import type { InventoryCounts, TimelineBucket } from '../ports/inventory-statistics.js';

export const TIMELINE_WEEKS = 26;
/** The certificates judged at a time to count waived findings. */
const WAIVER_BATCH = 1_000;

export interface TimelineWeek {
  /** The week's first moment (ISO 8601): now + week * 7 days. */
  start: string;
  total: number;
  /** Certificates expiring that week by owner ('' for none). */
  byOwner: Record<string, number>;
  /** By the certificate's worst severity ('none' when it has no finding). */
  bySeverity: Partial<Record<Severity | 'none', number>>;
}

/** `GET /v1/summary`: the dashboard's headline numbers and its expiry timeline. */
export interface InventorySummary {
  at: string;
  certificates: number;
  expired: number;
  expiringIn7Days: number;
  expiringIn30Days: number;
  unowned: number;
  /** Deployments (verification endpoints of managed certificates) that do not serve the current revision. */
  staleDeployments: number;
  /** Open findings (stored policy findings, expired and expiring-soon, served findings), waived ones included. */
  openFindings: number;
  /** Findings an active exception waives. */
  waivedByException: number;
  timeline: TimelineWeek[];
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The headline numbers and the expiry timeline (certificates expiring per week for the next 26 weeks, stacked by
 * owner and by severity) of the certificates installed now, or of one owner's. The database aggregates
 * (store.statistics); only the certificates an exception may waive are judged one by one.
 */
export async function inventorySummary(
  deps: ListInventoryDeps,
  input: { owner?: string | null } = {},
): Promise<InventorySummary> {
  const at = deps.clock.now();
  const owner = input.owner ?? undefined;
  const query = {
    at,
    owner,
    expiringSoonMs: DEFAULT_EXPIRING_WITHIN_DAYS * 86_400_000,
    weeks: TIMELINE_WEEKS,
  };
  const [{ counts, timelineByOwner, timelineBySeverity }, statuses, waived] = await Promise.all([
    deps.store.statistics.overview(query),
    deps.store.managed.statuses(),
    waivedFindings(deps, at, owner),
  ]);
  const ownedManaged = owner === undefined ? null : await managedOf(deps, statuses, owner);
  const staleDeployments = statuses
    .filter((s) => ownedManaged === null || ownedManaged.has(s.name))
    .reduce((sum, s) => sum + s.staleEndpoints.length, 0);
  return {
    at: at.toISOString(),
    ...headline(counts),
    staleDeployments,
    openFindings: counts.findings,
    waivedByException: waived,
    timeline: timeline(at, timelineByOwner, timelineBySeverity),
  };
}

const headline = (c: InventoryCounts) => ({
  certificates: c.certificates,
  expired: c.expired,
  expiringIn7Days: c.expiringIn7Days,
  expiringIn30Days: c.expiringIn30Days,
  unowned: c.unowned,
});

function timeline(at: Date, byOwner: TimelineBucket[], bySeverity: TimelineBucket[]): TimelineWeek[] {
  const weeks: TimelineWeek[] = Array.from({ length: TIMELINE_WEEKS }, (_, week) => ({
    start: new Date(at.getTime() + week * WEEK_MS).toISOString(),
    total: 0,
    byOwner: {},
    bySeverity: {},
  }));
  for (const b of byOwner) {
    const week = weeks[b.week];
    if (week === undefined) continue;
    week.total += b.count;
    week.byOwner[b.key] = (week.byOwner[b.key] ?? 0) + b.count;
  }
  for (const b of bySeverity) {
    const week = weeks[b.week];
    const key = b.key as Severity | 'none';
    if (week === undefined || (key !== 'none' && !SEVERITIES.includes(key))) continue;
    week.bySeverity[key] = (week.bySeverity[key] ?? 0) + b.count;
  }
  return weeks;
}

/**
 * The findings active exceptions waive, counted as `custos findings` marks them (`waivedBy`): the certificates that
 * may carry a waived finding are judged, a batch at a time. A policy finding is stored, so its certificates are
 * looked up by code; a built-in one (expired, weak-key, hostname-mismatch, stale-deployment, ...) is judged when
 * read, so the current certificates are walked (only those expiring within the window when the built-in codes
 * waived are expiry ones).
 */
async function waivedFindings(deps: ListInventoryDeps, at: Date, owner: string | undefined): Promise<number> {
  const { exceptions } = await readGovernance(deps.store.objects);
  const codes = [
    ...new Set(
      exceptions
        .filter((e) => new Date(e.spec.expires).getTime() > at.getTime())
        .flatMap((e) => e.spec.waives),
    ),
  ];
  if (codes.length === 0) return 0;
  let waived = 0;
  const judge = async (entries: InventoryEntry[]): Promise<void> => {
    const views = await judgeEntries(deps.store, entries, at, {});
    for (const v of views) waived += v.findings.filter((f) => f.waivedBy !== undefined).length;
  };
  const judgedWhenRead = codes.filter((code) => JUDGED_WHEN_READ.has(code));
  if (judgedWhenRead.length === 0) {
    for (let after: string | undefined; ;) {
      const fingerprints = await deps.store.statistics.fingerprintsWithFindings(codes, WAIVER_BATCH, {
        owner,
        after,
      });
      if (fingerprints.length > 0) await judge(await deps.store.inventory.listCertificates({ fingerprints }));
      if (fingerprints.length < WAIVER_BATCH) return waived;
      after = fingerprints.at(-1);
    }
  }
  // Expired and expiring-soon certificates expire within the window; a policy code waived too widens the walk.
  const expiryOnly = codes.every((code) => code === 'expired' || code === 'expiring-soon');
  const notAfterBefore = expiryOnly
    ? new Date(at.getTime() + DEFAULT_EXPIRING_WITHIN_DAYS * 86_400_000)
    : undefined;
  for (let after: InventoryPosition | undefined; ;) {
    const entries = await deps.store.inventory.listCertificates({
      owner,
      notAfterBefore,
      after,
      limit: WAIVER_BATCH,
    });
    await judge(entries);
    const last = entries.at(-1)?.position;
    if (entries.length < WAIVER_BATCH || last === undefined) return waived;
    after = last;
  }
}

/** The managed certificates whose current certificate this owner owns. */
async function managedOf(
  deps: ListInventoryDeps,
  statuses: readonly ManagedStatus[],
  owner: string,
): Promise<Set<string>> {
  const current = statuses.filter((s) => s.fingerprintSha256 !== null);
  const evaluations = await deps.store.evaluations.evaluationsOf(
    current.map((s) => s.fingerprintSha256 as string),
  );
  return new Set(
    current.filter((s) => evaluations.get(s.fingerprintSha256 as string)?.owner === owner).map((s) => s.name),
  );
}
