/**
 * The strict WebPKI profile (`custos verify --strict`): the certificate lints of src/pki/lint applied to every
 * certificate of a path, each failure a blocking `path-invalid` finding naming the lint and its source. This is
 * what the CA/Browser Forum Baseline Requirements and RFC 5280 ask of the certificates themselves, which C2SP's
 * x509-limbo grades clients on; browsers, Go and rustls-webpki accept many of these (a CN that is not a SAN, a
 * missing AKI, a non-critical nameConstraints), so the default profile leaves them out.
 *
 * Not on paths at all: lints about how a CA should issue that no verifier checks (serial entropy, validity inside
 * the issuer's, the UTCTime/GeneralizedTime choice, EKU/keyUsage agreement, keyUsage against the key type), a fact
 * another finding already reports (rsa-key-size is `weak-key`, san-present is `hostname-mismatch`), and a
 * structure the path reader refuses anyway (no-duplicate-extensions).
 * Trust anchors are held to the lints too (a root's own extensions: SKI, critical basicConstraints, a
 * keyIdentifier-only AKI, no EKU), which is why this profile is opt-in: in Debian's ca-certificates 7 of 144 roots
 * fail one (Go Daddy and Starfield Class 2, QuoVadis Root CA 2 and 3, Certigna, Chunghwa ePKI, TWCA Global), so
 * `--strict` refuses chains to them. Not on anchors: the serial number (9 roots in use, Go Daddy and Starfield G2
 * among them, have serial 0; the serial identifies a certificate to its issuer, and an anchor has none) and
 * nameConstraints criticality (a constraint on an anchor is the relying party's choice; x509-limbo's WebPKI case
 * accepts a non-critical one).
 */
import { commonNameMisencoded } from '../lint/common-name-in-san.js';
import { LINTS } from '../lint/run-lints.js';
import type { Lint } from '../lint/lint.js';
import { finding, type Role } from './certificate-checks.js';
import { describe, type PathCertificate } from './path-certificate.js';
import type { PathFinding } from './path-finding.js';

export const NOT_ON_PATHS: ReadonlySet<string> = new Set([
  'serial-number-entropy',
  'validity-within-issuer',
  'validity-time-encoding',
  'eku-key-usage',
  'key-usage-key-type',
  'rsa-key-size',
  'san-present',
  'no-duplicate-extensions',
]);

export const NOT_ON_TRUST_ANCHORS: ReadonlySet<string> = new Set([
  'serial-number-positive',
  'serial-number-length',
  'name-constraints-critical',
]);

/**
 * Lints whose path form is narrower: a CN beside unrelated SANs is common outside the WebPKI and ignored by every
 * client (x509-limbo's own name-constraint cases carry one and expect success), so a path fails only on a CN that
 * names a SAN value in another encoding.
 */
const PATH_VARIANTS: Record<string, (certificate: PathCertificate) => string | undefined> = {
  'common-name-in-san': commonNameMisencoded,
};

const PATH_LINTS: readonly Lint[] = LINTS.filter(
  (lint) => lint.severity === 'error' && !NOT_ON_PATHS.has(lint.name),
);

/** The strict profile's findings about one certificate of a path; `issuer` is the next one up, if any. */
export function pathLintFindings(
  certificate: PathCertificate,
  role: Role,
  issuer: PathCertificate | undefined,
): PathFinding[] {
  const findings: PathFinding[] = [];
  for (const lint of PATH_LINTS) {
    if (role === 'trust anchor' && NOT_ON_TRUST_ANCHORS.has(lint.name)) continue;
    if (lint.appliesTo === 'leaf' && (certificate.isCA || role !== 'leaf')) continue;
    if (lint.appliesTo === 'ca' && !certificate.isCA) continue;
    const variant = PATH_VARIANTS[lint.name];
    const message = variant ? variant(certificate) : lint.check(certificate, issuer ? { issuer } : {});
    if (message !== undefined)
      findings.push(
        finding(
          'path-invalid',
          `${lint.name}: ${role} ${describe(certificate)}: ${message} (${lint.source})`,
          certificate,
        ),
      );
  }
  return findings;
}
