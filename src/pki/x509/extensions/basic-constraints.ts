/** basicConstraints (RFC 5280 4.2.1.9). */
import { BasicConstraints as Asn1BasicConstraints } from '@peculiar/asn1-x509';
import { malformed, TAG, type Asn1Mode } from '../../asn1/reader.js';
import { asBuffer, encodeValue, extensionValue, remember, type Extension } from './extension-value.js';

export const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export interface BasicConstraints {
  ca: boolean;
  /** pathLenConstraint, null when absent. */
  pathLength: number | null;
}

export function decodeBasicConstraints(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): BasicConstraints {
  const fields = extensionValue(der, mode, TAG.SEQUENCE, 'basicConstraints', start, end).inner();
  let ca = false;
  let pathLength: number | null = null;
  if (fields.peek() === TAG.BOOLEAN) {
    fields.next('basicConstraints cA');
    if (fields.end - fields.start !== 1) malformed('basicConstraints cA: BOOLEAN of length != 1');
    ca = der[fields.start] !== 0;
  }
  if (fields.peek() === TAG.INTEGER) {
    fields.next('basicConstraints pathLenConstraint');
    const length = fields.end - fields.start;
    if (length < 1 || length > 4) malformed(`basicConstraints pathLenConstraint: INTEGER of ${length} bytes`);
    pathLength = asBuffer(der).readIntBE(fields.start, length);
    if (pathLength < 0)
      malformed(`basicConstraints pathLenConstraint is negative (${pathLength}); RFC 5280 allows 0..MAX`);
  }
  fields.finish('basicConstraints');
  return { ca, pathLength };
}

export function encodeBasicConstraints(value: BasicConstraints): Uint8Array {
  return encodeValue(
    new Asn1BasicConstraints({
      cA: value.ca,
      ...(value.pathLength === null ? {} : { pathLenConstraint: value.pathLength }),
    }),
  );
}

/** RFC 5280 4.2.1.9; critical, as 4.2.1.9 requires on CA certificates. */
export function basicConstraintsExtension(value: BasicConstraints): Extension {
  return remember(`bc:${value.ca}:${value.pathLength}`, () => ({
    oid: OID_BASIC_CONSTRAINTS,
    critical: true,
    value: encodeBasicConstraints(value),
  }));
}
