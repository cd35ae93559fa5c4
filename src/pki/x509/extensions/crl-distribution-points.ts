/** cRLDistributionPoints (RFC 5280 4.2.1.13): where a client fetches the CRL that covers a certificate. */
import * as asn1 from '@peculiar/asn1-x509';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { latin1 } from '../names.js';
import { asBuffer, encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_CRL_DISTRIBUTION_POINTS = asn1.id_ce_cRLDistributionPoints;

/**
 * The URIs of the distribution points' fullNames, in order. Names that are not a URI, nameRelativeToCRLIssuer,
 * reasons and cRLIssuer are skipped; strict-der refuses an empty list (SIZE (1..MAX)).
 */
export function decodeCrlDistributionPoints(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): string[] {
  const points = extensionValue(der, mode, TAG.SEQUENCE, 'cRLDistributionPoints', start, end).inner();
  if (mode === 'strict-der' && !points.hasMore()) malformed('cRLDistributionPoints is empty');
  const bytes = asBuffer(der);
  const uris: string[] = [];
  while (points.hasMore()) {
    points.expect(TAG.SEQUENCE, 'DistributionPoint');
    const fields = points.inner();
    if (fields.peek() === 0xa0) {
      fields.next('DistributionPoint distributionPoint');
      const name = fields.inner();
      const form = name.next('DistributionPointName');
      name.finish('DistributionPointName');
      if (form === 0xa0) {
        const fullName = name.inner(); // [0] GeneralNames, implicitly tagged
        while (fullName.hasMore()) {
          if (fullName.next('fullName GeneralName') === 0x86)
            uris.push(latin1(bytes, fullName.start, fullName.end));
        }
      }
    }
    if (fields.peek() === 0x81) fields.next('DistributionPoint reasons');
    if (fields.peek() === 0xa2) fields.next('DistributionPoint cRLIssuer');
    fields.finish('DistributionPoint');
  }
  return uris;
}

/** One distribution point per URI, each with a fullName. */
export function encodeCrlDistributionPoints(uris: readonly string[]): Uint8Array {
  return encodeValue(
    new asn1.CRLDistributionPoints(
      uris.map(
        (uri) =>
          new asn1.DistributionPoint({
            distributionPoint: new asn1.DistributionPointName({
              fullName: [new asn1.GeneralName({ uniformResourceIdentifier: uri })],
            }),
          }),
      ),
    ),
  );
}

/** RFC 5280 4.2.1.13, not critical. */
export function crlDistributionPointsExtension(uris: readonly string[]): Extension {
  return remember(`cdp:${JSON.stringify(uris)}`, () => ({
    oid: OID_CRL_DISTRIBUTION_POINTS,
    critical: false,
    value: encodeCrlDistributionPoints(uris),
  }));
}
