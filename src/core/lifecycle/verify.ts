/**
 * Verify: once the current revision is deployed, connect to every verification endpoint and compare the leaf it
 * serves with the revision; endpoints still serving something else are stale, checked again after a backoff.
 */
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ManagedStatus, StaleEndpoint } from '../managed/managed-status.js';
import { destinationsKey, endpointsKey, verifyEndpoints, type VerifyEndpoint } from '../managed/spec-keys.js';
import { retryDue } from './retry.js';

export interface VerifyInput {
  spec: ManagedCertificateSpec;
  status: ManagedStatus;
  now: Date;
}

export type VerifyAction =
  | { kind: 'verify'; revision: number; fingerprintSha256: string; endpoints: VerifyEndpoint[] }
  | { kind: 'wait'; until: Date }
  | null;

export function decideVerify({ spec, status, now }: VerifyInput): VerifyAction {
  const { revision, fingerprintSha256, deployed, verified } = status;
  if (revision === null || fingerprintSha256 === null || status.pending !== null) return null;
  if (deployed === null || deployed.revision !== revision || deployed.destinations !== destinationsKey(spec))
    return null;
  if (verified !== null && verified.revision === revision && verified.endpoints === endpointsKey(spec))
    return null;
  if (!retryDue(status.nextRetry, now) && status.nextRetry !== null)
    return { kind: 'wait', until: status.nextRetry };
  return { kind: 'verify', revision, fingerprintSha256, endpoints: verifyEndpoints(spec) };
}

/** What one endpoint served: the SHA-256 of its leaf, or null when it could not be reached or served none. */
export interface EndpointObservation {
  endpoint: VerifyEndpoint;
  servedFingerprint: string | null;
}

/** The endpoints that do not serve the revision (empty: all of them do). */
export function staleEndpoints(
  fingerprintSha256: string,
  observations: readonly EndpointObservation[],
): StaleEndpoint[] {
  return observations
    .filter((o) => o.servedFingerprint !== fingerprintSha256)
    .map((o) => ({
      host: o.endpoint.host,
      port: o.endpoint.port,
      sni: o.endpoint.sni,
      servedFingerprint: o.servedFingerprint,
    }));
}
