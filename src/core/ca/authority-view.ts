/**
 * What `custos ca list|show` and the API show of a CA: its status, key type and backend, its certificates'
 * subjects, expiry and fingerprints. Never key material: the key reference is reduced to its backend (and a token's
 * label).
 */
import { pemBlock } from '../../pki/formats/pem-writer.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import { DomainError } from '../errors.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import { generationOf } from './rollover.js';

export interface AuthorityCertificateView {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
}

export interface AuthorityView {
  name: string;
  status: CertificateAuthority['status'];
  keyType: CertificateAuthority['keyType'];
  backend: CertificateAuthority['key']['backend'];
  /** The issuing certificate's subject and expiry (null while pending). */
  subject: string | null;
  notAfter: string | null;
  fingerprintSha256: string | null;
  /** The issuing certificate, then its chain up to the root. */
  certificates: AuthorityCertificateView[];
  /** The CSR of a pending CA, as PEM. */
  csrPem: string | null;
  signsFrom: string | null;
  createdAt: string;
}

function certificateView(der: Uint8Array): AuthorityCertificateView {
  const c = parseCertificate(der);
  return {
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    fingerprintSha256: c.fingerprintSha256,
  };
}

export function authorityView(authority: CertificateAuthority): AuthorityView {
  const certificates = [authority.certificate, ...authority.chain]
    .filter((der): der is Uint8Array => der !== null)
    .map(certificateView);
  const issuing = authority.certificate === null ? undefined : certificates[0];
  return {
    name: authority.name,
    status: authority.status,
    keyType: authority.keyType,
    backend: authority.key.backend,
    subject: issuing?.subject ?? null,
    notAfter: issuing?.notAfter ?? null,
    fingerprintSha256: issuing?.fingerprintSha256 ?? null,
    certificates,
    csrPem: authority.csr === null ? null : pemBlock('CERTIFICATE REQUEST', authority.csr),
    signsFrom: authority.signsFrom?.toISOString() ?? null,
    createdAt: authority.createdAt.toISOString(),
  };
}

/** The statuses whose certificates relying parties must trust now (rollover keeps both CAs in for the overlap). */
export const TRUSTED_STATUSES: ReadonlySet<CertificateAuthority['status']> = new Set([
  'next',
  'active',
  'retiring',
]);

/**
 * The trust bundle: every root and intermediate of the trusted CAs (all of them, or the one named), each once,
 * roots after the intermediates they sign.
 */
export function trustBundle(authorities: readonly CertificateAuthority[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const authority of authorities) {
    if (!TRUSTED_STATUSES.has(authority.status)) continue;
    for (const der of [authority.certificate, ...authority.chain]) {
      if (der === null) continue;
      const key = Buffer.from(der).toString('base64');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(der);
    }
  }
  return out;
}

/**
 * The trust bundle of every CA, or of one CA's generations only (`ca rotate` makes NAME--r2, ...);
 * CUSTOS_CA_NOT_FOUND when no CA has that name.
 */
export function trustBundleOf(
  authorities: readonly CertificateAuthority[],
  ca: string | undefined,
): Uint8Array[] {
  if (ca === undefined) return trustBundle(authorities);
  if (!authorities.some((a) => a.name === ca))
    throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${ca}".`, {
      hint: '`custos ca list` shows them; `custos ca init --name NAME` creates one.',
    });
  const family = generationOf(ca).family;
  return trustBundle(authorities.filter((a) => generationOf(a.name).family === family));
}
