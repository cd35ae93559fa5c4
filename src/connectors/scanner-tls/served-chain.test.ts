import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readServedChain } from './served-chain.js';

const u24 = (n: number): Buffer => Buffer.from([n >> 16, (n >> 8) & 255, n & 255]);
const record = (type: number, payload: Buffer): Buffer =>
  Buffer.concat([Buffer.from([type, 3, 3, payload.length >> 8, payload.length & 255]), payload]);
const handshake = (type: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([type]), u24(body.length), body]);
const certificateBody = (certs: Buffer[]): Buffer => {
  const list = Buffer.concat(certs.flatMap((c) => [u24(c.length), c]));
  return Buffer.concat([u24(list.length), list]);
};
const tls12 = (bytes: Buffer) =>
  readServedChain({
    bytes,
    protocol: 'TLSv1.2',
    cipherSuite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    serverHandshakeSecret: null,
  });

test('TLS 1.2: the Certificate message is read in order, also when split across records', () => {
  const certs = [Buffer.from('leaf-der'), Buffer.from('intermediate-der'), Buffer.from('root')];
  const flight = Buffer.concat([
    handshake(2, Buffer.alloc(70, 1)),
    handshake(11, certificateBody(certs)),
    handshake(14, Buffer.alloc(0)),
  ]);
  const split = Buffer.concat([record(22, flight.subarray(0, 80)), record(22, flight.subarray(80))]);
  const served = tls12(split);
  assert.ok('chain' in served, JSON.stringify(served));
  assert.deepEqual(
    served.chain.map((c) => Buffer.from(c).toString()),
    ['leaf-der', 'intermediate-der', 'root'],
  );
});

test('broken flights are problems, never exceptions', () => {
  const good = certificateBody([Buffer.from('leaf')]);
  const cases: Array<[Buffer, RegExp]> = [
    [record(22, handshake(11, good.subarray(0, good.length - 1))), /length does not match/],
    [record(22, handshake(11, Buffer.concat([u24(3), u24(0)]))), /truncated/],
    [record(22, handshake(11, u24(0))), /empty Certificate/],
    [record(21, Buffer.from([2, 40])), /alert/],
    [record(20, Buffer.from([1])), /resumed session/],
    [record(22, handshake(2, Buffer.alloc(10))).subarray(0, 8), /no Certificate message/],
    [Buffer.from([22, 3, 3, 0xff, 0xff]), /claims 65535 bytes/],
    [record(99, Buffer.alloc(3)), /unexpected record type 99/],
  ];
  for (const [bytes, problem] of cases) {
    const served = tls12(bytes);
    assert.ok(
      'problem' in served && problem.test(served.problem),
      `${bytes.toString('hex')}: ${JSON.stringify(served)}`,
    );
  }
  const tls13 = readServedChain({
    bytes: record(23, Buffer.alloc(40)),
    protocol: 'TLSv1.3',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    serverHandshakeSecret: Buffer.alloc(32),
  });
  assert.ok('problem' in tls13 && /did not decrypt/.test(tls13.problem));
  const noSecret = readServedChain({
    bytes: Buffer.alloc(0),
    protocol: 'TLSv1.3',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    serverHandshakeSecret: null,
  });
  assert.deepEqual(noSecret, { problem: 'no server handshake secret was logged' });
  for (let i = 0; i < 2000; i++) {
    const bytes = randomBytes(1 + (i % 300));
    if (i % 2 === 0) bytes[0] = 22;
    assert.doesNotThrow(() => tls12(bytes));
    assert.doesNotThrow(() =>
      readServedChain({
        bytes,
        protocol: 'TLSv1.3',
        cipherSuite: 'TLS_CHACHA20_POLY1305_SHA256',
        serverHandshakeSecret: randomBytes(32),
      }),
    );
  }
});
