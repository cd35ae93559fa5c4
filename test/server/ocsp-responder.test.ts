/**
 * The OCSP responder's cache over a real SQLite store and the CA's real key, with a clock the test moves: a
 * nonce-less answer is signed once and served until half its validity has passed, then re-signed; `refresh()`
 * re-signs what is due ahead of requests and drops what nobody asks for; a revocation changes the answer at once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OCSPResponse, BasicOCSPResponse } from '@peculiar/asn1-ocsp';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Runtime } from '../../src/compose/runtime.js';
import { createOcspResponder, type OcspResponder } from '../../src/core/ca/ocsp-responder.js';
import type { KeyManager } from '../../src/core/ports/key-manager.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import { certIdFor } from '../../src/pki/x509/generate/ocsp-response.js';
import { runCustos } from '../support/cli.js';
import { aRuntime } from '../support/server.js';

const MINUTE = 60_000;

/** A DER OCSPRequest for these serials of the CA (SHA-1 CertIDs), optionally with a nonce. */
async function aRequest(
  caCertificate: Uint8Array,
  serials: string[],
  nonce?: Uint8Array,
): Promise<Uint8Array> {
  const { OCSPRequest, TBSRequest, Request, CertID } = await import('@peculiar/asn1-ocsp');
  const { AlgorithmIdentifier, Extension } = await import('@peculiar/asn1-x509');
  const { OctetString } = await import('@peculiar/asn1-schema');
  const issuer = issuerIdentity(caCertificate);
  const request = new OCSPRequest({
    tbsRequest: new TBSRequest({
      requestList: serials.map((serial) => {
        const id = certIdFor(issuer, Buffer.from(serial, 'hex'));
        return new Request({
          reqCert: new CertID({
            hashAlgorithm: new AlgorithmIdentifier({ algorithm: id.hashAlgorithm, parameters: null }),
            issuerNameHash: new OctetString(id.issuerNameHash),
            issuerKeyHash: new OctetString(id.issuerKeyHash),
            serialNumber: new Uint8Array(id.serialNumber).buffer,
          }),
        });
      }),
      requestExtensions: nonce
        ? [
            new Extension({
              extnID: '1.3.6.1.5.5.7.48.1.2',
              critical: false,
              extnValue: new OctetString(AsnConvert.serialize(new OctetString(nonce))),
            }),
          ]
        : undefined,
    }),
  });
  return new Uint8Array(AsnConvert.serialize(request));
}

/** The statuses and thisUpdate of a successful response. */
function readResponse(der: Uint8Array): { statuses: string[]; thisUpdate: Date } {
  const response = AsnConvert.parse(der, OCSPResponse);
  assert.equal(response.responseStatus, 0, 'successful');
  const basic = AsnConvert.parse(response.responseBytes!.response.buffer, BasicOCSPResponse);
  const singles = basic.tbsResponseData.responses;
  return {
    statuses: singles.map((s) =>
      s.certStatus.good !== undefined ? 'good' : s.certStatus.revoked ? 'revoked' : 'unknown',
    ),
    thisUpdate: singles[0]!.thisUpdate,
  };
}

