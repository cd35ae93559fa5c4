import type { Finding } from '../findings/finding.js';
import type { OwnerSource } from '../ownership/resolve-owner.js';

/**
 * What governance decided about one certificate when it last changed (a scan, an apply, an assignment): its owner,
 * identity and the compliance policies' findings. Stored, so that a listing reads it instead of judging again.
 * What depends on the moment read is left out and added when read: the time-dependent built-in findings (expired,
 * expiring-soon from notAfter) and waivers (an exception may have expired since).
 */
export interface Evaluation {
  fingerprintSha256: string;
  owner: string | null;
  ownerSource: OwnerSource | null;
  /** The linked identity's name, or null. */
  identity: string | null;
  /** The compliance policies' findings, in the policies' order, without waivers. */
  findings: Finding[];
}

/** An evaluation as stored, with when it was written. */
export interface StoredEvaluation extends Evaluation {
  evaluatedAt: Date;
}

/** Whether two evaluations say the same (so that an unchanged one is not written again). */
export function sameEvaluation(a: Evaluation, b: Evaluation): boolean {
  return (
    a.fingerprintSha256 === b.fingerprintSha256 &&
    a.owner === b.owner &&
    a.identity === b.identity &&
    JSON.stringify(a.ownerSource) === JSON.stringify(b.ownerSource) &&
    JSON.stringify(a.findings) === JSON.stringify(b.findings)
  );
}
