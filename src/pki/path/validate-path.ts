/**
 * RFC 5280 section 6 path validation with the WebPKI profile Chrome and rustls-webpki apply, over a path
 * already built (leaf first, signatures verified by build-paths.ts). Decisions, in order:
 * - every certificate: valid at the time (expired, not-yet-valid; expiring-soon is advisory), v3 only (a v1
 *   or v2 trust anchor is refused too, as `openssl verify -x509_strict` does), no unknown critical extension,
 *   a key WebPKI accepts (RSA >= 2048, EC >= 256, Ed25519/Ed448; DSA and unknown keys refused);
 * - every signature the path relies on (all but the trust anchor's self-signature): no MD2/MD5/SHA-1;
 * - every issuer: basicConstraints cA=true, keyUsage (when present) with keyCertSign, pathLenConstraint not
 *   exceeded by the non-self-issued intermediates below it, name constraints (dNSName, iPAddress,
 *   directoryName) satisfied by every certificate below it; intermediates' extendedKeyUsage (when present)
 *   includes serverAuth (EKU chaining, as Chrome and openssl's sslserver purpose);
 * - the leaf: extendedKeyUsage (when present) includes serverAuth, keyUsage (when present) allows a TLS
 *   server key (digitalSignature, keyEncipherment or keyAgreement), and its subjectAltName covers the host
 *   (RFC 6125, never the CN);
 * - with `strict`, every certificate's lints as well (path-lints.ts: the CA/B Forum and RFC 5280 certificate
 *   profile, what C2SP x509-limbo grades).
 * Constraint violations are `path-invalid` findings that name the constraint and the certificate.
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill loaded first
import * as x509 from '@peculiar/x509';
import {
  checkKey,
  checkSignatureAlgorithm,
  checkStructure,
  checkValidity,
  finding,
  type Role,
} from './certificate-checks.js';
import { formatIpAddress } from '../ip-address.js';
import { identityMatches, type ReferenceIdentity } from './hostname.js';
import { nameConstraintViolation } from './name-constraints.js';
import { readRdns } from '../x509/extensions/name-constraints.js';
import { pathLintFindings } from './path-lints.js';
import { describe, type PathCertificate } from './path-certificate.js';
import type { PathFinding } from './path-finding.js';

export interface ValidatePathOptions {
  at: Date;
  /** expiring-soon when a certificate on the path expires within this many days. */
  expiringWithinDays: number;
  /** The name or address connected to; null skips the hostname check. */
  host: ReferenceIdentity | null;
  /** Whether the last certificate is a trust anchor (false for a path that stopped short of one). */
  complete: boolean;
  /** The strict profile: every certificate's lints too (path-lints.ts). Default false. */
  strict?: boolean;
}

const SERVER_AUTH = x509.ExtendedKeyUsage.serverAuth;
const TLS_SERVER_KEY_USAGES =
  x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyAgreement;

function roleOf(index: number, length: number, complete: boolean): Role {
  if (index === 0) return 'leaf';
  return complete && index === length - 1 ? 'trust anchor' : 'intermediate';
}

const invalid = (certificate: PathCertificate, role: Role, constraint: string, detail: string): PathFinding =>
  finding('path-invalid', `${constraint}: ${role} ${describe(certificate)} ${detail}`, certificate);

