/**
 * What path building and validation report. pki cannot import core, so the codes are listed here; they are
 * the finding codes of src/core/findings/finding-codes.ts (core maps them to Findings with their severity,
 * and its compiler checks that every code here is one of those).
 */
export type PathFindingCode =
  | 'untrusted-root'
  | 'incomplete-chain'
  | 'chain-order'
  | 'hostname-mismatch'
  | 'expired'
  | 'expiring-soon'
  | 'not-yet-valid'
  | 'weak-key'
  | 'weak-signature'
  | 'self-signed'
  | 'path-invalid';

export interface PathFinding {
  code: PathFindingCode;
  message: string;
  /** The certificate the finding is about, when it is about one. */
  fingerprintSha256: string | null;
}

/**
 * Findings that describe a path without failing it: a chain served out of order still validates (clients
 * reorder), a certificate expiring next week is still valid today, and a self-signed leaf that is itself a
 * trust anchor (pinned) is trusted. Every other code fails the path.
 */
export const ADVISORY_CODES: ReadonlySet<PathFindingCode> = new Set([
  'chain-order',
  'expiring-soon',
  'self-signed',
]);

export const isBlocking = (finding: PathFinding): boolean => !ADVISORY_CODES.has(finding.code);
