/** certificatePolicies (RFC 5280 4.2.1.4). */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { decodeOid } from '../../asn1/oid.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { latin1 } from '../names.js';
import { asBuffer, encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_CERTIFICATE_POLICIES = asn1.id_ce_certificatePolicies;
export const OID_ANY_POLICY = '2.5.29.32.0';
/** id-qt-cps: a CPS pointer qualifier, an IA5String URI. */
export const QUALIFIER_CPS = asn1.id_qt_csp;

export interface CertificatePolicy {
  /** The policy OID. */
  oid: string;
  /** The first CPS pointer qualifier, if any (user notices and further qualifiers are not read). */
  cpsUri?: string;
}

/** The policies in order; strict-der refuses an empty list (SIZE (1..MAX)). */
export function decodeCertificatePolicies(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): CertificatePolicy[] {
  const strict = mode === 'strict-der';
  const policies = extensionValue(der, mode, TAG.SEQUENCE, 'certificatePolicies', start, end).inner();
  if (strict && !policies.hasMore()) malformed('certificatePolicies is empty');
  const bytes = asBuffer(der);
  const out: CertificatePolicy[] = [];
  while (policies.hasMore()) {
    policies.expect(TAG.SEQUENCE, 'PolicyInformation');
    const information = policies.inner();
    information.expect(TAG.OID, 'PolicyInformation policyIdentifier');
    const policy: CertificatePolicy = { oid: decodeOid(der, information.start, information.end, strict) };
    if (information.hasMore()) {
      information.expect(TAG.SEQUENCE, 'PolicyInformation policyQualifiers');
      const qualifiers = information.inner();
      if (strict && !qualifiers.hasMore()) malformed('policyQualifiers is empty');
      while (qualifiers.hasMore()) {
        qualifiers.expect(TAG.SEQUENCE, 'PolicyQualifierInfo');
        const qualifier = qualifiers.inner();
        qualifier.expect(TAG.OID, 'PolicyQualifierInfo policyQualifierId');
        const id = decodeOid(der, qualifier.start, qualifier.end, strict);
        const tag = qualifier.next('PolicyQualifierInfo qualifier');
        qualifier.finish('PolicyQualifierInfo');
        if (id === QUALIFIER_CPS && tag === TAG.IA5_STRING && policy.cpsUri === undefined)
          policy.cpsUri = latin1(bytes, qualifier.start, qualifier.end);
      }
    }
    information.finish('PolicyInformation');
    out.push(policy);
  }
  return out;
}

/** Each policy OID with its CPS URI as a qualifier when it has one. */
export function encodeCertificatePolicies(policies: readonly CertificatePolicy[]): Uint8Array {
  return encodeValue(
    new asn1.CertificatePolicies(
      policies.map(
        (policy) =>
          new asn1.PolicyInformation({
            policyIdentifier: policy.oid,
            policyQualifiers: policy.cpsUri
              ? [
                  new asn1.PolicyQualifierInfo({
                    policyQualifierId: QUALIFIER_CPS,
                    qualifier: AsnConvert.serialize(new asn1.Qualifier({ cPSuri: policy.cpsUri })),
                  }),
                ]
              : undefined,
          }),
      ),
    ),
  );
}

/** RFC 5280 4.2.1.4, not critical. */
export function certificatePoliciesExtension(policies: readonly CertificatePolicy[]): Extension {
  return remember(`cp:${JSON.stringify(policies)}`, () => ({
    oid: OID_CERTIFICATE_POLICIES,
    critical: false,
    value: encodeCertificatePolicies(policies),
  }));
}
