/**
 * Checks of one certificate on a path, each returning findings: validity at the time, key strength,
 * signature algorithm, version and critical extensions. Path-level checks (constraints between issuers and
 * subjects) are in validate-path.ts.
 */
import { describe, type PathCertificate } from './path-certificate.js';
import type { PathFinding, PathFindingCode } from './path-finding.js';
import { expiringSoonWindowMs } from '../x509/expiring-soon.js';

const DAY_MS = 86_400_000;

/** How a message names a certificate: "leaf 'CN=a' (sha256 …)", "intermediate …", "trust anchor …". */
export type Role = 'leaf' | 'intermediate' | 'trust anchor' | 'issuer';

export const finding = (
  code: PathFindingCode,
  message: string,
  certificate?: PathCertificate,
): PathFinding => ({
  code,
  message,
  fingerprintSha256: certificate?.fingerprintSha256 ?? null,
});

export function checkValidity(
  certificate: PathCertificate,
  role: Role,
  at: Date,
  expiringWithinDays: number,
): PathFinding[] {
  const name = `${role} ${describe(certificate)}`;
  const { notBefore, notAfter } = certificate;
  // Validity has a granularity of one second (RFC 5280 §4.1.2.5): a moment is compared as its whole second, so
  // 00:00:00.005 is still inside a notAfter of 00:00:00 (as rustls-webpki, which keeps time in seconds).
  const second = Math.floor(at.getTime() / 1000) * 1000;
  if (second < notBefore.getTime()) {
    return [finding('not-yet-valid', `${name} is not valid before ${notBefore.toISOString()}`, certificate)];
  }
  if (second > notAfter.getTime()) {
    return [finding('expired', `${name} expired at ${notAfter.toISOString()}`, certificate)];
  }
  const left = notAfter.getTime() - at.getTime();
  if (left <= expiringSoonWindowMs(certificate, expiringWithinDays)) {
    const days = left / DAY_MS;
    return [
      finding(
        'expiring-soon',
        `${name} expires at ${notAfter.toISOString()} (in ${Math.floor(days)} days)`,
        certificate,
      ),
    ];
  }
  return [];
}

/** RSA under 2048 bits, EC under 256 bits: weak-key; key types WebPKI clients do not accept (DSA, ...): path-invalid. */
export function checkKey(certificate: PathCertificate, role: Role): PathFinding[] {
  const name = `${role} ${describe(certificate)}`;
  const { keyAlgorithm, keySize } = certificate;
  if (keyAlgorithm === 'unknown' || keySize === null) {
    return [
      finding(
        'path-invalid',
        `${name} has a ${keyAlgorithm} key, which WebPKI clients do not accept`,
        certificate,
      ),
    ];
  }
  const minimum = keyAlgorithm === 'RSA' ? 2048 : keyAlgorithm === 'ECDSA' ? 256 : 0;
  if (keySize < minimum) {
    return [
      finding(
        'weak-key',
        `${name} has a ${keySize}-bit ${keyAlgorithm} key (at least ${minimum} required)`,
        certificate,
      ),
    ];
  }
  return [];
}

/** The signature on a certificate that the path relies on (every one but the trust anchor's own). */
export function checkSignatureAlgorithm(certificate: PathCertificate, role: Role): PathFinding[] {
  const name = `${role} ${describe(certificate)}`;
  const algorithm = certificate.signatureAlgorithmInfo;
  if (algorithm.weak) {
    return [
      finding('weak-signature', `${name} is signed with ${algorithm.name} (${algorithm.hash})`, certificate),
    ];
  }
  if (!algorithm.webPki) {
    return [
      finding('path-invalid', `${name} is signed with ${algorithm.name}, which is not accepted`, certificate),
    ];
  }
  return [];
}

/** v3 only (as openssl -x509_strict and rustls-webpki); no critical extension path processing does not know. */
export function checkStructure(certificate: PathCertificate, role: Role): PathFinding[] {
  const name = `${role} ${describe(certificate)}`;
  const findings: PathFinding[] = [];
  if (certificate.version !== 3) {
    findings.push(
      finding(
        'path-invalid',
        `${name} is a version ${certificate.version} certificate; only v3 is accepted`,
        certificate,
      ),
    );
  }
  for (const oid of certificate.unknownCriticalExtensions) {
    findings.push(
      finding('path-invalid', `${name} has an unknown critical extension ${oid} (RFC 5280 4.2)`, certificate),
    );
  }
  return findings;
}
