import type { LocationView } from '../inventory/certificate-view.js';
import { listInventory, type ListInventoryDeps } from '../list-inventory.js';
import { SEVERITIES, type Finding, type Severity } from './finding.js';

export interface ListFindingsInput {
  /** Only this finding code. */
  finding?: string;
  /** Only the certificates of this owner (an owner-bound API caller's). */
  owner?: string;
  /** The `expiring-soon` window in days. */
  expiringSoonDays: number;
  /** The severity at or above which an unwaived finding fails the check (`findings --fail-on`). */
  failOn?: Severity;
}

export type FindingRow = Finding & { fingerprintSha256: string; subject: string; locations: LocationView[] };

export interface FindingsReport {
  /** One row per certificate and finding, worst first, waived ones included (marked with waivedBy). */
  rows: FindingRow[];
  /** Whether an unwaived finding at or above `failOn` exists (always false without failOn). */
  failed: boolean;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/** The problems of the certificates installed now, worst first, and whether they fail a severity threshold. */
export async function listFindings(
  deps: ListInventoryDeps,
  input: ListFindingsInput,
): Promise<FindingsReport> {
  const views = await listInventory(deps, {
    finding: input.finding,
    owner: input.owner,
    expiringSoonDays: input.expiringSoonDays,
  });
  const rows = views
    .flatMap((v) =>
      v.findings
        .filter((f) => input.finding === undefined || f.code === input.finding)
        .map((f) => ({
          fingerprintSha256: v.fingerprintSha256,
          subject: v.subject,
          ...f,
          locations: v.locations,
        })),
    )
    .sort((a, b) => rank(b.severity) - rank(a.severity) || a.code.localeCompare(b.code));
  return { rows, failed: failsAt(rows, input.failOn) };
}

/** Whether an unwaived finding at or above `failOn` is among the rows (always false without failOn). */
export const failsAt = (rows: readonly FindingRow[], failOn: Severity | undefined): boolean =>
  failOn !== undefined && rows.some((r) => r.waivedBy === undefined && rank(r.severity) >= rank(failOn));
