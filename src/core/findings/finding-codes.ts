import type { Finding, Severity } from './finding.js';

/**
 * Every built-in finding code with its default severity and its remedy (what to do, as a notice says it): the one
 * list that checks, docs, notices and tests share.
 * Policy findings (issue "policy as code") bring their own codes.
 */
export const FINDING_CODES = {
  expired: {
    severity: 'critical',
    summary: 'The certificate is past its notAfter.',
    remedy:
      'Renew the certificate now and deploy the renewal to every location listed; then `custos scan` to confirm.',
  },
  'expiring-soon': {
    severity: 'high',
    summary: 'The certificate expires within the warning window (default 30 days).',
    remedy:
      'Renew the certificate and deploy the renewal to every location listed before it expires (or let a ManagedCertificate do it).',
  },
  'not-yet-valid': {
    severity: 'high',
    summary: 'The certificate is before its notBefore.',
    remedy:
      'Check the clock of the issuer and of the host; deploy a certificate that is valid now, or wait until its notBefore.',
  },
  'weak-key': {
    severity: 'high',
    summary: 'RSA key under 2048 bits, or EC key under 256 bits.',
    remedy:
      'Reissue with an RSA key of at least 2048 bits or an ECDSA P-256/P-384 key, deploy it everywhere listed, and revoke the old one.',
  },
  'weak-signature': {
    severity: 'high',
    summary: 'Signed with SHA-1 or MD5.',
    remedy: 'Reissue the certificate with a SHA-256 (or stronger) signature and deploy it everywhere listed.',
  },
  'long-validity': {
    severity: 'medium',
    summary: 'A leaf certificate valid for more than 398 days.',
    remedy: 'Reissue with a validity of at most 398 days, and automate its renewal.',
  },
  'self-signed': {
    severity: 'medium',
    summary: 'A leaf certificate that signs itself.',
    remedy:
      'Replace it with a certificate from your CA (or waive it with an Exception when the system only takes a self-signed one).',
  },
  'key-mismatch': {
    severity: 'high',
    summary:
      'A certificate and the private key beside it do not belong together: in the same file or Secret, or in the key file paired with it by the same stem, a certbot lineage or an nginx/Apache configuration.',
    remedy:
      'Install the private key that belongs to this certificate (or the certificate that belongs to the key) at the location listed, then reload the service.',
  },
  'key-file-missing': {
    severity: 'high',
    summary:
      "A web server's configuration (nginx ssl_certificate_key, Apache SSLCertificateKeyFile) names a key file for this certificate that the last scan of that directory did not find: the server cannot load it at its next start or reload.",
    remedy:
      'Install the private key that belongs to this certificate at the path the configuration names (or correct the path), then reload the server.',
  },
  'untrusted-root': {
    severity: 'critical',
    summary: 'No path from the served chain to a trust anchor.',
    remedy:
      "Serve a chain that leads to a trusted root, or add the issuing root to the clients' trust anchors (`--trust` in the scan).",
  },
  'incomplete-chain': {
    severity: 'high',
    summary: 'A path exists only with an intermediate the server did not send.',
    remedy:
      'Configure the server to send the intermediate certificates after the leaf (fullchain), then reload it.',
  },
  'chain-order': {
    severity: 'medium',
    summary: 'The served chain is not leaf-first in issuing order, or carries certificates outside the path.',
    remedy:
      'Serve the chain leaf first, then each issuer in order, and only the certificates of the path; then reload the server.',
  },
  'hostname-mismatch': {
    severity: 'critical',
    summary: 'The name connected to is not covered by the leaf certificate (RFC 6125).',
    remedy:
      'Serve a certificate whose subjectAltNames cover the name clients connect to, or correct the SNI name the endpoint is scanned with.',
  },
  'path-invalid': {
    severity: 'critical',
    summary:
      'The chain breaks an RFC 5280 / WebPKI rule (basicConstraints, pathLenConstraint, keyUsage, extendedKeyUsage, name constraints, v3 only, signature, malformed encoding); the message names the rule and the certificate.',
    remedy:
      'Reissue from a CA whose chain follows RFC 5280 (the finding names the rule and the certificate) and deploy it everywhere listed.',
  },
  unowned: {
    severity: 'medium',
    summary: 'No ownership rule or assignment covers the certificate.',
    remedy:
      'Give it an owner: an OwnershipRule that matches it (`custos apply -f`) or `custos owners assign`.',
  },
  'policy-error': {
    severity: 'medium',
    summary:
      'A policy could not be evaluated for the certificate (a CEL runtime error); the message names it.',
    remedy:
      "Fix the policy's expression (the finding names it) and apply it again; `custos policy test` checks it against this certificate.",
  },
  'stale-deployment': {
    severity: 'high',
    summary:
      'The current revision of a managed certificate is deployed but a verification endpoint still serves something else; the message names each endpoint and what it serves.',
    remedy:
      'Deploy the current revision to each endpoint named and reload it; `custos managed status` shows what each serves.',
  },
  'superseded-still-served': {
    severity: 'high',
    summary:
      'A superseded revision of a managed certificate is still held or served somewhere (a verification endpoint, or a location a scan found) after the grace period; the message names each location.',
    remedy:
      'Replace the superseded certificate at each location named with the current revision, then reload the service.',
  },
} as const satisfies Record<string, { severity: Severity; summary: string; remedy: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

/**
 * Built-in codes that a default policy states as well: when the policy's finding is there, the built-in one is left
 * out, so one fact is one finding (`key-type-not-allowed`, not also `weak-key`).
 */
export const COVERED_BY_POLICY: Readonly<Record<string, string>> = {
  'weak-key': 'key-type-not-allowed',
  'long-validity': 'validity-too-long',
};

/**
 * The built-in findings whose fact no policy finding states already (COVERED_BY_POLICY): what the inventory and a
 * TLS scan's report show beside the policy findings.
 */
export function notCoveredByPolicy(
  builtIn: readonly Finding[],
  policyFindings: readonly Finding[],
): Finding[] {
  const stated = new Set(policyFindings.map((f) => f.code));
  return builtIn.filter((f) => {
    const policyCode = COVERED_BY_POLICY[f.code];
    return policyCode === undefined || !stated.has(policyCode);
  });
}

/** The built-in findings, each one whose fact a policy finding states replaced by that policy finding. */
export function statedByPolicy(builtIn: readonly Finding[], policyFindings: readonly Finding[]): Finding[] {
  return builtIn.map((f) => policyFindings.find((p) => p.code === COVERED_BY_POLICY[f.code]) ?? f);
}

/** What to do about a policy's finding: the policy's message says what it requires. */
const POLICY_REMEDY =
  'Reissue the certificate so that it meets the policy (the finding says what it requires), or waive it with an approved Exception.';

/** What to do about a finding of this code: the built-in remedy, or the policies' one for a policy's own code. */
export function remedyOf(code: string): string {
  return Object.hasOwn(FINDING_CODES, code) ? FINDING_CODES[code as FindingCode].remedy : POLICY_REMEDY;
}
