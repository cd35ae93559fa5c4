/**
 * Reads an untrusted PKCS#10 request (RFC 2986) for a CA to answer: subject, key, requested extensions, and
 * whether its signature verifies with its own key (proof of possession).
 */
import { CertificationRequest } from '@peculiar/asn1-csr';
import * as asn1 from '@peculiar/asn1-x509';
import { createPublicKey, verify } from 'node:crypto';
import { Asn1Cursor, malformed, TAG } from '../../asn1/reader.js';
import { OID_EXTENSION_REQUEST } from './csr.js';
import { fromAsnExtension, type Extension } from '../extensions/extension-value.js';
import { firstElement, parseUntrusted } from './read-signed.js';
import { nodeDigest } from './signer.js';

export interface CsrContent {
  /** DER Name, the request's bytes. */
  subject: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  publicKeySpki: Uint8Array;
  /** The extensions of the extensionRequest attribute, as requested. */
  requestedExtensions: Extension[];
  /** Dotted OID of the signature algorithm. */
  signatureAlgorithm: string;
  /** True when the signature verifies with the request's own key; false when it does not or cannot. */
  signatureValid: boolean;
}

/** CUSTOS_DER_MALFORMED for anything that is not a well-formed request. */
export function readCsr(der: Uint8Array): CsrContent {
  const request = parseUntrusted(der, CertificationRequest, 'certification request');
  const info = request.certificationRequestInfo;
  if (info.version !== 0) malformed(`certification request: version ${info.version}, expected 0 (v1)`);
  const requestedExtensions: Extension[] = [];
  for (const attribute of info.attributes) {
    if (attribute.type !== OID_EXTENSION_REQUEST) continue;
    if (attribute.values.length !== 1) malformed('extensionRequest: expected exactly one value');
    const extensions = parseUntrusted(
      new Uint8Array(attribute.values[0]!),
      asn1.Extensions,
      'extensionRequest',
    );
    requestedExtensions.push(...extensions.map(fromAsnExtension));
  }
  const signed = firstElement(der, 'certification request');
  const fields = new Asn1Cursor(signed, 0, signed.length);
  fields.expect(TAG.SEQUENCE, 'certificationRequestInfo');
  const cursor = fields.inner();
  cursor.expect(TAG.INTEGER, 'version');
  cursor.expect(TAG.SEQUENCE, 'subject');
  const subject = signed.subarray(cursor.tlvStart, cursor.end);
  cursor.expect(TAG.SEQUENCE, 'subjectPKInfo');
  const publicKeySpki = signed.subarray(cursor.tlvStart, cursor.end);
  const signatureAlgorithm = request.signatureAlgorithm.algorithm;
  return {
    subject,
    publicKeySpki,
    requestedExtensions,
    signatureAlgorithm,
    signatureValid: verifies(signed, publicKeySpki, signatureAlgorithm, new Uint8Array(request.signature)),
  };
}

function verifies(signed: Uint8Array, spki: Uint8Array, algorithm: string, signature: Uint8Array): boolean {
  const digest = nodeDigest(algorithm);
  if (digest === undefined) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    return verify(digest, signed, key, signature);
  } catch {
    return false;
  }
}
