import type { Severity } from './finding.js';

/**
 * Every built-in finding code with its default severity: the one list that checks, docs and tests share.
 * Policy findings (issue "policy as code") bring their own codes.
 */
export const FINDING_CODES = {
  expired: { severity: 'critical', summary: 'The certificate is past its notAfter.' },
  'expiring-soon': {
    severity: 'high',
    summary: 'The certificate expires within the warning window (default 30 days).',
  },
  'not-yet-valid': { severity: 'high', summary: 'The certificate is before its notBefore.' },
  'weak-key': { severity: 'high', summary: 'RSA key under 2048 bits, or EC key under 256 bits.' },
  'weak-signature': { severity: 'high', summary: 'Signed with SHA-1 or MD5.' },
  'long-validity': { severity: 'medium', summary: 'A leaf certificate valid for more than 398 days.' },
  'self-signed': { severity: 'medium', summary: 'A leaf certificate that signs itself.' },
  'key-mismatch': {
    severity: 'high',
    summary:
      'A certificate and the private key beside it do not belong together: in the same file or Secret, or in the key file paired with it by the same stem, a certbot lineage or an nginx/Apache configuration.',
  },
  'untrusted-root': { severity: 'critical', summary: 'No path from the served chain to a trust anchor.' },
  'incomplete-chain': {
    severity: 'high',
    summary: 'A path exists only with an intermediate the server did not send.',
  },
  'chain-order': {
    severity: 'medium',
    summary: 'The served chain is not leaf-first in issuing order, or carries certificates outside the path.',
  },
  'hostname-mismatch': {
    severity: 'critical',
    summary: 'The name connected to is not covered by the leaf certificate (RFC 6125).',
  },
  'path-invalid': {
    severity: 'critical',
    summary:
      'The chain breaks an RFC 5280 / WebPKI rule (basicConstraints, pathLenConstraint, keyUsage, extendedKeyUsage, name constraints, v3 only, signature, malformed encoding); the message names the rule and the certificate.',
  },
  unowned: { severity: 'medium', summary: 'No ownership rule or assignment covers the certificate.' },
  'policy-error': {
    severity: 'medium',
    summary:
      'A policy could not be evaluated for the certificate (a CEL runtime error); the message names it.',
  },
  'stale-deployment': {
    severity: 'high',
    summary:
      'The current revision of a managed certificate is deployed but a verification endpoint still serves something else; the message names each endpoint and what it serves.',
  },
  'superseded-still-served': {
    severity: 'high',
    summary:
      'A superseded revision of a managed certificate is still held or served somewhere (a verification endpoint, or a location a scan found) after the grace period; the message names each location.',
  },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

/**
 * Built-in codes that a default policy states as well: when the policy's finding is there, the built-in one is left
 * out, so one fact is one finding (`key-type-not-allowed`, not also `weak-key`).
 */
export const COVERED_BY_POLICY: Readonly<Record<string, string>> = {
  'weak-key': 'key-type-not-allowed',
  'long-validity': 'validity-too-long',
};