function checkIssuer(path: readonly PathCertificate[], index: number, role: Role): PathFinding[] {
  const issuer = path[index]!;
  const findings: PathFinding[] = [];
  if (!issuer.basicConstraints?.ca) {
    findings.push(
      invalid(issuer, role, 'basicConstraints', 'is not a CA (no basicConstraints cA=true) but issues'),
    );
  }
  if (issuer.keyUsage !== null && !(issuer.keyUsage & x509.KeyUsageFlags.keyCertSign)) {
    findings.push(
      invalid(issuer, role, 'keyUsage', 'issues certificates without keyCertSign in its keyUsage'),
    );
  }
  const pathLength = issuer.basicConstraints?.pathLength ?? null;
  if (pathLength !== null) {
    const below = path.slice(1, index).filter((c) => !c.selfIssued).length;
    if (below > pathLength) {
      findings.push(
        invalid(
          issuer,
          role,
          'pathLenConstraint',
          `allows ${pathLength} intermediates below it, the path has ${below}`,
        ),
      );
    }
  }
  if (role === 'intermediate' && issuer.extendedKeyUsage && !issuer.extendedKeyUsage.includes(SERVER_AUTH)) {
    findings.push(invalid(issuer, role, 'extendedKeyUsage', 'has an extendedKeyUsage without serverAuth'));
  }
  if (issuer.nameConstraints) {
    for (let j = index - 1; j >= 0; j--) {
      const subject = path[j]!;
      if (j > 0 && subject.selfIssued) continue;
      const violation = nameConstraintViolation(issuer.nameConstraints, {
        rdns: readRdns(subject.subjectDer),
        names: subject.presentedIdentities ?? { dns: [], ip: [] },
        otherNameTags: subject.otherNameTags,
      });
      if (violation) {
        findings.push(
          finding(
            'path-invalid',
            `nameConstraints of ${role} ${describe(issuer)}: ${violation} in ${describe(subject)}`,
            subject,
          ),
        );
      }
    }
  }
  return findings;
}

function describeNames(leaf: PathCertificate): string {
  const names = leaf.presentedIdentities!;
  const all = [...names.dns, ...names.ip.map(formatIpAddress)];
  return all.length > 0 ? all.join(', ') : 'none of type DNS or IP';
}

export function checkHostname(leaf: PathCertificate, host: ReferenceIdentity): PathFinding[] {
  const shown = host.kind === 'dns' ? host.name : formatIpAddress(host.address);
  if (!leaf.presentedIdentities) {
    const cn = leaf.commonName;
    const note = cn ? `; its CN '${cn}' is not used for names (RFC 6125)` : '';
    return [
      finding('hostname-mismatch', `${shown}: leaf ${describe(leaf)} has no subjectAltName${note}`, leaf),
    ];
  }
  if (identityMatches(leaf.presentedIdentities, host)) return [];
  return [
    finding(
      'hostname-mismatch',
      `${shown} is not covered by leaf ${describe(leaf)} (names: ${describeNames(leaf)})`,
      leaf,
    ),
  ];
}

function checkLeaf(leaf: PathCertificate): PathFinding[] {
  const findings: PathFinding[] = [];
  if (leaf.extendedKeyUsage && !leaf.extendedKeyUsage.includes(SERVER_AUTH)) {
    findings.push(invalid(leaf, 'leaf', 'extendedKeyUsage', 'is not for serverAuth'));
  }
  if (leaf.keyUsage !== null && !(leaf.keyUsage & TLS_SERVER_KEY_USAGES)) {
    findings.push(
      invalid(leaf, 'leaf', 'keyUsage', 'allows none of digitalSignature, keyEncipherment, keyAgreement'),
    );
  }
  return findings;
}

/** Every finding about the path; the path is valid when none of them is blocking (see path-finding.ts). */
export function validatePath(path: readonly PathCertificate[], options: ValidatePathOptions): PathFinding[] {
  const findings: PathFinding[] = [];
  const last = path.length - 1;
  path.forEach((certificate, index) => {
    const role = roleOf(index, path.length, options.complete);
    findings.push(...checkValidity(certificate, role, options.at, options.expiringWithinDays));
    findings.push(...checkStructure(certificate, role));
    findings.push(...checkKey(certificate, role));
    if (index < last || index === 0) findings.push(...checkSignatureAlgorithm(certificate, role));
    if (index > 0) findings.push(...checkIssuer(path, index, role));
    if (options.strict) findings.push(...pathLintFindings(certificate, role, path[index + 1]));
  });
  findings.push(...checkLeaf(path[0]!));
  if (options.host) findings.push(...checkHostname(path[0]!, options.host));
  return findings;
}
