/** A DER OCSPRequest (RFC 6960) for one serial of a CA, with an optional nonce: what the OCSP benches send. */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { CertID, OCSPRequest, Request, TBSRequest } from '@peculiar/asn1-ocsp';
import { AlgorithmIdentifier, Extension } from '@peculiar/asn1-x509';
import type { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import { certIdFor } from '../../src/pki/x509/generate/ocsp-response.js';

export function ocspRequest(
  issuer: ReturnType<typeof issuerIdentity>,
  serial: Uint8Array,
  nonce?: Uint8Array,
): Uint8Array {
  const id = certIdFor(issuer, serial);
  return new Uint8Array(
    AsnConvert.serialize(
      new OCSPRequest({
        tbsRequest: new TBSRequest({
          requestList: [
            new Request({
              reqCert: new CertID({
                hashAlgorithm: new AlgorithmIdentifier({ algorithm: id.hashAlgorithm, parameters: null }),
                issuerNameHash: new OctetString(id.issuerNameHash),
                issuerKeyHash: new OctetString(id.issuerKeyHash),
                serialNumber: new Uint8Array(id.serialNumber).buffer,
              }),
            }),
          ],
          requestExtensions: nonce
            ? [
                new Extension({
                  extnID: '1.3.6.1.5.5.7.48.1.2',
                  extnValue: new OctetString(AsnConvert.serialize(new OctetString(nonce))),
                }),
              ]
            : undefined,
        }),
      }),
    ),
  );
}
