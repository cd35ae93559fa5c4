import { signatureAlgorithmNamed } from '../../pki/asn1/algorithms.js';
import { expiringSoonWindowMs } from '../../pki/x509/expiring-soon.js';
import { EKU_CLIENT_AUTH, EKU_SERVER_AUTH } from '../../pki/x509/extensions/extended-key-usage.js';
import type { ParsedCertificate } from '../../pki/x509/parsed-certificate.js';

/** What the checks read: every parsed field but the DER. */
type CertificateFields = Omit<ParsedCertificate, 'der'>;
import { pairedBy, type ConfiguredKeyPair, type KeyPair } from '../key-pairing/key-pairs.js';
import type { Finding } from './finding.js';
import { FINDING_CODES, type FindingCode } from './finding-codes.js';

const DAY_MS = 86_400_000;
/** CA/Browser Forum Baseline Requirements maximum for a TLS leaf issued since September 2020. */
export const MAX_LEAF_VALIDITY_DAYS = 398;
export const DEFAULT_EXPIRING_WITHIN_DAYS = 30;

export interface CertificateFindingsContext {
  /** The moment the certificate is judged at: now, or the `--at` of an audit question. */
  at: Date;
  /** `expiring-soon` window. */
  expiringWithinDays: number;
  /**
   * Public-key hashes of the private keys sighted at each location of the certificate: a leaf beside private keys
   * none of which is its own is a `key-mismatch`.
   */
  locationsWithKeys: Array<{ locationKey: string; keys: string[] }>;
  /**
   * The key files paired with the certificate's files by a layout (src/core/key-pairing/key-pairs.ts), each with the
   * public-key hashes of the private keys sighted in it: a leaf whose paired key file holds none of its own is a
   * `key-mismatch` naming both files.
   */
  pairedKeys: Array<{ pair: KeyPair; keys: string[] }>;
  /**
   * The pairs a web server's configuration declares for the certificate's files whose key file the last scan of its
   * directory did not find: a `key-file-missing`.
   */
  missingKeyFiles: ConfiguredKeyPair[];
  /** A TLS endpoint serves the certificate as its own, the leaf (it is then in use as an end entity, whatever its
   * basicConstraints); a root sent along after the chain is not. */
  servedOverTls: boolean;
  /** The certificate's own private key lies beside it (same file or Secret, or a file in the same directory). */
  ownKeyBeside: boolean;
}

type Check = (cert: CertificateFields, ctx: CertificateFindingsContext) => string | null;

function finding(code: FindingCode, message: string): Finding {
  return { code, severity: FINDING_CODES[code].severity, message };
}

const days = (ms: number): number => Math.floor(ms / DAY_MS);
/**
 * Used as an end entity: no CA, or a self-signed certificate that carries `CA:TRUE` (what `openssl req -x509`
 * writes by default) yet is used as a leaf — it names subjectAltNames, it is for TLS servers or clients (a
 * serverAuth/clientAuth extendedKeyUsage), its own private key lies beside it, or a TLS endpoint serves it as its own certificate. A root
 * that only sits in a trust bundle is none of these.
 */
function isLeaf(cert: CertificateFields, ctx: CertificateFindingsContext): boolean {
  if (!cert.isCA) return true;
  if (!cert.selfSigned) return false;
  const san = cert.subjectAltNames;
  return (
    san.dns.length + san.ip.length + san.uri.length + san.email.length > 0 ||
    (cert.extendedKeyUsage ?? []).some((oid) => oid === EKU_SERVER_AUTH || oid === EKU_CLIENT_AUTH) ||
    ctx.servedOverTls ||
    ctx.ownKeyBeside
  );
}

