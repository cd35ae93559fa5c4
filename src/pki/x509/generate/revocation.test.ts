// CRLs and OCSP responses as the generators write them, read back through @peculiar/x509 and the
// @peculiar/asn1-ocsp schema, with signatures node:crypto verifies; OCSP requests read by readOcspRequest.
// (openssl crl -verify and openssl ocsp against a responder: test/pki/generate-openssl.test.ts.)
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  BasicOCSPResponse,
  OCSPRequest,
  OCSPResponse,
  Request,
  TBSRequest,
  CertID,
} from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { aSigner } from '../../../../test/support/signers.js';
import { generateCertificate } from './certificate.js';
import { generateCrl } from './crl.js';
import { issuerIdentity } from './issuer-identity.js';
import { keyIdentifier } from './key-identifier.js';
import { readOcspRequest } from './ocsp-request.js';
import { certIdFor, generateOcspResponse, ocspErrorResponse } from './ocsp-response.js';

const at = (iso: string): Date => new Date(iso);

async function aCa() {
  const signer = aSigner('P-256', 'revocation-ca');
  const der = await generateCertificate(
    {
      serialNumber: new Uint8Array([1]),
      subject: [[{ type: 'CN', value: 'Revocation CA' }]],
      notBefore: at('2026-01-01T00:00:00Z'),
      notAfter: at('2036-01-01T00:00:00Z'),
      ca: {},
    },
    signer,
  );
  return { der, signer, identity: issuerIdentity(der) };
}

describe('generateCrl', () => {
  it('a v2 CRL with number, AKI, entries with reasons and invalidity dates reads back equal', async () => {
    const ca = await aCa();
    const der = await generateCrl(
      {
        issuer: ca.identity.subject,
        crlNumber: 42,
        thisUpdate: at('2026-12-01T00:00:00Z'),
        nextUpdate: at('2026-12-08T00:00:00Z'),
        revoked: [
          {
            serialNumber: Buffer.from('8001', 'hex'),
            revocationDate: at('2026-11-01T12:00:00Z'),
            reason: 'keyCompromise',
            invalidityDate: at('2026-10-31T00:00:00Z'),
          },
          { serialNumber: Buffer.from('02', 'hex'), revocationDate: at('2026-11-02T12:00:00Z') },
          {
            serialNumber: Buffer.from('03', 'hex'),
            revocationDate: at('2026-11-03T12:00:00Z'),
            reason: 'unspecified',
          },
        ],
      },
      ca.signer,
    );
    const crl = new x509.X509Crl(der);
    assert.equal(crl.issuer, 'CN=Revocation CA');
    assert.deepEqual(
      [crl.thisUpdate, crl.nextUpdate],
      [at('2026-12-01T00:00:00Z'), at('2026-12-08T00:00:00Z')],
    );
    assert.equal(
      crl.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
      Buffer.from(ca.identity.subjectKeyIdentifier!).toString('hex'),
    );
    assert.equal(
      new asn1.CRLNumber(AsnConvert.parse(crl.getExtension('2.5.29.20')!.value, asn1.CRLNumber).value).value,
      42,
    );
    assert.deepEqual(
      crl.entries.map((e) => [
        e.serialNumber,
        e.revocationDate.toISOString(),
        e.reason,
        e.invalidity?.toISOString(),
      ]),
      [
        ['8001', '2026-11-01T12:00:00.000Z', x509.X509CrlReason.keyCompromise, '2026-10-31T00:00:00.000Z'],
        ['02', '2026-11-02T12:00:00.000Z', undefined, undefined],
        ['03', '2026-11-03T12:00:00.000Z', undefined, undefined],
      ],
    );
    assert.ok(await crl.verify({ publicKey: new x509.X509Certificate(ca.der).publicKey }));
  });

  it('refuses nextUpdate not after thisUpdate and a negative CRL number', async () => {
    const ca = await aCa();
    const base = {
      issuer: ca.identity.subject,
      crlNumber: 1,
      thisUpdate: at('2026-12-01T00:00:00Z'),
      nextUpdate: at('2026-12-02T00:00:00Z'),
    };
    const invalid = { name: 'PkiFormatError', code: 'CUSTOS_PKI_PARAMETER_INVALID' };
    await assert.rejects(generateCrl({ ...base, nextUpdate: base.thisUpdate }, ca.signer), invalid);
    await assert.rejects(generateCrl({ ...base, crlNumber: -1 }, ca.signer), invalid);
  });
});

