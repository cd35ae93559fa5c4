/** authorityInfoAccess (RFC 5280 4.2.2.1): where a client fetches the issuer's certificate and asks OCSP. */
import * as asn1 from '@peculiar/asn1-x509';
import { decodeOid } from '../../asn1/oid.js';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { latin1 } from '../names.js';
import { asBuffer, encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_AUTHORITY_INFO_ACCESS = asn1.id_pe_authorityInfoAccess;
export const ACCESS_METHOD_OCSP = asn1.id_ad_ocsp;
export const ACCESS_METHOD_CA_ISSUERS = asn1.id_ad_caIssuers;

export interface AuthorityInfoAccess {
  /** id-ad-caIssuers URIs, in order. */
  caIssuers: string[];
  /** id-ad-ocsp URIs, in order. */
  ocsp: string[];
}

export interface AccessDescription {
  /** accessMethod OID. */
  method: string;
  /** The accessLocation GeneralName's tag number (6: uniformResourceIdentifier). */
  locationTag: number;
  /** The accessLocation as text when it is an IA5String form (URI, DNS name, email), else ''. */
  location: string;
}

/**
 * Every AccessDescription as written (the lints judge each); strict-der refuses an empty list (SIZE (1..MAX)).
 */
export function decodeAccessDescriptions(
  der: Uint8Array,
  mode: Asn1Mode = 'strict-der',
  start = 0,
  end = der.length,
): AccessDescription[] {
  const list = extensionValue(der, mode, TAG.SEQUENCE, 'authorityInfoAccess', start, end).inner();
  if (mode === 'strict-der' && !list.hasMore()) malformed('authorityInfoAccess is empty (RFC 5280 4.2.2.1)');
  const bytes = asBuffer(der);
  const out: AccessDescription[] = [];
  while (list.hasMore()) {
    list.expect(TAG.SEQUENCE, 'AccessDescription');
    const description = list.inner();
    description.expect(TAG.OID, 'AccessDescription accessMethod');
    const method = decodeOid(der, description.start, description.end, mode === 'strict-der');
    const tag = description.next('AccessDescription accessLocation');
    description.finish('AccessDescription');
    const textual = tag === 0x81 || tag === 0x82 || tag === 0x86;
    out.push({
      method,
      locationTag: tag & 0x1f,
      location: textual ? latin1(bytes, description.start, description.end) : '',
    });
  }
  return out;
}

/**
 * The URIs of the id-ad-caIssuers and id-ad-ocsp access descriptions; other methods and locations that are not
 * a URI (a directoryName, ...) are skipped.
 */
export function decodeAuthorityInfoAccess(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): AuthorityInfoAccess {
  const out: AuthorityInfoAccess = { caIssuers: [], ocsp: [] };
  for (const { method, locationTag, location } of decodeAccessDescriptions(der, mode, start, end)) {
    if (locationTag !== 6) continue;
    if (method === ACCESS_METHOD_OCSP) out.ocsp.push(location);
    else if (method === ACCESS_METHOD_CA_ISSUERS) out.caIssuers.push(location);
  }
  return out;
}

/** The OCSP URIs first, then the CA issuers', each a URI access location. */
export function encodeAuthorityInfoAccess(value: {
  caIssuers?: readonly string[];
  ocsp?: readonly string[];
}): Uint8Array {
  const describe = (method: string, uris: readonly string[] = []) =>
    uris.map(
      (uri) =>
        new asn1.AccessDescription({
          accessMethod: method,
          accessLocation: new asn1.GeneralName({ uniformResourceIdentifier: uri }),
        }),
    );
  return encodeValue(
    new asn1.AuthorityInfoAccessSyntax([
      ...describe(ACCESS_METHOD_OCSP, value.ocsp),
      ...describe(ACCESS_METHOD_CA_ISSUERS, value.caIssuers),
    ]),
  );
}

/** RFC 5280 4.2.2.1, not critical. */
export function authorityInfoAccessExtension(value: {
  caIssuers?: readonly string[];
  ocsp?: readonly string[];
}): Extension {
  return remember(`aia:${JSON.stringify([value.ocsp, value.caIssuers])}`, () => ({
    oid: OID_AUTHORITY_INFO_ACCESS,
    critical: false,
    value: encodeAuthorityInfoAccess(value),
  }));
}