describe('OCSP responder cache', () => {
  let dir: string;
  let rt: Runtime;
  let ca: Uint8Array;
  let nowMs = Date.parse('2026-12-03T12:00:00Z');
  let signatures = 0;
  let responder: OcspResponder;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-ocsp-cache-'));
    const init = await runCustos(['--data-dir', dir, 'ca', 'init', '--name', 'cache-ca']);
    assert.equal(init.code, 0, init.stderr);
    rt = await aRuntime(dir);
    const authority = await rt.store.authorities.get('cache-ca');
    ca = authority!.certificate!;
    // The real KeyManager, counting the signatures it makes.
    const keys: KeyManager = {
      generate: (...args) => rt.keys.generate(...args),
      signer: async (reference) => {
        const signer = await rt.keys.signer(reference);
        return {
          algorithm: signer.algorithm,
          publicKeySpki: signer.publicKeySpki,
          sign: (data) => {
            signatures += 1;
            return signer.sign(data);
          },
        };
      },
    };
    responder = createOcspResponder(
      { authorities: rt.store.authorities, keys, clock: { now: () => new Date(nowMs) } },
      { validityMs: 60 * MINUTE },
    );
  });
  after(async () => {
    await rt.store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('signed once, served from the cache until half the validity has passed, then re-signed', async () => {
    const request = await aRequest(ca, ['0b01']);
    const first = await responder.respond(request);
    assert.equal(first.status, 'successful');
    assert.deepEqual(readResponse(first.der).statuses, ['unknown']);
    const before = signatures;
    for (let i = 0; i < 50; i++) {
      nowMs += 10_000;
      assert.deepEqual((await responder.respond(request)).der, first.der);
    }
    assert.equal(signatures, before, 'no signature for 50 requests within half the validity');
    nowMs += 25 * MINUTE; // 33 minutes after the first answer
    const resigned = await responder.respond(request);
    assert.notDeepEqual(resigned.der, first.der);
    assert.equal(signatures, before + 1);
    assert.equal(readResponse(resigned.der).thisUpdate.getTime(), Math.floor(nowMs / 1000) * 1000);
    assert.equal(resigned.cache?.nextUpdate.getTime(), resigned.cache!.thisUpdate.getTime() + 60 * MINUTE);
  });

  test('refresh() re-signs the entries that are due and drops those nobody asked for in a validity', async () => {
    const asked = await aRequest(ca, ['0b02']);
    const idle = await aRequest(ca, ['0b03']);
    await responder.respond(asked);
    await responder.respond(idle);
    const size = responder.size;
    nowMs += 31 * MINUTE;
    await responder.respond(asked); // re-signed on demand: due again in 30 minutes
    nowMs += 31 * MINUTE;
    const result = await responder.refresh();
    assert.ok(result.resigned >= 1, JSON.stringify(result));
    assert.ok(result.dropped >= 1, 'the idle entry (asked 62 minutes ago) is dropped');
    assert.ok(responder.size < size);
    const before = signatures;
    await responder.respond(asked);
    assert.equal(signatures, before, 'refreshed ahead of the request');
  });

  test('requests with a nonce or several CertIDs are signed each time; garbage is malformedRequest', async () => {
    const withNonce = await aRequest(ca, ['0b01'], new Uint8Array(16).fill(7));
    const before = signatures;
    await responder.respond(withNonce);
    await responder.respond(withNonce);
    assert.equal(signatures, before + 2);
    const several = await responder.respond(await aRequest(ca, ['0b01', '0b02']));
    assert.deepEqual(readResponse(several.der).statuses, ['unknown', 'unknown']);
    assert.equal(
      (await responder.respond(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).status,
      'malformedRequest',
    );
    const longNonce = await aRequest(ca, ['0b01'], new Uint8Array(33));
    assert.equal(
      (await responder.respond(longNonce)).status,
      'malformedRequest',
      'RFC 8954: at most 32 octets',
    );
  });

  test('a CA key that does not open (another key-encryption key) is internalError, with the cause kept for the log', async () => {
    const other = await aRuntime(dir, { CUSTOS_KEK: Buffer.alloc(32, 9).toString('base64') });
    try {
      const locked = createOcspResponder({
        authorities: other.store.authorities,
        keys: other.keys,
        clock: { now: () => new Date(nowMs) },
      });
      const answer = await locked.respond(await aRequest(ca, ['0b09']));
      assert.equal(answer.status, 'internalError');
      assert.equal((answer.error as { code?: string }).code, 'CUSTOS_KEY_INVALID');
      assert.deepEqual([...answer.der], [0x30, 0x03, 0x0a, 0x01, 0x02], 'an unsigned internalError response');
    } finally {
      await other.store.close();
    }
  });
});
