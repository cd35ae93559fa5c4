import { readTlv } from '../asn1/tlv.js';
import { leadingCertificate } from './certificate-shape.js';
import type { ContainerCollector } from './container-collector.js';
import { readPkcs7 } from './pkcs7.js';
import { addEncryptedKey, publicKeySha256OfDer, type PrivateKeyEncoding } from './private-key.js';

/**
 * PEM (RFC 7468 and OpenSSL's variants): any number of blocks anywhere in a text — before, after and between
 * other text, CRLF line ends, indented (YAML, config files), even inside JSON strings whose line ends are
 * written as `\n` escapes (Terraform state). Blocks of other labels (CSRs, CRLs, public keys, parameters)
 * are skipped without a problem. The scan uses Buffer.indexOf for the markers and Buffer's base64 decoder,
 * so a file costs a few linear passes and no regular expression backtracking.
 */
type BlockKind = 'certificate' | 'pkcs7' | PrivateKeyEncoding | 'encrypted-pkcs8';

const LABELS = new Map<string, BlockKind>([
  ['CERTIFICATE', 'certificate'],
  ['X509 CERTIFICATE', 'certificate'],
  // OpenSSL's certificate with trust settings appended (X509_AUX): the certificate is the first DER value.
  ['TRUSTED CERTIFICATE', 'certificate'],
  ['PKCS7', 'pkcs7'],
  ['CMS', 'pkcs7'],
  ['PRIVATE KEY', 'pkcs8'],
  ['RSA PRIVATE KEY', 'pkcs1'],
  ['EC PRIVATE KEY', 'sec1'],
  ['ENCRYPTED PRIVATE KEY', 'encrypted-pkcs8'],
]);

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
const MAX_LABEL = 40;
const NOT_BASE64 = /[^A-Za-z0-9+/=\s]/;

/**
 * Reads every PEM block; returns 'pkcs7' when the recognised blocks are all PKCS#7, 'pem' when there are
 * others, null when the text has no block of a recognised label.
 */
export function readPem(
  bytes: Uint8Array,
  collector: ContainerCollector,
  passwords: readonly string[],
): 'pem' | 'pkcs7' | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pkcs7Blocks = 0;
  let otherBlocks = 0;
  let position = text.indexOf(BEGIN);
  while (position !== -1) {
    const labelStart = position + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    const label =
      labelEnd === -1 || labelEnd - labelStart > MAX_LABEL
        ? ''
        : text.toString('latin1', labelStart, labelEnd);
    const kind = LABELS.get(label);
    if (kind === undefined) {
      position = text.indexOf(BEGIN, labelStart);
      continue;
    }
    if (kind === 'pkcs7') pkcs7Blocks++;
    else otherBlocks++;
    const bodyStart = labelEnd + DASHES.length;
    const nextBegin = text.indexOf(BEGIN, bodyStart);
    // The END line is looked for only up to the next BEGIN, so a file of many unterminated blocks stays linear.
    const bodyLength = text
      .subarray(bodyStart, nextBegin === -1 ? text.length : nextBegin)
      .indexOf(`-----END ${label}-----`);
    const blockName = `PEM block ${pkcs7Blocks + otherBlocks} (${label})`;
    if (bodyLength === -1) {
      collector.problem('CUSTOS_FILE_TRUNCATED', `${blockName} has a BEGIN line but no END line`);
    } else {
      const body = text.toString('latin1', bodyStart, bodyStart + bodyLength);
      readBlock(kind, label, body, collector, passwords, blockName);
    }
    position = nextBegin;
  }
  if (pkcs7Blocks + otherBlocks === 0) return null;
  return otherBlocks === 0 ? 'pkcs7' : 'pem';
}

function readBlock(
  kind: BlockKind,
  label: string,
  rawBody: string,
  collector: ContainerCollector,
  passwords: readonly string[],
  blockName: string,
): void {
  const { headers, base64 } = splitHeaders(
    rawBody.includes('\\') ? rawBody.replace(/\\[nrt]/g, ' ') : rawBody,
  );
  if (NOT_BASE64.test(base64)) {
    collector.problem('CUSTOS_FILE_MALFORMED', `${blockName} is not valid base64`);
    return;
  }
  const der = Buffer.from(base64, 'base64');
  if (der.length === 0) {
    collector.problem('CUSTOS_FILE_MALFORMED', `${blockName} is empty`);
    return;
  }
  try {
    switch (kind) {
      case 'certificate':
        collector.addCertificate(leadingCertificate(der));
        return;
      case 'pkcs7':
        readPkcs7(der, readTlv(der, 0), collector);
        return;
      case 'encrypted-pkcs8':
        addEncryptedKey(collector, { der }, passwords, blockName);
        return;
      default:
        if (headers.some((h) => h.startsWith('Proc-Type:') && h.includes('ENCRYPTED'))) {
          addEncryptedKey(collector, { pem: canonicalPem(label, headers, der) }, passwords, blockName);
        } else {
          collector.addKey(publicKeySha256OfDer(der, kind));
        }
    }
  } catch (error) {
    collector.failure(error, blockName, true);
  }
}

/** RFC 1421 headers (`Proc-Type:`, `DEK-Info:`) come before a blank line; base64 never holds a colon. */
function splitHeaders(body: string): { headers: string[]; base64: string } {
  if (!body.includes(':')) return { headers: [], base64: body };
  const lines = body.split('\n').map((line) => line.trim());
  let i = 0;
  while (i < lines.length && lines[i] === '') i++;
  const headers: string[] = [];
  while (i < lines.length && lines[i]!.includes(':')) headers.push(lines[i++]!);
  return { headers, base64: lines.slice(i).join('\n') };
}

/** A clean PEM text for OpenSSL's legacy encrypted-key reader (which wants unindented 64-column lines). */
function canonicalPem(label: string, headers: string[], der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...headers, '', ...lines, `-----END ${label}-----`, ''].join('\n');
}
