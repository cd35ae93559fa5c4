/**
 * `POST /v1/scans`: a scan asked for over the API is checked now (targets, ports, SNI names, trust anchors, limits:
 * the same checks and codes as `custos scan files|tls`), then recorded as `queued` with its `scan.run` job and audit
 * event in one transaction. A server's background work (or another server's, with `--no-workers`) runs it.
 */
import { parseDuration } from '../duration.js';
import { pemCertificates } from '../pem-certificates.js';
import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { JsonValue } from '../ports/job-queue.js';
import type { ScanRecord } from '../ports/scan-store.js';
import type { SecureRandom } from '../ports/secure-random.js';
import type { Store } from '../ports/store.js';
import { profileNamed, profilePlan, type ScanProfileDependencies } from './scan-profiles.js';
import { parsePortList, parseStartTls, parseTarget, planTlsScan, type TlsScanPlan } from './tls-targets.js';

export const SCAN_JOB = 'scan.run';

/** A scan's attempts: a worker that dies mid-scan leaves its lease to run out, and the scan runs again. */
export const SCAN_MAX_ATTEMPTS = 3;

/** The most endpoints one API scan probes: a /20 on one port (the CLI's --max-endpoints goes higher). */
export const API_MAX_ENDPOINTS = 4_096;

export interface FilesScanRequest {
  kind: 'files';
  /** Files and directories on the server's host. */
  targets: string[];
}

export interface TlsScanRequest {
  kind: 'tls';
  /** Host names, addresses, host:port, [IPv6]:port, CIDR ranges. */
  targets: string[];
  /** Ports for targets that name none, e.g. `443,8443` or `8000-8010` (default 443). */
  ports?: string;
  sni?: string[];
  /** PEM certificates trusted besides the system roots. */
  trust?: string[];
  starttls?: string;
  /** Window of the expiring-soon finding (default 30d). */
  expiringSoon?: string;
  maxEndpoints?: number;
}

/** A scan profile of the server's configuration, resolved (and its passwords read) when the scan runs. */
export interface ProfileScanRequest {
  kind: 'profile';
  profile: string;
}

export type ScanRequest = FilesScanRequest | TlsScanRequest | ProfileScanRequest;

/** The endpoints of a TLS scan request; DomainError (422) for a bad target, port, SNI name or size. */
export function planTlsRequest(request: TlsScanRequest): TlsScanPlan {
  return planTlsScan(request.targets.map(parseTarget), {
    ports: parsePortList(request.ports ?? '443'),
    sni: request.sni ?? [],
    starttls: parseStartTls(request.starttls, 'starttls'),
    maxEndpoints: Math.min(request.maxEndpoints ?? API_MAX_ENDPOINTS, API_MAX_ENDPOINTS),
  });
}

/** The expiring-soon window of a TLS scan request, in days. */
export const expiringSoonDays = (request: TlsScanRequest): number =>
  parseDuration(request.expiringSoon ?? '30d', 'expiringSoon', { allowZero: true }) / 86_400_000;

/** The certificates (DER) of the request's `trust` PEM texts; CUSTOS_INVALID_ARGUMENT for one that holds none. */
export function trustedCertificates(request: TlsScanRequest): Uint8Array[] {
  return (request.trust ?? []).flatMap((pem, i) => pemCertificates(pem, `trust[${i}]`));
}

export interface StartScanDependencies extends Pick<ScanProfileDependencies, 'profiles' | 'passwords'> {
  store: Store;
  clock: Clock;
  secureRandom: SecureRandom;
  /** Who starts it (`api:tok_...`): the scan's audit events name it. */
  actor: string;
}

export async function startScan(deps: StartScanDependencies, request: ScanRequest): Promise<ScanRecord> {
  let total: number | null = null;
  let targets: number;
  if (request.kind === 'profile') {
    // Checked now (it exists, its targets plan, its password variables are set), run from the configuration later.
    const profile = profileNamed(deps.profiles, request.profile);
    deps.passwords(profile);
    total = profilePlan(profile)?.total ?? null;
    targets = (profile.targets?.length ?? 0) + (profile.paths?.length ?? 0);
  } else {
    if (request.targets.length === 0)
      throw new DomainError('CUSTOS_INVALID_ARGUMENT', 'targets: name at least one target');
    if (request.kind === 'tls') {
      total = planTlsRequest(request).total;
      expiringSoonDays(request);
      trustedCertificates(request);
    }
    targets = request.targets.length;
  }
  const now = deps.clock.now();
  const record: ScanRecord = {
    id: `scn_${Buffer.from(deps.secureRandom.bytes(8)).toString('hex')}`,
    kind: request.kind,
    status: 'queued',
    request: request as unknown as JsonValue,
    progress: { done: 0, total, certificates: 0 },
    result: null,
    error: null,
    createdBy: deps.actor,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.scans.create(record);
    await tx.jobs.enqueue(
      { kind: SCAN_JOB, payload: { scan: record.id }, maxAttempts: SCAN_MAX_ATTEMPTS },
      now,
    );
    await tx.appendAudit([
      {
        type: 'scan.queued',
        actor: deps.actor,
        subject: `scan:${record.id}`,
        at: now,
        data: {
          kind: request.kind,
          ...(request.kind === 'profile' ? { profile: request.profile } : {}),
          targets,
          endpoints: total,
        },
      },
    ]);
  });
  return record;
}
