import type { Insertable, Selectable } from 'kysely';
import type { CertificateFacts, StoredCertificate } from '../core/ports/inventory-store.js';
import type { KeyAlgorithm, ParsedCertificate, SubjectAltNames } from '../pki/x509/parsed-certificate.js';
import type { CertificatesTable } from './schema.js';

export type CertificateRow = Selectable<CertificatesTable>;

export function toCertificateRow(
  certificate: ParsedCertificate,
  discoveredAt: number,
): Insertable<CertificatesTable> {
  const der = certificate.der;
  return {
    fingerprint: certificate.fingerprintSha256,
    der: Buffer.from(der.buffer, der.byteOffset, der.byteLength),
    serial_number: certificate.serialNumber,
    subject: certificate.subject,
    issuer: certificate.issuer,
    common_name: certificate.commonName,
    subject_alt_names: JSON.stringify(certificate.subjectAltNames),
    not_before: certificate.notBefore.getTime(),
    not_after: certificate.notAfter.getTime(),
    key_algorithm: certificate.keyAlgorithm,
    key_size: certificate.keySize,
    curve: certificate.curve,
    signature_algorithm: certificate.signatureAlgorithm,
    is_ca: certificate.isCA ? 1 : 0,
    path_length: certificate.pathLength,
    extended_key_usage: JSON.stringify(certificate.extendedKeyUsage),
    self_signed: certificate.selfSigned ? 1 : 0,
    spiffe_id: certificate.spiffeId,
    subject_key_id: certificate.subjectKeyId,
    authority_key_id: certificate.authorityKeyId,
    public_key_sha256: certificate.publicKeySha256,
    version: certificate.version,
    first_discovered: discoveredAt,
  };
}

/** Every column of `certificates` but the DER, which listings never need. */
export const FACT_COLUMNS = [
  'fingerprint',
  'serial_number',
  'subject',
  'issuer',
  'common_name',
  'subject_alt_names',
  'not_before',
  'not_after',
  'key_algorithm',
  'key_size',
  'curve',
  'signature_algorithm',
  'is_ca',
  'path_length',
  'extended_key_usage',
  'self_signed',
  'spiffe_id',
  'subject_key_id',
  'authority_key_id',
  'public_key_sha256',
  'version',
  'first_discovered',
] as const satisfies ReadonlyArray<keyof CertificateRow>;

export type CertificateFactsRow = Pick<CertificateRow, (typeof FACT_COLUMNS)[number]>;

export function toCertificateFacts(row: CertificateFactsRow): CertificateFacts {
  return {
    fingerprintSha256: row.fingerprint,
    serialNumber: row.serial_number,
    subject: row.subject,
    issuer: row.issuer,
    commonName: row.common_name,
    subjectAltNames: JSON.parse(row.subject_alt_names) as SubjectAltNames,
    notBefore: new Date(Number(row.not_before)),
    notAfter: new Date(Number(row.not_after)),
    keyAlgorithm: row.key_algorithm as KeyAlgorithm,
    keySize: row.key_size,
    curve: row.curve,
    signatureAlgorithm: row.signature_algorithm,
    isCA: Boolean(row.is_ca),
    pathLength: row.path_length,
    extendedKeyUsage: JSON.parse(row.extended_key_usage) as string[] | null,
    selfSigned: Boolean(row.self_signed),
    spiffeId: row.spiffe_id,
    subjectKeyId: row.subject_key_id,
    authorityKeyId: row.authority_key_id,
    publicKeySha256: row.public_key_sha256,
    version: row.version,
    firstDiscovered: new Date(Number(row.first_discovered)),
  };
}

export function toStoredCertificate(row: CertificateRow): StoredCertificate {
  const der = row.der;
  return { ...toCertificateFacts(row), der: new Uint8Array(der.buffer, der.byteOffset, der.byteLength) };
}
