/**
 * The revoke step of revoke-after-replace: each marked revision is revoked at its issuer (the built-in CA records
 * it and publishes its next CRL), then the marks are cleared with `managed.revoked-after-replace` naming the
 * revision that replaced them. A crash between the two revokes again next time, which changes nothing at the CA.
 */
import type { ManagedCertificateSpec } from '../../declarative/kinds/managed-certificate.js';
import { issuerNamed } from '../issuer-registry.js';
import type { ManagedDependencies } from '../managed-dependencies.js';
import type { ManagedStatus, RevokeAfterReady } from '../managed-status.js';
import { recordStep } from '../record-status.js';

export async function revokeReplaced(
  deps: ManagedDependencies,
  input: { spec: ManagedCertificateSpec; status: ManagedStatus; revisions: RevokeAfterReady[] },
): Promise<ManagedStatus> {
  const { spec, status, revisions } = input;
  const issuer = issuerNamed(deps.issuers, spec.issuerRef.name);
  for (const r of revisions) await issuer.revoke(r.fingerprintSha256, r.reason);
  const done = new Set(revisions.map((r) => r.fingerprintSha256));
  return deps.store.transaction((tx) =>
    recordStep(tx, {
      spec,
      status: {
        ...status,
        revokeAfterReady: status.revokeAfterReady.filter((r) => !done.has(r.fingerprintSha256)),
      },
      events: [
        {
          type: 'managed.revoked-after-replace',
          data: {
            revoked: revisions.map((r) => ({
              revision: r.revision,
              fingerprintSha256: r.fingerprintSha256,
              reason: r.reason,
            })),
            replacedBy: { revision: status.revision, fingerprintSha256: status.fingerprintSha256 },
          },
        },
      ],
      actor: deps.actor,
      now: deps.clock.now(),
    }),
  );
}