function anOcspRequest(certIds: CertID[], nonce?: Uint8Array): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(
      new OCSPRequest({
        tbsRequest: new TBSRequest({
          requestList: certIds.map((reqCert) => new Request({ reqCert })),
          requestExtensions: nonce
            ? [
                new asn1.Extension({
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

describe('OCSP', () => {
  it('a request is read; the response echoes its CertIDs and nonce with good, revoked and unknown', async () => {
    const ca = await aCa();
    const ids = [1, 2, 3].map((n) => certIdFor(ca.identity, new Uint8Array([n])));
    const toAsn = (id: (typeof ids)[number]) =>
      new CertID({
        hashAlgorithm: new asn1.AlgorithmIdentifier({ algorithm: id.hashAlgorithm, parameters: null }),
        issuerNameHash: new OctetString(id.issuerNameHash),
        issuerKeyHash: new OctetString(id.issuerKeyHash),
        serialNumber: new Uint8Array(id.serialNumber).buffer,
      });
    const request = readOcspRequest(anOcspRequest(ids.map(toAsn), new Uint8Array(16).fill(9)));
    assert.deepEqual(request.certIds, ids);
    assert.ok(request.nonce);

    const der = await generateOcspResponse(
      {
        producedAt: at('2026-12-03T10:00:00.750Z'),
        responses: [
          {
            certId: request.certIds[0]!,
            certStatus: { status: 'good' },
            thisUpdate: at('2026-12-03T10:00:00Z'),
            nextUpdate: at('2026-12-03T11:00:00Z'),
          },
          {
            certId: request.certIds[1]!,
            certStatus: {
              status: 'revoked',
              revocationTime: at('2026-11-01T00:00:00Z'),
              reason: 'superseded',
            },
            thisUpdate: at('2026-12-03T10:00:00Z'),
          },
          {
            certId: request.certIds[2]!,
            certStatus: { status: 'unknown' },
            thisUpdate: at('2026-12-03T10:00:00Z'),
          },
        ],
        extensions: [request.nonce],
        certificates: [ca.der],
      },
      ca.signer,
    );
    const response = AsnConvert.parse(der, OCSPResponse);
    assert.equal(response.responseStatus, 0);
    const basic = AsnConvert.parse(response.responseBytes!.response.buffer, BasicOCSPResponse);
    const data = basic.tbsResponseData;
    assert.deepEqual(new Uint8Array(data.responderID.byKey!.buffer), keyIdentifier(ca.signer.publicKeySpki));
    assert.equal(data.producedAt.toISOString(), '2026-12-03T10:00:00.000Z', 'whole seconds');
    assert.deepEqual(
      data.responses.map((r) => new Uint8Array(r.certID.serialNumber)),
      ids.map((id) => id.serialNumber),
    );
    assert.equal(data.responses[0]!.certStatus.good, null);
    assert.equal(
      data.responses[1]!.certStatus.revoked?.revocationTime.toISOString(),
      '2026-11-01T00:00:00.000Z',
    );
    assert.equal(data.responses[1]!.certStatus.revoked?.revocationReason?.reason, asn1.CRLReasons.superseded);
    assert.equal(data.responses[2]!.certStatus.unknown, null);
    assert.deepEqual(new Uint8Array(data.responseExtensions![0]!.extnValue.buffer), request.nonce.value);
    assert.deepEqual(new Uint8Array(AsnConvert.serialize(basic.certs![0]!)), ca.der);
    const key = createPublicKey({ key: Buffer.from(ca.signer.publicKeySpki), format: 'der', type: 'spki' });
    assert.ok(
      verify('sha256', new Uint8Array(AsnConvert.serialize(data)), key, new Uint8Array(basic.signature)),
    );
  });

  it('error responses carry only their status; malformed requests are CUSTOS_DER_MALFORMED', async () => {
    assert.deepEqual(ocspErrorResponse('malformedRequest'), new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x01]));
    assert.deepEqual(ocspErrorResponse('unauthorized'), new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x06]));
    const malformed = { name: 'PkiFormatError', code: 'CUSTOS_DER_MALFORMED' };
    assert.throws(() => readOcspRequest(new Uint8Array([0x30, 0x00])), malformed);
    assert.throws(() => readOcspRequest(anOcspRequest([])), malformed, 'no CertID');
    assert.throws(() => readOcspRequest(new Uint8Array([0x04, 0x00])), malformed);
  });
});