/** The ordered checks of a certificate on its own; each returns the message of its finding, or null. */
const CHECKS: ReadonlyArray<[FindingCode, Check]> = [
  [
    'expired',
    (c, { at }) =>
      c.notAfter.getTime() < at.getTime()
        ? `expired ${days(at.getTime() - c.notAfter.getTime())} days ago (notAfter ${c.notAfter.toISOString()})`
        : null,
  ],
  [
    'not-yet-valid',
    (c, { at }) =>
      c.notBefore.getTime() > at.getTime() ? `not valid before ${c.notBefore.toISOString()}` : null,
  ],
  [
    'expiring-soon',
    (c, { at, expiringWithinDays }) => {
      const left = c.notAfter.getTime() - at.getTime();
      if (left < 0 || left > expiringSoonWindowMs(c, expiringWithinDays)) return null;
      const when = left < DAY_MS ? `${Math.floor(left / 3_600_000)} hours` : `${days(left)} days`;
      return `expires in ${when} (notAfter ${c.notAfter.toISOString()})`;
    },
  ],
  [
    'weak-key',
    (c) => {
      if (c.keyAlgorithm === 'RSA' && c.keySize !== null && c.keySize < 2048)
        return `RSA key of ${c.keySize} bits (< 2048)`;
      if (c.keyAlgorithm === 'ECDSA' && c.keySize !== null && c.keySize < 256)
        return `EC key of ${c.keySize} bits (< 256)`;
      return null;
    },
  ],
  [
    'weak-signature',
    // A root's signature over itself is never checked by clients (it is trusted as a key, not as a signature),
    // so a self-signed CA with SHA-1 is not weak; a self-signed leaf still is.
    (c, ctx) =>
      signatureAlgorithmNamed(c.signatureAlgorithm)?.weak === true && !(c.selfSigned && !isLeaf(c, ctx))
        ? `signed with ${c.signatureAlgorithm}`
        : null,
  ],
  [
    'long-validity',
    (c, ctx) => {
      const validity = days(c.notAfter.getTime() - c.notBefore.getTime());
      return isLeaf(c, ctx) && validity > MAX_LEAF_VALIDITY_DAYS
        ? `leaf valid for ${validity} days (> ${MAX_LEAF_VALIDITY_DAYS})`
        : null;
    },
  ],
  [
    'self-signed',
    (c, ctx) => (isLeaf(c, ctx) && c.selfSigned ? 'a leaf certificate signed by its own key' : null),
  ],
  [
    'key-mismatch',
    (c, ctx) => {
      if (!isLeaf(c, ctx)) return null;
      const foreign = (keys: string[]): boolean => keys.length > 0 && !keys.includes(c.publicKeySha256);
      const mismatched = ctx.locationsWithKeys.filter((l) => foreign(l.keys));
      const messages = ctx.pairedKeys
        .filter((p) => foreign(p.keys))
        .map(
          ({ pair }) =>
            `the private key in ${pair.keyPath} does not belong to the certificate in ${pair.certificatePath} (paired by ${pairedBy(pair)})`,
        );
      if (mismatched.length > 0)
        messages.unshift(
          `the private key at ${mismatched.map((l) => l.locationKey).join(', ')} does not belong to this certificate`,
        );
      return messages.length > 0 ? messages.join('; ') : null;
    },
  ],
  [
    'key-file-missing',
    (_, ctx) =>
      ctx.missingKeyFiles.length === 0
        ? null
        : ctx.missingKeyFiles
            .map(
              (pair) =>
                `${pair.keyPath}, the key of ${pair.certificatePath} by ${pairedBy(pair)}, does not exist`,
            )
            .join('; '),
  ],
];

/** The built-in findings of one certificate at a moment, in a fixed order. */
/**
 * The codes the certificate's own checks judge (at read time, from its fields): what a served chain says of its leaf
 * under these codes is the same fact, judged once by these checks (and by their window, not the probe's moment).
 */
export const CERTIFICATE_CHECK_CODES: ReadonlySet<string> = new Set(CHECKS.map(([code]) => code));

export function certificateFindings(cert: CertificateFields, ctx: CertificateFindingsContext): Finding[] {
  const out: Finding[] = [];
  for (const [code, check] of CHECKS) {
    const message = check(cert, ctx);
    if (message !== null) out.push(finding(code, message));
  }
  return out;
}
