import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { before, test } from 'node:test';
import {
  aCertificate,
  withKey,
  withSubject,
  type BuiltCertificate,
} from '../../../test/support/certificates.js';
import { fingerprintsOf as fingerprints, problemCodesOf as codes } from '../../../test/support/pki.js';
import { children, readTlv } from '../asn1/tlv.js';
import type { ReadContainerResult } from './container-types.js';
import { readContainer } from './read-container.js';

const read = (bytes: Uint8Array, passwords: string[] = []): ReadContainerResult =>
  readContainer(bytes, { passwords });

let ec: BuiltCertificate;
let rsa: BuiltCertificate;
before(async () => {
  ec = await aCertificate(withSubject('CN=der.example'));
  rsa = await aCertificate(withSubject('CN=rsa-der.example'), withKey('RSA', 2048));
});

test('a DER certificate, also with a trailing newline', () => {
  for (const bytes of [ec.der, Buffer.concat([rsa.der, Buffer.from('\n')])]) {
    const result = read(bytes);
    assert.equal(result.format, 'der');
    assert.equal(result.certificates.length, 1);
    assert.deepEqual(result.problems, []);
  }
  assert.deepEqual(fingerprints(read(ec.der)), [ec.fingerprintSha256]);
});

test('DER private keys: PKCS#8, PKCS#1, SEC1, Ed25519 (short length) and encrypted PKCS#8', async () => {
  const ed = await aCertificate(withKey('Ed25519'));
  const cases: [Uint8Array, string][] = [
    [createPrivateKey(ec.privateKeyPem).export({ type: 'pkcs8', format: 'der' }), ec.publicKeySha256],
    [createPrivateKey(rsa.privateKeyPem).export({ type: 'pkcs1', format: 'der' }), rsa.publicKeySha256],
    [createPrivateKey(ec.privateKeyPem).export({ type: 'sec1', format: 'der' }), ec.publicKeySha256],
    [createPrivateKey(ed.privateKeyPem).export({ type: 'pkcs8', format: 'der' }), ed.publicKeySha256],
    [
      createPrivateKey(ec.privateKeyPem).export({
        type: 'pkcs8',
        format: 'der',
        cipher: 'aes-256-cbc',
        passphrase: 'pw',
      }),
      ec.publicKeySha256,
    ],
  ];
  for (const [der, expected] of cases) {
    const result = read(der, ['pw']);
    assert.equal(result.format, 'der');
    assert.deepEqual(
      result.keys.map((k) => k.publicKeySha256),
      [expected],
    );
    assert.deepEqual(result.problems, []);
  }
});

test('a truncated DER certificate is CUSTOS_FILE_TRUNCATED', () => {
  for (const length of [4, 50, ec.der.length - 1]) {
    const result = read(ec.der.subarray(0, length));
    assert.equal(result.format, 'der', `cut at ${length}`);
    assert.deepEqual(codes(result), ['CUSTOS_FILE_TRUNCATED'], `cut at ${length}`);
    assert.deepEqual(result.certificates, []);
  }
});

test('a long-form SEQUENCE that is nothing known is unrecognised; a broken v3 certificate is malformed', () => {
  // SEQUENCE { SEQUENCE { INTEGER 7 }, OCTET STRING (128 bytes) }: shaped like nothing Custos reads
  const unknown = Buffer.concat([Buffer.from('3081883003020107048180', 'hex'), Buffer.alloc(0x80, 0x05)]);
  assert.deepEqual(codes(read(unknown)), ['CUSTOS_FILE_UNRECOGNISED']);
  const broken = Buffer.from(ec.der);
  const tbs = children(broken, readTlv(broken, 0))[0]!;
  broken[children(broken, tbs)[3]!.start] = 0x31; // the issuer Name becomes a SET
  const result = read(broken);
  assert.equal(result.format, 'der');
  assert.equal(result.certificates.length, 0);
  assert.deepEqual(codes(result), ['CUSTOS_DER_MALFORMED']);
});

test('binary junk and text that happens to start with "0" are no problem', () => {
  const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
  const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), junk]);
  const cron = Buffer.from('0 4 * * * root /usr/sbin/logrotate /etc/logrotate.conf\n');
  const shortSequence = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00, 0x41, 0x42]);
  for (const bytes of [junk, elf, cron, shortSequence]) {
    const result = read(bytes);
    assert.equal(result.format, null);
    assert.deepEqual(result.problems, []);
  }
});
