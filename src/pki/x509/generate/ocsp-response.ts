/**
 * Writes OCSP responses (RFC 6960 §4.2) through @peculiar/asn1-ocsp's schemas: a BasicOCSPResponse with good,
 * revoked (time, reason) or unknown per CertID, the responder identified by its key hash, the request's nonce
 * echoed, and the delegated responder's certificate included when the CA does not sign itself (§4.2.2.2).
 */
import {
  CertID,
  CertStatus,
  KeyHash,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  id_pkix_ocsp_basic,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { hash } from 'node:crypto';
import { encodeName, type DistinguishedName } from './distinguished-name.js';
import type { RevocationReason } from '../extensions/crl-reason.js';
import { toAsnExtension, type Extension } from '../extensions/extension-value.js';
import { keyIdentifier, subjectPublicKeyBits } from './key-identifier.js';
import type { CertId } from './ocsp-request.js';
import { serialNumberContent } from './serial-number.js';
import { DIGEST_OIDS } from '../../asn1/algorithms.js';
import { TAG } from '../../asn1/reader.js';
import { encodeSigned, tlv, wholeSeconds } from './der-writer.js';
import { signatureAlgorithmIdentifier, type Signer } from './signer.js';

export type CertStatusInput =
  | { status: 'good' }
  | { status: 'revoked'; revocationTime: Date; reason?: RevocationReason }
  | { status: 'unknown' };

export interface SingleResponseInput {
  certId: CertId;
  certStatus: CertStatusInput;
  thisUpdate: Date;
  /** When newer information will be available; default none (RFC 6960 §4.2.2.1). */
  nextUpdate?: Date;
}

export interface OcspResponseParams {
  producedAt: Date;
  responses: readonly SingleResponseInput[];
  /** Response extensions: the request's nonce, as readOcspRequest returned it. */
  extensions?: readonly Extension[];
  /** DER certificates sent along: the delegated responder's certificate (id-kp-OCSPSigning, issued by the
   * CA). Default none, for a CA that signs its responses itself. */
  certificates?: readonly Uint8Array[];
}

const OID_SHA1 = '1.3.14.3.2.26';

/** The CertID of a certificate issued by the CA with this subject and key (SHA-1 unless told). */
export function certIdFor(
  issuer: { subject: DistinguishedName; publicKeySpki: Uint8Array },
  serialNumber: Uint8Array,
  hashAlgorithm = OID_SHA1,
): CertId {
  const digest = DIGEST_OIDS[hashAlgorithm] ?? 'sha1';
  return {
    hashAlgorithm,
    issuerNameHash: new Uint8Array(hash(digest, encodeName(issuer.subject), 'buffer')),
    issuerKeyHash: new Uint8Array(hash(digest, subjectPublicKeyBits(issuer.publicKeySpki), 'buffer')),
    serialNumber: serialNumberContent(serialNumber),
  };
}

/** Whether a CertID hash algorithm (dotted OID) is one the responder can match: SHA-1 or SHA-2. */
export const isCertIdHash = (oid: string): boolean => oid in DIGEST_OIDS;

function certStatus(input: CertStatusInput): CertStatus {
  if (input.status === 'good') return new CertStatus({ good: null });
  if (input.status === 'unknown') return new CertStatus({ unknown: null });
  return new CertStatus({
    revoked: new RevokedInfo({
      revocationTime: wholeSeconds(input.revocationTime),
      revocationReason: input.reason ? new asn1.CRLReason(asn1.CRLReasons[input.reason]) : undefined,
    }),
  });
}

function wrap(status: OCSPResponseStatus, basic?: Uint8Array): Uint8Array {
  const responseBytes = basic
    ? new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(basic) })
    : undefined;
  return new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: status, responseBytes })));
}

/** A successful OCSPResponse carrying a BasicOCSPResponse signed by the responder's signer. */
export async function generateOcspResponse(params: OcspResponseParams, signer: Signer): Promise<Uint8Array> {
  const data = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(keyIdentifier(signer.publicKeySpki)) }),
    producedAt: wholeSeconds(params.producedAt),
    responses: params.responses.map(
      (response) =>
        new SingleResponse({
          certID: new CertID({
            hashAlgorithm: new asn1.AlgorithmIdentifier({
              algorithm: response.certId.hashAlgorithm,
              parameters: null,
            }),
            issuerNameHash: new OctetString(response.certId.issuerNameHash),
            issuerKeyHash: new OctetString(response.certId.issuerKeyHash),
            serialNumber: new Uint8Array(response.certId.serialNumber).buffer,
          }),
          certStatus: certStatus(response.certStatus),
          thisUpdate: wholeSeconds(response.thisUpdate),
          nextUpdate: response.nextUpdate && wholeSeconds(response.nextUpdate),
        }),
    ),
    responseExtensions: params.extensions?.length ? params.extensions.map(toAsnExtension) : undefined,
  });
  const tbs = new Uint8Array(AsnConvert.serialize(data));
  const algorithm = signatureAlgorithmIdentifier(signer.algorithm);
  const certificates = params.certificates?.length
    ? [tlv(0xa0, tlv(TAG.SEQUENCE, ...params.certificates))]
    : [];
  const basic = encodeSigned(tbs, algorithm, await signer.sign(tbs), ...certificates);
  return wrap(OCSPResponseStatus.successful, basic);
}

/** An unsigned error response (RFC 6960 §2.3): malformedRequest, internalError, tryLater, unauthorized. */
export function ocspErrorResponse(
  status: 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized',
): Uint8Array {
  return wrap(OCSPResponseStatus[status]);
}
