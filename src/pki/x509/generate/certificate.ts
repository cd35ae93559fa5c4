/**
 * Writes an X.509 v3 certificate (RFC 5280 §4.1) signed by the signer passed in. Pure: the caller supplies
 * the serial number (from its CSPRNG), the validity (from its clock) and the signer (software key or token).
 */
import { invalidParameter as invalid } from '../../problem.js';
import { authorityInfoAccessExtension } from '../extensions/authority-info-access.js';
import { authorityKeyIdentifierExtension } from '../extensions/authority-key-identifier.js';
import { basicConstraintsExtension } from '../extensions/basic-constraints.js';
import { certificatePoliciesExtension, type CertificatePolicy } from '../extensions/certificate-policies.js';
import { crlDistributionPointsExtension } from '../extensions/crl-distribution-points.js';
import { extendedKeyUsageExtension, type ExtendedKeyUsageName } from '../extensions/extended-key-usage.js';
import type { Extension } from '../extensions/extension-value.js';
import { keyUsageExtension, type KeyUsageName } from '../extensions/key-usage.js';
import { nameConstraintsExtension, type NameConstraintsInput } from '../extensions/name-constraints.js';
import { subjectAltNameExtension, type GeneralNameInput } from '../extensions/subject-alt-name.js';
import { subjectKeyIdentifierExtension } from '../extensions/subject-key-identifier.js';
import { encodeSigned } from './der-writer.js';
import { encodeName, type DistinguishedName } from './distinguished-name.js';
import { keyIdentifier } from './key-identifier.js';
import { serialNumberContent } from './serial-number.js';
import { signatureAlgorithmIdentifier, type Signer } from './signer.js';
import { encodeTbsCertificate } from './tbs-certificate.js';

export interface CertificateParams {
  /**
   * The serial number's big-endian magnitude: positive, at most 20 octets once encoded (RFC 5280 §4.1.2.2).
   * A CA draws at least 64 bits of it from a CSPRNG (CA/B Forum BR 7.1).
   */
  serialNumber: Uint8Array;
  subject: DistinguishedName;
  /** The issuing CA's subject, best as its DER copied from the CA certificate. Default: `subject` (self-signed). */
  issuer?: DistinguishedName;
  /** Both are written with whole seconds, UTCTime through 2049 and GeneralizedTime from 2050. */
  notBefore: Date;
  notAfter: Date;
  /** The subject's DER SubjectPublicKeyInfo. Default: the signer's own key (self-signed). */
  publicKeySpki?: Uint8Array;
  /** A CA: basicConstraints cA=TRUE (critical) with an optional pathLenConstraint. Default: an end entity,
   * with no basicConstraints. */
  ca?: { pathLength?: number };
  /** keyUsage (critical). Default: keyCertSign and cRLSign for a CA, none for an end entity. */
  keyUsage?: readonly KeyUsageName[];
  /** extKeyUsage (not critical). Default: none. */
  extendedKeyUsage?: readonly ExtendedKeyUsageName[];
  /** subjectAltName, critical exactly when the subject is empty (RFC 5280 §4.2.1.6). Default: none. */
  subjectAltNames?: readonly GeneralNameInput[];
  /** subjectKeyIdentifier: default the SHA-1 of the subject's key (RFC 5280 §4.2.1.2 (1)); false: none. */
  subjectKeyIdentifier?: Uint8Array | false;
  /**
   * authorityKeyIdentifier (keyIdentifier only): default, when `issuer` is given, the SHA-1 of the signer's
   * key — the issuer's SKI if it was made the same way; pass the CA certificate's SKI otherwise. None when
   * self-signed unless given; false: none.
   */
  authorityKeyIdentifier?: Uint8Array | false;
  authorityInfoAccess?: { caIssuers?: string[]; ocsp?: string[] };
  crlDistributionPoints?: readonly string[];
  nameConstraints?: NameConstraintsInput;
  certificatePolicies?: readonly CertificatePolicy[];
  /** Further extensions, written after the ones above as they are. */
  extensions?: readonly Extension[];
}

const EMPTY_NAME = [0x30, 0x00];

/** The extensions the parameters ask for, in a fixed order; a repeated extension is refused. */
export function certificateExtensions(
  params: CertificateParams,
  subjectSpki: Uint8Array,
  signerSpki: Uint8Array,
  subjectDer: Uint8Array,
): Extension[] {
  const out: Extension[] = [];
  if (params.ca) out.push(basicConstraintsExtension({ ca: true, pathLength: params.ca.pathLength ?? null }));
  const usages = params.keyUsage ?? (params.ca ? (['keyCertSign', 'cRLSign'] as const) : []);
  if (usages.length > 0) out.push(keyUsageExtension(usages));
  if (params.extendedKeyUsage?.length) out.push(extendedKeyUsageExtension(params.extendedKeyUsage));
  if (params.subjectAltNames?.length) {
    const subjectEmpty = subjectDer.length === 2 && subjectDer[0] === EMPTY_NAME[0] && subjectDer[1] === 0;
    out.push(subjectAltNameExtension(params.subjectAltNames, subjectEmpty));
  }
  if (params.subjectKeyIdentifier !== false)
    out.push(subjectKeyIdentifierExtension(params.subjectKeyIdentifier ?? keyIdentifier(subjectSpki)));
  const aki =
    params.authorityKeyIdentifier ?? (params.issuer === undefined ? false : keyIdentifier(signerSpki));
  if (aki !== false) out.push(authorityKeyIdentifierExtension(aki));
  if (params.authorityInfoAccess) out.push(authorityInfoAccessExtension(params.authorityInfoAccess));
  if (params.crlDistributionPoints?.length)
    out.push(crlDistributionPointsExtension(params.crlDistributionPoints));
  if (params.nameConstraints) out.push(nameConstraintsExtension(params.nameConstraints));
  if (params.certificatePolicies?.length) out.push(certificatePoliciesExtension(params.certificatePolicies));
  out.push(...(params.extensions ?? []));
  const seen = new Set<string>();
  for (const extension of out) {
    if (seen.has(extension.oid)) invalid(`extension ${extension.oid} appears twice (RFC 5280 §4.2)`);
    seen.add(extension.oid);
  }
  return out;
}

/** The DER certificate. Throws CUSTOS_PKI_PARAMETER_INVALID for parameters that make no valid certificate. */
export async function generateCertificate(params: CertificateParams, signer: Signer): Promise<Uint8Array> {
  if (!(params.notAfter.getTime() >= params.notBefore.getTime()))
    invalid('notAfter: must not be before notBefore');
  const subject = encodeName(params.subject);
  const issuer = params.issuer === undefined ? subject : encodeName(params.issuer);
  const spki = params.publicKeySpki ?? signer.publicKeySpki;
  const algorithm = signatureAlgorithmIdentifier(signer.algorithm);
  const tbs = encodeTbsCertificate({
    serialNumber: serialNumberContent(params.serialNumber),
    signatureAlgorithm: algorithm,
    issuer,
    subject,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    subjectPublicKeyInfo: spki,
    extensions: certificateExtensions(params, spki, signer.publicKeySpki, subject),
  });
  return encodeSigned(tbs, algorithm, await signer.sign(tbs));
}
