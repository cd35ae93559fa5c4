/**
 * Writes a PKCS#10 certification request (RFC 2986) through @peculiar/asn1-csr's schema, with the requested
 * extensions in a PKCS#9 extensionRequest attribute (RFC 2985 §5.4.2), signed by the signer passed in (the
 * key the request is for).
 */
import { CertificationRequestInfo, Attributes } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { encodeSigned } from './der-writer.js';
import { encodeName, type DistinguishedName } from './distinguished-name.js';
import { extendedKeyUsageExtension, type ExtendedKeyUsageName } from '../extensions/extended-key-usage.js';
import { toAsnExtension, type Extension } from '../extensions/extension-value.js';
import { keyUsageExtension, type KeyUsageName } from '../extensions/key-usage.js';
import { subjectAltNameExtension, type GeneralNameInput } from '../extensions/subject-alt-name.js';
import { signatureAlgorithmIdentifier, type Signer } from './signer.js';

export const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

export interface CsrParams {
  /** Default: an empty subject (the names are then in the SAN). */
  subject?: DistinguishedName;
  /** Requested subjectAltName (critical when the subject is empty). Default: none. */
  subjectAltNames?: readonly GeneralNameInput[];
  /** Requested keyUsage and extKeyUsage. Default: none. */
  keyUsage?: readonly KeyUsageName[];
  extendedKeyUsage?: readonly ExtendedKeyUsageName[];
  /** Further requested extensions, after the ones above. */
  extensions?: readonly Extension[];
}

/** The DER CertificationRequest for the signer's key; without requested extensions, no attributes. */
export async function generateCsr(params: CsrParams, signer: Signer): Promise<Uint8Array> {
  const subject = encodeName(params.subject ?? []);
  const requested: Extension[] = [];
  if (params.subjectAltNames?.length)
    requested.push(subjectAltNameExtension(params.subjectAltNames, subject.length === 2));
  if (params.keyUsage?.length) requested.push(keyUsageExtension(params.keyUsage));
  if (params.extendedKeyUsage?.length) requested.push(extendedKeyUsageExtension(params.extendedKeyUsage));
  requested.push(...(params.extensions ?? []));
  const attributes = new Attributes(
    requested.length === 0
      ? []
      : [
          new asn1.Attribute({
            type: OID_EXTENSION_REQUEST,
            values: [AsnConvert.serialize(new asn1.Extensions(requested.map(toAsnExtension)))],
          }),
        ],
  );
  const info = new Uint8Array(
    AsnConvert.serialize(
      new CertificationRequestInfo({
        version: 0,
        subject: AsnConvert.parse(subject, asn1.Name),
        subjectPKInfo: AsnConvert.parse(signer.publicKeySpki, asn1.SubjectPublicKeyInfo),
        attributes,
      }),
    ),
  );
  return encodeSigned(info, signatureAlgorithmIdentifier(signer.algorithm), await signer.sign(info));
}
