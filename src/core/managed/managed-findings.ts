/**
 * The findings of the closed loop, judged from the managed certificates' persisted status and revisions and from
 * where the inventory sights certificates now (pure: the caller reads the store):
 *
 * - `stale-deployment` on the current revision: deployed, but verification endpoints still serve something else.
 * - `superseded-still-served` on a superseded revision: after the grace period, a location still holds or serves
 *   it — a verification endpoint (its last probe) or any location a scan found (file, TLS, Secret, agent).
 */
import { FINDING_CODES } from '../findings/finding-codes.js';
import type { Finding } from '../findings/finding.js';
import { locationKey } from '../inventory/location.js';
import { parseDuration } from '../duration.js';
import type { Store } from '../ports/store.js';
import type { CertificateRevision, ManagedStatus } from './managed-status.js';

export const DEFAULT_SUPERSEDED_GRACE_MS = 3_600_000;

export interface ManagedFindingsInput {
  managed: Array<{ status: ManagedStatus; revisions: CertificateRevision[]; graceMs: number }>;
  /** The location keys where each fingerprint is sighted now (not its `issued` location). */
  sightedAt: (fingerprintSha256: string) => string[];
  at: Date;
}

const endpointName = (e: { host: string; port: number; sni: string | null }): string =>
  `${e.host}:${e.port}${e.sni !== null ? ` (${e.sni})` : ''}`;

const short = (fingerprint: string): string => fingerprint.slice(0, 16);

/** When each revision stopped being current: the next one's creation; a revision rolled back from, the rollback. */
function supersededSince(status: ManagedStatus, revisions: CertificateRevision[], r: number): Date | null {
  if (status.revision === null || r === status.revision) return null;
  if (r > status.revision) return status.updatedAt;
  const next = revisions.filter((x) => x.revision > r).sort((a, b) => a.revision - b.revision)[0];
  return next?.createdAt ?? null;
}

/** The closed loop's findings, by the fingerprint of the certificate they are about. */
export function managedFindings(input: ManagedFindingsInput): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (fingerprint: string, finding: Finding) =>
    out.set(fingerprint, [...(out.get(fingerprint) ?? []), finding]);
  for (const { status, revisions, graceMs } of input.managed) {
    if (status.revision === null || status.fingerprintSha256 === null) continue;
    if (status.staleEndpoints.length > 0)
      add(status.fingerprintSha256, {
        code: 'stale-deployment',
        severity: FINDING_CODES['stale-deployment'].severity,
        message: `revision ${status.revision} of managed certificate ${status.name} is not served at ${status.staleEndpoints
          .map(
            (e) =>
              `${endpointName(e)}, which serves ${e.servedFingerprint === null ? 'nothing' : short(e.servedFingerprint)}`,
          )
          .join('; ')}`,
      });
    for (const revision of revisions) {
      const since = supersededSince(status, revisions, revision.revision);
      if (since === null || input.at.getTime() - since.getTime() < graceMs) continue;
      const locations = [
        ...status.staleEndpoints
          .filter((e) => e.servedFingerprint === revision.fingerprintSha256)
          .map((e) => locationKey({ kind: 'tls', host: e.host, port: e.port, sni: e.sni, address: null })),
        ...input.sightedAt(revision.fingerprintSha256),
      ];
      const unique = [...new Set(locations)];
      if (unique.length === 0) continue;
      add(revision.fingerprintSha256, {
        code: 'superseded-still-served',
        severity: FINDING_CODES['superseded-still-served'].severity,
        message: `revision ${revision.revision} of managed certificate ${status.name} was superseded by revision ${status.revision} at ${since.toISOString()} and is still at ${unique.join(', ')}`,
      });
    }
  }
  return out;
}

/** Reads what managedFindings judges: every managed certificate's status, revisions and grace period. */
export async function readManagedFindings(
  store: Pick<Store, 'managed' | 'objects'>,
  input: Pick<ManagedFindingsInput, 'sightedAt' | 'at'>,
): Promise<Map<string, Finding[]>> {
  const statuses = await store.managed.statuses();
  if (statuses.length === 0) return new Map();
  const specs = new Map(
    (await store.objects.list('ManagedCertificate')).map((o) => [o.object.metadata.name, o.object.spec]),
  );
  const managed = [];
  for (const status of statuses) {
    const grace = specs.get(status.name)?.supersededGracePeriod;
    managed.push({
      status,
      revisions: await store.managed.revisions(status.name),
      graceMs:
        grace === undefined
          ? DEFAULT_SUPERSEDED_GRACE_MS
          : parseDuration(grace, 'supersededGracePeriod', { form: 'declared' }),
    });
  }
  return managedFindings({ ...input, managed });
}
