/**
 * The profile of a leaf the built-in CA issues (RFC 5280 §4.2, CA/B Forum BR 7.1.2.7): what a request turns into.
 * Pure: the serial number, the clock and the CA come in.
 */
import type { CertificateParams } from '../../pki/x509/generate/certificate.js';
import type { GeneralNameInput } from '../../pki/x509/extensions/subject-alt-name.js';
import { issuerIdentity, type IssuerIdentity } from '../../pki/x509/generate/issuer-identity.js';
import { keyIdentifier } from '../../pki/x509/generate/key-identifier.js';
import { readSubjectPublicKey } from '../../pki/x509/public-key.js';
import type { PathCertificate } from '../../pki/path/path-certificate.js';
import type { IssuanceRequest } from './issuance-request.js';
import { subjectKey } from './checks/subject-key.js';

/** The lifetime of a leaf when the request names none. */
export const DEFAULT_TTL_MS = 24 * 3_600_000;
/** How far notBefore is set back, for relying parties whose clocks lag. */
export const BACKDATE_MS = 60_000;

/** Where relying parties fetch what the CA publishes (`server.baseUrl`, no trailing slash). */
export interface PublicationUrls {
  caIssuers: string;
  ocsp: string;
  crl: string;
}

export function publicationUrls(baseUrl: string, authority: string): PublicationUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    caIssuers: `${base}/ca/${authority}.crt`,
    ocsp: `${base}/ocsp`,
    crl: `${base}/crl/${authority}.crl`,
  };
}

/** The SANs of a request: its DNS names, IPs and URIs (its CN joined them first: common-name-in-sans.ts). */
export function subjectAltNames(request: IssuanceRequest): GeneralNameInput[] {
  return [
    ...request.dnsNames.map((dns) => ({ dns })),
    ...request.ipAddresses.map((ip) => ({ ip })),
    ...request.uris.map((uri) => ({ uri })),
  ];
}

export interface LeafInput {
  request: IssuanceRequest;
  caCertificate: PathCertificate;
  serialNumber: Uint8Array;
  now: Date;
  urls: PublicationUrls;
}

/** The issuer identity of a CA certificate, read once per parsed certificate (readPathCertificateCached's). */
const issuers = new WeakMap<PathCertificate, IssuerIdentity>();

function issuerOf(caCertificate: PathCertificate): IssuerIdentity {
  let identity = issuers.get(caCertificate);
  if (identity === undefined) {
    identity = issuerIdentity(caCertificate.der);
    issuers.set(caCertificate, identity);
  }
  return identity;
}

/** The certificate parameters of a leaf, inside the CA's validity. */
export function leafParameters(input: LeafInput): CertificateParams {
  const { request, caCertificate, now } = input;
  const ca = issuerOf(caCertificate);
  const ttl = request.ttlMs ?? DEFAULT_TTL_MS;
  const notBefore = new Date(Math.max(now.getTime() - BACKDATE_MS, caCertificate.notBefore.getTime()));
  const notAfter = new Date(Math.min(now.getTime() + ttl, caCertificate.notAfter.getTime()));
  // The key as the issuance checks read it (subject-key.ts, once per request); an unreadable key throws here.
  const read = subjectKey(request.publicKeySpki);
  const rsa = (read.ok ? read.key : readSubjectPublicKey(request.publicKeySpki)).algorithm === 'RSA';
  return {
    serialNumber: input.serialNumber,
    subject: request.commonName === null ? [] : [[{ type: 'CN', value: request.commonName }]],
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKeySpki: request.publicKeySpki,
    keyUsage: rsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    subjectAltNames: subjectAltNames(request),
    authorityKeyIdentifier: ca.subjectKeyIdentifier ?? keyIdentifier(ca.publicKeySpki),
    authorityInfoAccess: { caIssuers: [input.urls.caIssuers], ocsp: [input.urls.ocsp] },
    crlDistributionPoints: [input.urls.crl],
  };
}
