/**
 * The verify step: every verification endpoint is probed (the scanner's prober: STARTTLS, SNI, one deadline each)
 * and its leaf compared with the revision. A reload takes a moment to reach every worker, so stale endpoints are
 * probed again a few times within the step before they are recorded; then DeployedPartially names them and the
 * step is retried with backoff.
 */
import { parseCertificate } from '../../../pki/x509/lean-reader.js';
import type { ManagedCertificateSpec } from '../../declarative/kinds/managed-certificate.js';
import { retryAt } from '../../lifecycle/retry.js';
import { staleEndpoints, type EndpointObservation } from '../../lifecycle/verify.js';
import type { ManagedDependencies } from '../managed-dependencies.js';
import type { ManagedStatus } from '../managed-status.js';
import { recordStep } from '../record-status.js';
import { endpointsKey, type VerifyEndpoint } from '../spec-keys.js';

export interface VerifyOptions {
  /** Probes of a stale endpoint within one step (default 3). */
  tries?: number;
  /** Wait between them (default 1 s). */
  pauseMs?: number;
}

export async function observe(
  deps: Pick<ManagedDependencies, 'prober'>,
  endpoint: VerifyEndpoint,
): Promise<EndpointObservation> {
  const result = await deps.prober.probe(endpoint);
  let servedFingerprint: string | null = null;
  if (result.ok && result.chain[0] !== undefined) {
    try {
      servedFingerprint = parseCertificate(result.chain[0]).fingerprintSha256;
    } catch {
      servedFingerprint = null;
    }
  }
  return { endpoint, servedFingerprint };
}

export async function verifyRevision(
  deps: ManagedDependencies,
  input: {
    spec: ManagedCertificateSpec;
    status: ManagedStatus;
    revision: number;
    fingerprintSha256: string;
    endpoints: VerifyEndpoint[];
  },
  options: VerifyOptions = {},
): Promise<ManagedStatus> {
  const { spec, status } = input;
  const tries = Math.max(1, options.tries ?? 3);
  let observations = await Promise.all(input.endpoints.map((e) => observe(deps, e)));
  for (let attempt = 1; attempt < tries; attempt += 1) {
    if (staleEndpoints(input.fingerprintSha256, observations).length === 0) break;
    await deps.sleep(options.pauseMs ?? 1_000);
    observations = await Promise.all(
      observations.map((o) =>
        o.servedFingerprint === input.fingerprintSha256 ? Promise.resolve(o) : observe(deps, o.endpoint),
      ),
    );
  }
  const stale = staleEndpoints(input.fingerprintSha256, observations);
  const now = deps.clock.now();
  const attempts = stale.length === 0 ? 0 : status.attempts + 1;
  const next = stale.length === 0 ? null : retryAt(attempts, now, deps.random);
  return deps.store.transaction((tx) =>
    recordStep(tx, {
      spec,
      status: {
        ...status,
        attempts,
        nextRetry: next,
        staleEndpoints: stale,
        ...(stale.length === 0
          ? { verified: { revision: input.revision, endpoints: endpointsKey(spec) } }
          : {}),
      },
      events: [
        {
          type: stale.length === 0 ? 'managed.verified' : 'managed.stale-deployment',
          data: {
            revision: input.revision,
            fingerprintSha256: input.fingerprintSha256,
            endpoints: observations.map((o) => ({
              host: o.endpoint.host,
              port: o.endpoint.port,
              sni: o.endpoint.sni,
              servedFingerprint: o.servedFingerprint,
            })),
            ...(stale.length === 0 ? {} : { attempt: attempts, retryAt: next?.toISOString() ?? null }),
          },
        },
      ],
      actor: deps.actor,
      now,
    }),
  );
}
