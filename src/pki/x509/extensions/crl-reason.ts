/** reasonCode (RFC 5280 5.3.1), a CRL entry extension; its reasons are also OCSP's revocationReason. */
import * as asn1 from '@peculiar/asn1-x509';
import { malformed, type Asn1Mode } from '../../asn1/reader.js';
import { encodeValue, extensionValue, type Extension } from './extension-value.js';

export const OID_CRL_REASON = asn1.id_ce_cRLReasons;

/** RFC 5280 5.3.1 reason codes (7 is not used). */
export type RevocationReason = keyof typeof asn1.CRLReasons;

const ENUMERATED = 0x0a;

export function decodeCrlReason(
  der: Uint8Array,
  mode: Asn1Mode = 'lenient-der',
  start = 0,
  end = der.length,
): RevocationReason {
  const node = extensionValue(der, mode, ENUMERATED, 'cRLReason', start, end);
  if (node.end - node.start !== 1) malformed('cRLReason: ENUMERATED of more than one byte');
  const reason = asn1.CRLReasons[der[node.start]!] as RevocationReason | undefined;
  if (reason === undefined) malformed(`cRLReason: unknown reason code ${der[node.start]}`);
  return reason;
}

export function encodeCrlReason(reason: RevocationReason): Uint8Array {
  return encodeValue(new asn1.CRLReason(asn1.CRLReasons[reason]));
}

/** RFC 5280 5.3.1, not critical (RFC 5280 asks to leave out `unspecified`; the caller decides). */
export function crlReasonExtension(reason: RevocationReason): Extension {
  return { oid: OID_CRL_REASON, critical: false, value: encodeCrlReason(reason) };
}
