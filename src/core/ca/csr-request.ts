/**
 * A certification request file as `cert issue --csr` and the API take it (PEM `CERTIFICATE REQUEST`, or DER): the
 * request as read (its signature checked later, first of the issuance checks) and the names it asks for.
 */
import { Asn1Cursor, TAG } from '../../pki/asn1/reader.js';
import { formatIpAddress } from '../../pki/ip-address.js';
import { PkiFormatError } from '../../pki/problem.js';
import { readCsr, type CsrContent } from '../../pki/x509/generate/csr-reader.js';
import { decodeSubjectAltName, OID_SUBJECT_ALT_NAME } from '../../pki/x509/extensions/subject-alt-name.js';
import { readName } from '../../pki/x509/names.js';
import { DomainError } from '../errors.js';

export interface RequestedNames {
  commonName: string | null;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
}

const PEM =
  /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]*)-----END (?:NEW )?CERTIFICATE REQUEST-----/;

/** The DER of the first request in a PEM text, or the bytes as they are. */
export function csrDer(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('-----BEGIN')) return bytes;
  const match = PEM.exec(text);
  if (match === null)
    throw new DomainError('CUSTOS_FILE_UNRECOGNISED', 'The file holds no PEM CERTIFICATE REQUEST block.', {
      hint: 'Give a PKCS#10 request, e.g. from `openssl req -new`.',
    });
  return new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
}

/** Reads a request: CUSTOS_DER_MALFORMED (exit 2) when it is not one. */
export function readCsrRequest(bytes: Uint8Array): { csr: CsrContent; names: RequestedNames } {
  try {
    const csr = readCsr(csrDer(bytes));
    const subject = Buffer.from(csr.subject.buffer, csr.subject.byteOffset, csr.subject.byteLength);
    const top = new Asn1Cursor(subject, 0, subject.length);
    top.expect(TAG.SEQUENCE, 'subject');
    const { commonName } = readName(subject, top.start, top.end, 'subject');
    const names: RequestedNames = { commonName, dnsNames: [], ipAddresses: [], uris: [] };
    const san = csr.requestedExtensions.find((e) => e.oid === OID_SUBJECT_ALT_NAME);
    if (san !== undefined) {
      const decoded = decodeSubjectAltName(san.value);
      names.dnsNames = decoded.dns;
      names.ipAddresses = decoded.ip.map((ip) => formatIpAddress(ip));
      names.uris = decoded.uri;
    }
    return { csr, names };
  } catch (error) {
    if (error instanceof PkiFormatError)
      throw new DomainError(error.code, `The certificate request cannot be read: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}
