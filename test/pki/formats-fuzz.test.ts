/**
 * Random truncations and byte flips of every kind of container the real tools make: readContainer must
 * return a well-formed result for each — never throw, never hang (the test's timeout is the hang guard; no
 * timing is asserted). The generator is seeded, so a failure names the seed, fixture and mutation to replay;
 * set CUSTOS_FUZZ_SEED to replay or explore another seed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PKI_PROBLEM_CODES } from '../../src/pki/problem.js';
import { readContainer } from '../../src/pki/formats/read-container.js';
import { hasKeytool, PASSWORD, ToolFixtures } from './container-fixtures.js';

const SEED = Number(process.env['CUSTOS_FUZZ_SEED'] ?? 20_251_124);
const FORMATS = new Set([null, 'pem', 'der', 'pkcs7', 'pkcs12', 'jks', 'k8s-secret']);
const CODES = new Set<string>(PKI_PROBLEM_CODES);

/** mulberry32: a small seeded generator, so every run mutates the same way. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

function* mutations(
  bytes: Buffer,
  count: number,
  random: (below: number) => number,
): Generator<[string, Buffer]> {
  for (const length of [1, 2, 3, 4, bytes.length - 1]) yield [`cut to ${length}`, bytes.subarray(0, length)];
  for (let i = 0; i < count; i++) {
    const length = 1 + random(bytes.length - 1);
    yield [`cut to ${length}`, bytes.subarray(0, length)];
    const flipped = Buffer.from(bytes);
    const flips = 1 + random(4);
    const where: number[] = [];
    for (let k = 0; k < flips; k++) {
      const at = random(bytes.length);
      flipped[at] = random(256);
      where.push(at);
    }
    yield [`bytes ${where.join(',')} changed`, flipped];
  }
}

function buildFixtures(): Map<string, { bytes: Buffer; mutations: number }> {
  const f = new ToolFixtures();
  f.certificate('ca');
  f.certificate('leaf', { issuer: 'ca' });
  f.certificate('rsa', { key: 'rsa' });
  f.openssl(
    'pkcs8',
    '-topk8',
    '-in',
    'leaf.key',
    '-v2',
    'aes256',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    'enc.key',
  );
  f.openssl(
    'pkey',
    '-in',
    'rsa.key',
    '-traditional',
    '-aes128',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    'rsa-enc.key',
  );
  f.openssl('x509', '-in', 'rsa.pem', '-outform', 'DER', '-out', 'rsa.der');
  f.openssl('x509', '-in', 'ca.pem', '-addtrust', 'serverAuth', '-out', 'trusted.pem');
  f.openssl('crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-certfile', 'ca.pem', '-out', 'bundle.p7b');
  f.openssl('crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-outform', 'DER', '-out', 'bundle.p7c');
  const p12 = (file: string, ...extra: string[]): Buffer => {
    f.openssl(
      'pkcs12',
      '-export',
      '-in',
      'leaf.pem',
      '-inkey',
      'leaf.key',
      '-certfile',
      'ca.pem',
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      file,
      ...extra,
    );
    return f.read(file);
  };
  const pem = (...names: string[]): Buffer => Buffer.concat(names.map((name) => f.read(name)));
  const secret = (name: string): string =>
    `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ns}\ndata:\n` +
    `  tls.crt: ${pem('leaf.pem', 'ca.pem').toString('base64')}\n  tls.key: ${f.read('leaf.key').toString('base64')}\n`;
  const fixtures = new Map<string, { bytes: Buffer; mutations: number }>([
    [
      'PEM bundle with keys',
      { bytes: pem('leaf.pem', 'leaf.key', 'ca.pem', 'rsa.pem', 'rsa.key'), mutations: 150 },
    ],
    ['PEM with encrypted keys', { bytes: pem('leaf.pem', 'enc.key', 'rsa-enc.key'), mutations: 60 }],
    ['TRUSTED CERTIFICATE', { bytes: f.read('trusted.pem'), mutations: 100 }],
    ['DER certificate', { bytes: f.read('rsa.der'), mutations: 150 }],
    ['PKCS#7 PEM', { bytes: f.read('bundle.p7b'), mutations: 100 }],
    ['PKCS#7 DER', { bytes: f.read('bundle.p7c'), mutations: 100 }],
    ['PKCS#12 modern', { bytes: p12('modern.p12'), mutations: 25 }],
    ['PKCS#12 legacy', { bytes: p12('legacy.p12', '-legacy'), mutations: 25 }],
    ['PKCS#12 without MAC', { bytes: p12('nomac.p12', '-nomac'), mutations: 25 }],
    ['Kubernetes Secrets YAML', { bytes: Buffer.from(`${secret('a')}---\n${secret('b')}`), mutations: 60 }],
    [
      'Kubernetes Secret JSON',
      {
        bytes: Buffer.from(
          JSON.stringify({
            kind: 'Secret',
            metadata: { name: 'j' },
            stringData: { 'tls.crt': pem('leaf.pem').toString() },
          }),
        ),
        mutations: 60,
      },
    ],
  ]);
  if (hasKeytool()) {
    const store = ['-keystore', 'store.jks', '-storetype', 'JKS', '-storepass', PASSWORD];
    f.keytool(
      '-genkeypair',
      '-alias',
      'server',
      '-keyalg',
      'EC',
      '-dname',
      'CN=server.example',
      '-keypass',
      PASSWORD,
      ...store,
    );
    f.keytool('-importcert', '-noprompt', '-alias', 'trusted-ca', '-file', 'ca.pem', ...store);
    fixtures.set('JKS', { bytes: f.read('store.jks'), mutations: 150 });
  }
  return fixtures;
}

test('mutated containers always give a well-formed result', { timeout: 600_000 }, () => {
  const random = generator(SEED);
  let runs = 0;
  for (const [name, fixture] of buildFixtures()) {
    const intact = readContainer(fixture.bytes, { passwords: [PASSWORD] });
    assert.deepEqual(intact.problems, [], `${name} reads cleanly before mutation`);
    assert.ok(intact.certificates.length > 0, `${name} holds certificates`);
    for (const [mutation, bytes] of mutations(fixture.bytes, fixture.mutations, random)) {
      const where = `seed ${SEED}, ${name}, ${mutation}`;
      let result;
      try {
        result = readContainer(bytes, { passwords: [PASSWORD] });
      } catch (error) {
        assert.fail(`readContainer threw (${where}): ${String(error)}`);
      }
      runs++;
      assert.ok(FORMATS.has(result.format), where);
      for (const c of result.certificates) assert.ok(c.der instanceof Uint8Array && c.der.length > 0, where);
      for (const k of result.keys) assert.match(k.publicKeySha256, /^[0-9a-f]{64}$/, where);
      for (const p of result.problems) {
        assert.ok(CODES.has(p.code), `${where}: unknown code ${p.code}`);
        assert.ok(p.message.length > 0, where);
      }
    }
  }
  assert.ok(runs > 1000, `ran ${runs} mutations`);
});
