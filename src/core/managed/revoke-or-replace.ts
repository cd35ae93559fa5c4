/**
 * Revocation that knows the closed loop (`custos cert revoke`, `POST /v1/certificates/{fingerprint}/revoke`): a
 * keyCompromise of a managed certificate's revision that is still deployed is not revoked at once — that would break
 * every endpoint serving it — but marked, and a replacement with a new key asked for; the revoke step
 * (src/core/lifecycle/revoke.ts) revokes it once the replacement is live everywhere. `now` revokes at once and
 * still asks for the replacement. Every other revocation is the CA's own (src/core/ca/revoke-certificate.ts).
 */
import type { CaDependencies } from '../ca/ca-dependencies.js';
import {
  findIssuedCertificate,
  revocationSummary,
  revokeCertificate,
  type RevokeInput,
} from '../ca/revoke-certificate.js';
import type { CrlRecord } from '../ports/authority-store.js';
import type { ManagedDependencies } from './managed-dependencies.js';
import { managedRevisionOf, requestReplacement, whatRevokingBreaks } from './replace-revision.js';

/** The managed revision a revocation concerns, and what still deploys and serves it. */
export interface ManagedRevocation {
  name: string;
  revision: number;
  /** True when the revocation waits for the replacement (nothing was revoked yet). */
  revokeAfterReplacement: boolean;
  destinations: string[];
  endpoints: string[];
}

/** What `cert revoke --json` prints and the API answers. */
export type RevocationOutcome = ReturnType<typeof revocationSummary> & { managed: ManagedRevocation | null };

export async function revokeOrReplace(
  deps: CaDependencies & Pick<ManagedDependencies, 'store' | 'clock' | 'actor'>,
  input: RevokeInput & { now: boolean },
): Promise<{ outcome: RevocationOutcome; crl: CrlRecord | null }> {
  const target = {
    certificate: input.certificate,
    ...(input.authority === undefined ? {} : { authority: input.authority }),
  };
  const issued = await findIssuedCertificate(deps, target);
  const ref =
    input.reason === 'keyCompromise' && issued.revocation === null
      ? await managedRevisionOf(deps.store, issued.fingerprintSha256)
      : null;
  const deployed = ref !== null && ref.current ? ref : null;
  const breaks = deployed === null ? null : await whatRevokingBreaks(deps.store, deployed);
  const managed = (revokeAfterReplacement: boolean): ManagedRevocation | null =>
    deployed === null || breaks === null
      ? null
      : { name: deployed.name, revision: deployed.revision, revokeAfterReplacement, ...breaks };
  if (deployed !== null && !input.now) {
    await requestReplacement(deps, deployed, { reason: 'keyCompromise', revokeAfter: true });
    return {
      outcome: {
        fingerprintSha256: issued.fingerprintSha256,
        serialNumber: issued.serialNumber,
        ca: issued.authority,
        revoked: false,
        revokedAt: null,
        reason: null,
        crlNumber: null,
        managed: managed(true),
      },
      crl: null,
    };
  }
  if (deployed !== null)
    await requestReplacement(deps, deployed, { reason: 'keyCompromise', revokeAfter: false });
  const result = await revokeCertificate(deps, input);
  return { outcome: { ...revocationSummary(result), managed: managed(false) }, crl: result.crl };
}
