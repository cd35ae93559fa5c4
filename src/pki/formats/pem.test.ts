import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { before, test } from 'node:test';
import {
  aCertificate,
  withFreshKey,
  withKey,
  withSubject,
  type BuiltCertificate,
} from '../../../test/support/certificates.js';
import { fingerprintsOf as fingerprints, problemCodesOf as codes } from '../../../test/support/pki.js';
import type { ReadContainerResult } from './container-types.js';
import { readContainer } from './read-container.js';

const read = (text: string, passwords: string[] = []): ReadContainerResult =>
  readContainer(Buffer.from(text), { passwords });

let ec: BuiltCertificate;
let rsa: BuiltCertificate;
before(async () => {
  ec = await aCertificate(withSubject('CN=ec.example'));
  rsa = await aCertificate(withSubject('CN=rsa.example'), withKey('RSA', 2048));
});

test('a PEM certificate with text before, between and after the blocks', () => {
  const result = read(
    `subject=CN = ec.example\nissuer=whatever\n${ec.pem}\nsome words\n${rsa.pem}trailing text\n`,
  );
  assert.equal(result.format, 'pem');
  assert.deepEqual(fingerprints(result), [ec.fingerprintSha256, rsa.fingerprintSha256]);
  assert.deepEqual(result.problems, []);
});

test('CRLF line ends, indentation (as in YAML or a config file) and JSON-escaped line ends', () => {
  const crlf = read(ec.pem.replace(/\n/g, '\r\n'));
  assert.deepEqual(fingerprints(crlf), [ec.fingerprintSha256]);
  const indented = read(`ca.crt: |\n${ec.pem.replace(/^/gm, '    ')}\n`);
  assert.deepEqual(fingerprints(indented), [ec.fingerprintSha256]);
  const json = read(JSON.stringify({ certificate_pem: rsa.pem }));
  assert.deepEqual(fingerprints(json), [rsa.fingerprintSha256]);
  assert.deepEqual([...codes(crlf), ...codes(indented), ...codes(json)], []);
});

test('a certificate twice in one file is kept once', () => {
  assert.deepEqual(fingerprints(read(ec.pem + rsa.pem + ec.pem)), [
    ec.fingerprintSha256,
    rsa.fingerprintSha256,
  ]);
});

test('X509 CERTIFICATE and TRUSTED CERTIFICATE (trust settings after the certificate) are certificates', () => {
  const aux = Buffer.from('300c300a06082b06010505070301', 'hex'); // X509_CERT_AUX { trust: serverAuth }
  const trusted = Buffer.concat([ec.der, aux]).toString('base64');
  const result = read(
    `-----BEGIN TRUSTED CERTIFICATE-----\n${trusted}\n-----END TRUSTED CERTIFICATE-----\n` +
      rsa.pem.replace(/CERTIFICATE/g, 'X509 CERTIFICATE'),
  );
  assert.deepEqual(fingerprints(result), [ec.fingerprintSha256, rsa.fingerprintSha256]);
  assert.deepEqual(result.problems, []);
});

test('private keys in PKCS#8, PKCS#1 and SEC1 give the hash of the certificate public key', () => {
  const rsaPkcs1 = createPrivateKey(rsa.privateKeyPem).export({ type: 'pkcs1', format: 'pem' });
  const ecSec1 = createPrivateKey(ec.privateKeyPem).export({ type: 'sec1', format: 'pem' });
  const result = read(ec.pem + ec.privateKeyPem + rsaPkcs1 + ecSec1);
  assert.equal(result.format, 'pem');
  assert.deepEqual(
    result.keys.map((k) => k.publicKeySha256),
    [ec.publicKeySha256, rsa.publicKeySha256], // the SEC1 key is the PKCS#8 key again: kept once
  );
  assert.deepEqual(result.problems, []);
});

test('an encrypted private key opens with a given password, or is reported with its certificate still read', () => {
  const key = createPrivateKey(ec.privateKeyPem);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 's3cret' });
  const legacy = createPrivateKey(rsa.privateKeyPem).export({
    type: 'pkcs1',
    format: 'pem',
    cipher: 'aes-128-cbc',
    passphrase: 's3cret',
  });
  assert.match(legacy.toString(), /Proc-Type: 4,ENCRYPTED/);
  const opened = read(ec.pem + pkcs8 + legacy, ['wrong', 's3cret']);
  assert.deepEqual(
    opened.keys.map((k) => k.publicKeySha256),
    [ec.publicKeySha256, rsa.publicKeySha256],
  );
  assert.deepEqual(opened.problems, []);
  const locked = read(ec.pem + pkcs8, ['wrong']);
  assert.deepEqual(fingerprints(locked), [ec.fingerprintSha256]);
  assert.deepEqual(locked.keys, []);
  assert.deepEqual(codes(locked), ['CUSTOS_KEY_ENCRYPTED']);
});

test('a BEGIN line without its END is truncated; the blocks around it are still read', async () => {
  const other = await aCertificate(withSubject('CN=other.example'), withFreshKey());
  const cut = rsa.pem.slice(0, 200);
  const result = read(ec.pem + cut + '\n' + other.pem);
  assert.deepEqual(fingerprints(result), [ec.fingerprintSha256, other.fingerprintSha256]);
  assert.deepEqual(codes(result), ['CUSTOS_FILE_TRUNCATED']);
  assert.deepEqual(codes(read(ec.pem.slice(0, ec.pem.length - 10))), ['CUSTOS_FILE_TRUNCATED']);
});

test('bad base64 or bad DER inside a complete block is malformed, the good blocks are kept', () => {
  const badBase64 = ec.pem.replace(/\n(.)/, '\n!$1');
  const body = Buffer.from(ec.der.subarray(0, 120)).toString('base64');
  const badDer = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  const junk = `-----BEGIN CERTIFICATE-----\n${Buffer.from('hello, this is not DER').toString('base64')}\n-----END CERTIFICATE-----\n`;
  const result = read(badBase64 + badDer + junk + rsa.pem);
  assert.deepEqual(fingerprints(result), [rsa.fingerprintSha256]);
  assert.deepEqual(codes(result), ['CUSTOS_FILE_MALFORMED', 'CUSTOS_DER_MALFORMED', 'CUSTOS_DER_MALFORMED']);
});

test('blocks of other labels (CSR, CRL, public key) and ordinary text are no problem and no format', () => {
  const spki = `-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n`;
  for (const text of [spki, '# Custos\n\nA README that mentions -----BEGIN and CERTIFICATE.\n', 'x']) {
    const result = read(text);
    assert.equal(result.format, null, text);
    assert.deepEqual(result.problems, [], text);
  }
});

test('an empty file is CUSTOS_FILE_EMPTY', () => {
  const result = readContainer(new Uint8Array(0), { passwords: [] });
  assert.equal(result.format, null);
  assert.deepEqual(codes(result), ['CUSTOS_FILE_EMPTY']);
});
