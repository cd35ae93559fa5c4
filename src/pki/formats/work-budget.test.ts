import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { aCertificate } from '../../../test/support/certificates.js';
import { PkiFormatError } from '../problem.js';
import { children, readTlv } from '../asn1/tlv.js';
import { MAX_PBKDF2_ITERATIONS } from './pbe.js';
import { readContainer } from './read-container.js';
import { MAX_ROUNDS_PER_FILE, WorkBudget } from './work-budget.js';

test('the work budget refuses what would exceed the rounds allowed for one file', () => {
  const budget = new WorkBudget();
  budget.spend(MAX_ROUNDS_PER_FILE - 10);
  budget.spend(10);
  assert.throws(
    () => budget.spend(1),
    (error) => error instanceof PkiFormatError && error.code === 'CUSTOS_PKCS12_UNSUPPORTED',
  );
});

test('an encrypted key asking for more PBKDF2 iterations than allowed is reported, not computed', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })).export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: 'pw',
  });
  // EncryptedPrivateKeyInfo { AlgorithmIdentifier { PBES2, { { PBKDF2, { salt, iterationCount, ... } }, ... } } }
  const [algorithm] = children(der, readTlv(der, 0));
  const [, pbes2] = children(der, algorithm!);
  const [kdf] = children(der, pbes2!);
  const [, pbkdf2] = children(der, kdf!);
  const [, iterations] = children(der, pbkdf2!);
  assert.equal(iterations!.contentEnd - iterations!.contentStart, 2); // Node writes 2048: 0x0800
  der[iterations!.contentStart] = 0x7f; // 0x7f00 = 32512 stays allowed ...
  const pem = (bytes: Uint8Array): string =>
    `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${Buffer.from(bytes).toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
  assert.deepEqual(
    readContainer(Buffer.from(pem(der)), { passwords: [] }).problems.map((p) => p.code),
    ['CUSTOS_KEY_ENCRYPTED'],
  );
  // ... while a count past the limit, written with more bytes, is refused with its reason.
  const tooMany = Buffer.concat([
    der.subarray(0, iterations!.start),
    Buffer.from([
      0x02,
      0x04,
      ...Buffer.from((MAX_PBKDF2_ITERATIONS + 1).toString(16).padStart(8, '0'), 'hex'),
    ]),
    der.subarray(iterations!.end),
  ]);
  // The enclosing SEQUENCEs grow by the two extra bytes: add them to each one's last length octet.
  for (const node of [readTlv(der, 0), algorithm!, pbes2!, kdf!, pbkdf2!]) {
    assert.ok(tooMany[node.contentStart - 1]! + 2 <= 0xff, 'no carry into a higher length octet');
    tooMany[node.contentStart - 1] += 2;
  }
  const result = readContainer(Buffer.from(pem(tooMany)), { passwords: [] });
  assert.deepEqual(
    result.problems.map((p) => p.code),
    ['CUSTOS_KEY_ENCRYPTED'],
  );
  assert.match(result.problems[0]!.message, /iteration count 1000001 is outside/);
});

const pemOf = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;

/** `count` distinct certificates made from one by rewriting its serial number (the readers check no signature). */
function distinctCertificates(template: Uint8Array, count: number): Buffer[] {
  const [tbs] = children(template, readTlv(template, 0));
  const [, serial] = children(template, tbs!);
  return Array.from({ length: count }, (_, i) => {
    const der = Buffer.from(template);
    der.writeUInt16BE(i, serial!.contentEnd - 2);
    return der;
  });
}

test('a file past its certificate budget is CUSTOS_FILE_WORK_EXCEEDED once, keeping what came before', async () => {
  const template = (await aCertificate()).der;
  const bundle = Buffer.from(distinctCertificates(template, 12).map(pemOf).join(''));
  const result = readContainer(bundle, { passwords: [], limits: { maxCertificates: 10 } });
  assert.equal(result.certificates.length, 10);
  assert.deepEqual(
    result.problems.map((p) => p.code),
    ['CUSTOS_FILE_WORK_EXCEEDED'],
  );
  assert.match(result.problems[0]!.message, /more than 10 certificates/);
  // The same certificate repeated is kept once and counts once.
  const repeated = Buffer.from(pemOf(template).repeat(12));
  const once = readContainer(repeated, { passwords: [], limits: { maxCertificates: 10 } });
  assert.equal(once.certificates.length, 1);
  assert.deepEqual(once.problems, []);
});

test('a Kubernetes manifest past its time budget stops with CUSTOS_FILE_WORK_EXCEEDED, however it is shaped', () => {
  let clock = 0;
  const now = (): number => (clock += 1); // every look at the clock is a millisecond later
  const separators = Buffer.from(`kind: Secret\n${'---\n'.repeat(100_000)}`);
  const result = readContainer(separators, { passwords: [], limits: { maxMs: 50, now } });
  assert.deepEqual(
    result.problems.map((p) => p.code),
    ['CUSTOS_FILE_WORK_EXCEEDED'],
  );
  assert.match(result.problems[0]!.message, /took more than 50 ms/);
  const secret = (i: number) =>
    `apiVersion: v1\nkind: Secret\nmetadata: {name: s${i}}\nstringData:\n${Array.from({ length: 300 }, (_, k) => `  k${k}: v`).join('\n')}\n---\n`;
  const wide = readContainer(Buffer.from(secret(0) + secret(1)), {
    passwords: [],
    limits: { maxMs: 1, now },
  });
  assert.deepEqual(
    wide.problems.map((p) => p.code),
    ['CUSTOS_FILE_WORK_EXCEEDED'],
  );
});

test('a Secret with a key written twice is skipped, as before the linear duplicate check', async () => {
  const certificate = Buffer.from(pemOf((await aCertificate()).der)).toString('base64');
  const manifest = (second: string) =>
    Buffer.from(
      `apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ndata:\n  tls.crt: ${certificate}\n  ${second}: ${certificate}\n`,
    );
  assert.equal(readContainer(manifest('ca.crt'), { passwords: [] }).certificates.length, 1);
  assert.equal(readContainer(manifest('tls.crt'), { passwords: [] }).format, null);
});
