/**
 * The issuance checks, each as a table over real keys and CSRs (and weak-key vectors with a published or
 * constructed modulus), then the chain's order.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { checkPrimeSync, generatePrimeSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { checkIssuance, NAMED_ISSUANCE_CHECKS } from '../../src/core/ca/check-issuance.js';
import { notTheCaKey } from '../../src/core/ca/checks/ca-own-key.js';
import {
  notDebianWeakKey,
  parseWeakKeyBlocklist,
  weakKeyFingerprint,
} from '../../src/core/ca/checks/debian-weak-key.js';
import { fermatFactor, notFermatFactorable } from '../../src/core/ca/checks/fermat-factor.js';
import { issuancePoliciesAllow } from '../../src/core/ca/checks/issuance-policies.js';
import type { IssuanceCheck } from '../../src/core/ca/checks/issuance-check.js';
import { keyTypeAllowed } from '../../src/core/ca/checks/key-type.js';
import {
  provisionerKeyTypeAllowed,
  provisionerNamesAllowed,
  provisionerTtlAllowed,
} from '../../src/core/ca/checks/provisioner-limits.js';
import { requestWellFormed } from '../../src/core/ca/checks/request-shape.js';
import { hasRocaFingerprint, notRocaVulnerable } from '../../src/core/ca/checks/roca.js';
import { rsaExponentSane } from '../../src/core/ca/checks/rsa-exponent.js';
import { noSmallFactors } from '../../src/core/ca/checks/small-factors.js';
import { toBigInt } from '../../src/core/ca/checks/subject-key.js';
import type { IssuanceContext, IssuanceRequest } from '../../src/core/ca/issuance-request.js';
import { DomainError } from '../../src/core/errors.js';
import { readSubjectPublicKey } from '../../src/pki/x509/public-key.js';
import {
  aContext,
  anIssuancePolicy,
  aRequest,
  csrFor,
  DAY,
  key,
  rsaSpki,
  spkiOf,
} from './issuance-support.js';

type Expect = string | undefined;

/** Runs one check and returns `CODE: message` or undefined. */
async function run(
  check: IssuanceCheck,
  request: IssuanceRequest,
  context?: IssuanceContext,
): Promise<string | undefined> {
  const refusal = check(request, context ?? (await aContext()));
  return refusal && `${refusal.code}: ${refusal.message}`;
}

function expectOutcome(actual: string | undefined, expected: Expect, label: string): void {
  if (expected === undefined) assert.equal(actual, undefined, label);
  else assert.match(actual ?? 'passed', new RegExp(expected), label);
}

/**
 * A published ROCA-positive 2048-bit modulus: crocs-muni/roca, roca/tests/data/mod03.txt (a positive sample of the
 * authors' own test suite, roca/tests/test_fingerprint.py), and a negative one from the same directory (mod04.txt).
 */
const ROCA_MOD03 = BigInt(
  '0x9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1f' +
    'c89855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355' +
    'f8332d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa925' +
    '50d31b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f4' +
    '2ed311ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11',
);
const ROCA_NEGATIVE_MOD04 = BigInt(
  '0xaf659676197f1db06da7ac111a0a0ec175b8b7ef07192ffcd1f6b854c327785f1a7fd3db7da45cd4a31b2b2e5ce0d823a68e28c8adf1' +
    '747316becce1fe5768064039ad2062260c8d1a34e0586dce9bc13090fcc9fb8b8b2c08ed3ae8d61b29818a669689a7d9c1dab053b557' +
    'fb8d3f9c44faad3e18c55e739b00d3c9126558bc8e980cd2af377126ef5b1374136774b8bd370e3c1c149db395c8f99696b628b10594' +
    '6fea20106fe24d103ac062661a9248e8c3f628e00b308d33953aabe555132e218e74ef4b578716b4fe7cf340e8e604a319bf6e9951e1' +
    '942601d34291032db54999d09e5d036dde3544ad35256bbb97d5e3fffd38166c21eae9199548853b',
);
/**
 * The authors' "fake" modulus: each residue modulo a small prime lies in 65537's subgroup, but not jointly
 * (crocs-muni/roca test_fingerprint.py `test_fake_mods`, the first): the per-prime test flags it, the
 * discrete-log test must not.
 */
const ROCA_FAKE = BigInt(
  '72414128973967872688332736535017614208620368242015797102796086827882754006260204061799547004983731426777596445' +
    '658889886861027045033760014948048067467947960318205453778973975867532910489227970143091184725760290172935872' +
    '752222320334100097730483600892686353719855397381316384244147860260153198611313067061116317',
);

let syncContext: IssuanceContext | undefined;
function checkIssuanceSync(request: IssuanceRequest, context?: Partial<IssuanceContext>): void {
  assert.ok(syncContext, 'the context is built before the tests');
  checkIssuance(request, { ...syncContext, ...context });
}
test.before(async () => {
  syncContext = await aContext();
});

const rsaModulusOf = (spki: Uint8Array): bigint => toBigInt(readSubjectPublicKey(spki).rsa!.modulus);

test('the CSR signature: a real CSR passes, one with a flipped signature bit is refused', async () => {
  const { der } = await csrFor(key('ec-P-256'), { subject: [[{ type: 'CN', value: 'api.corp.example' }]] });
  const good = await csrFor(key('ec-P-256'));
  const tampered = new Uint8Array(der);
  tampered[tampered.length - 5]! ^= 0x01;
  const { readCsr } = await import('../../src/pki/x509/generate/csr-reader.js');
  const bad = readCsr(tampered);
  const check = NAMED_ISSUANCE_CHECKS[0]![1];
  assert.equal(NAMED_ISSUANCE_CHECKS[0]![0], 'csr-signature');
  assert.equal(
    await run(check, aRequest({ csr: good.content, publicKeySpki: good.content.publicKeySpki })),
    undefined,
  );
  expectOutcome(await run(check, aRequest({ csr: bad })), '^CUSTOS_CSR_SIGNATURE_INVALID', 'tampered');
  const csrKey = NAMED_ISSUANCE_CHECKS[1]![1];
  assert.equal(NAMED_ISSUANCE_CHECKS[1]![0], 'csr-key');
  assert.equal(
    await run(csrKey, aRequest({ csr: good.content, publicKeySpki: good.content.publicKeySpki })),
    undefined,
  );
  expectOutcome(
    await run(csrKey, aRequest({ csr: good.content, publicKeySpki: spkiOf(key('ec-P-384')) })),
    "^CUSTOS_ISSUANCE_REQUEST_INVALID: publicKeySpki: not the CSR's public key$",
    'another key',
  );
});

test('key type and size: RSA 2048-8192 in whole bytes, ECDSA P-256/P-384, Ed25519; the rest refused', async () => {
  const ecSpki = spkiOf(key('ec-P-256'));
  const offCurve = new Uint8Array(ecSpki);
  offCurve[offCurve.length - 1]! ^= 0x01;
  const odd2052 = (1n << 2051n) | 1n;
  const cases: [string, Uint8Array, Expect][] = [
    ['ECDSA P-256', spkiOf(key('ec-P-256')), undefined],
    ['ECDSA P-384', spkiOf(key('ec-P-384')), undefined],
    [
      'ECDSA P-521',
      spkiOf(key('ec-P-521')),
      'CUSTOS_KEY_TYPE_NOT_ALLOWED: ECDSA on P-521: only P-256 and P-384',
    ],
    ['secp256k1', spkiOf(key('ec-secp256k1')), 'CUSTOS_KEY_TYPE_NOT_ALLOWED: ECDSA on 1.3.132.0.10'],
    ['Ed25519', spkiOf(key('ed25519')), undefined],
    ['Ed448', spkiOf(key('ed448')), 'CUSTOS_KEY_TYPE_NOT_ALLOWED: Ed448'],
    ['RSA 2048', spkiOf(key('rsa-2048')), undefined],
    ['RSA 3072', spkiOf(key('rsa-3072')), undefined],
    ['RSA 1024', spkiOf(key('rsa-1024')), 'RSA 1024 bits: the modulus must have 2048 to 8192 bits'],
    [
      'RSA 2052 (not whole bytes)',
      rsaSpki(odd2052),
      'RSA 2052 bits: the modulus size must be a multiple of 8',
    ],
    ['RSA 8200', rsaSpki((1n << 8199n) | 1n), 'RSA 8200 bits: the modulus must have 2048 to 8192 bits'],
    ['RSASSA-PSS key', spkiOf(key('pss-2048')), 'rsaEncryption with NULL parameters'],
    ['EC point not on the curve', offCurve, 'not a valid key of its type'],
    [
      'not DER',
      new Uint8Array([0x30, 0x03, 0x02, 0x01]),
      'CUSTOS_KEY_TYPE_NOT_ALLOWED: the public key cannot be read',
    ],
  ];
  for (const [label, spki, expected] of cases)
    expectOutcome(await run(keyTypeAllowed, aRequest({ publicKeySpki: spki })), expected, label);
});

test('RSA exponent: odd and within 65537..2^256-1 (BR 6.1.6)', async () => {
  const n = rsaModulusOf(spkiOf(key('rsa-2048')));
  const cases: [string, Uint8Array, Expect][] = [
    ['65537', rsaSpki(n, 65537n), undefined],
    ['2^256-1', rsaSpki(n, (1n << 256n) - 1n), undefined],
    [
      '3 (a real key made with e=3)',
      spkiOf(key('rsa3-2048')),
      'CUSTOS_KEY_EXPONENT_INVALID: RSA exponent 3 is below 65537',
    ],
    ['65538 (even)', rsaSpki(n, 65538n), 'exponent 65538 is even'],
    ['1', rsaSpki(n, 1n), 'below 65537'],
    ['2^256+1', rsaSpki(n, (1n << 256n) + 1n), 'a 257-bit exponent is above 2\\^256-1'],
    ['an EC key (not judged)', spkiOf(key('ec-P-256')), undefined],
  ];
  for (const [label, spki, expected] of cases)
    expectOutcome(await run(rsaExponentSane, aRequest({ publicKeySpki: spki })), expected, label);
});

test('ROCA: the published vulnerable modulus is refused, the negative sample and real keys pass', async () => {
  assert.equal(hasRocaFingerprint(ROCA_MOD03), true);
  assert.equal(hasRocaFingerprint(ROCA_NEGATIVE_MOD04), false);
  assert.equal(hasRocaFingerprint(ROCA_FAKE), false, 'residues per prime are not enough');
  for (const kind of ['rsa-2048', 'rsa-3072', 'rsa-1024'])
    assert.equal(hasRocaFingerprint(rsaModulusOf(spkiOf(key(kind)))), false, kind);
  expectOutcome(
    await run(notRocaVulnerable, aRequest({ publicKeySpki: rsaSpki(ROCA_MOD03) })),
    '^CUSTOS_KEY_WEAK: .*ROCA \\(CVE-2017-15361\\)',
    'mod03',
  );
  // the whole chain refuses it for the same reason: its size and exponent are fine
  assert.throws(
    () => checkIssuanceSync(aRequest({ publicKeySpki: rsaSpki(ROCA_MOD03) })),
    (e: unknown) => e instanceof DomainError && e.code === 'CUSTOS_KEY_WEAK' && /ROCA/.test(e.message),
  );
  assert.equal(
    await run(notRocaVulnerable, aRequest({ publicKeySpki: rsaSpki(ROCA_NEGATIVE_MOD04) })),
    undefined,
  );
});

test('small factors and Fermat-close primes are refused', async () => {
  // 997 × an odd number: 2048 bits, divisible by a prime below 1000
  const cofactor = (1n << 2038n) | 12345n;
  const smallFactor = 997n * cofactor;
  assert.equal(smallFactor.toString(2).length, 2048);
  expectOutcome(
    await run(noSmallFactors, aRequest({ publicKeySpki: rsaSpki(smallFactor) })),
    '^CUSTOS_KEY_WEAK: the RSA modulus is divisible by the small prime 997$',
    'small factor',
  );
  // two consecutive 1024-bit primes: Fermat's method factors their product in the first round
  const p = generatePrimeSync(1024, { bigint: true });
  let q = p + 2n;
  while (!checkPrimeSync(q)) q += 2n;
  const close = p * q;
  assert.deepEqual(fermatFactor(close, 100)?.p, p);
  expectOutcome(
    await run(notFermatFactorable, aRequest({ publicKeySpki: rsaSpki(close) })),
    "^CUSTOS_KEY_WEAK: the RSA modulus' primes are too close together",
    'close primes',
  );
  for (const kind of ['rsa-2048', 'rsa-3072']) {
    const spki = spkiOf(key(kind));
    assert.equal(await run(noSmallFactors, aRequest({ publicKeySpki: spki })), undefined, kind);
    assert.equal(await run(notFermatFactorable, aRequest({ publicKeySpki: spki })), undefined, kind);
  }
});

test("Debian's weak-key list: the fingerprint is openssl-vulnkey's, a listed key is refused", async (t) => {
  const spki = spkiOf(key('rsa-2048'));
  // what the blacklist files hold: `openssl ... -noout -modulus | sha1sum | cut -c 21-40`
  const dir = mkdtempSync(join(tmpdir(), 'custos-weak-'));
  const file = join(dir, 'key.der');
  writeFileSync(file, spki);
  let opensslLine: string;
  try {
    opensslLine = execFileSync(
      'openssl',
      ['rsa', '-pubin', '-inform', 'DER', '-in', file, '-noout', '-modulus'],
      {
        encoding: 'utf8',
      },
    );
  } catch {
    t.skip('openssl is not installed');
    return;
  }
  const { createHash } = await import('node:crypto');
  const expected = createHash('sha1').update(opensslLine).digest('hex').slice(20);
  assert.equal(weakKeyFingerprint(rsaModulusOf(spki)), expected);

  const text = `# blacklist.RSA-2048\n\n${'0'.repeat(20)}\n${expected.toUpperCase()}\nnot-an-entry\n`;
  const { entries, malformedLines } = parseWeakKeyBlocklist(text);
  assert.deepEqual(malformedLines, [5]);
  assert.equal(entries.size, 2);
  const context = await aContext({ weakKeyBlocklist: entries });
  expectOutcome(
    await run(notDebianWeakKey, aRequest({ publicKeySpki: spki }), context),
    "^CUSTOS_KEY_WEAK: the RSA key is on the known-weak key list \\(Debian's predictable OpenSSL keys, CVE-2008-0166",
    'listed',
  );
  assert.equal(
    await run(notDebianWeakKey, aRequest({ publicKeySpki: spkiOf(key('rsa-3072')) }), context),
    undefined,
  );
  assert.equal(
    await run(notDebianWeakKey, aRequest({ publicKeySpki: spki })),
    undefined,
    'no list: not checked',
  );
});

test("the CA's own key is refused, whatever its encoding", async () => {
  const context = await aContext();
  const own = new Uint8Array(context.caCertificate.spki);
  expectOutcome(
    await run(notTheCaKey, aRequest({ publicKeySpki: own }), context),
    "^CUSTOS_KEY_WEAK: the key is the CA's own key$",
    'own',
  );
  assert.equal(await run(notTheCaKey, aRequest(), context), undefined);
  // the same RSA modulus with another exponent is still the CA's key
  const rsaCa = spkiOf(key('rsa-2048', 'ca'));
  const rsaContext = { ...context, caCertificate: { ...context.caCertificate, spki: rsaCa } };
  const sameModulus = rsaSpki(rsaModulusOf(rsaCa), 65539n);
  expectOutcome(
    await run(notTheCaKey, aRequest({ publicKeySpki: sameModulus }), rsaContext),
    "CA's own key",
    'modulus',
  );
});

test('request shape: something named, DNS names, IPs and URIs well formed, the CN one of the SANs', async () => {
  const cases: [string, Partial<IssuanceRequest>, Expect][] = [
    ['one DNS name', {}, undefined],
    ['a wildcard', { dnsNames: ['*.corp.example'] }, undefined],
    ['CN only', { dnsNames: [], commonName: 'device-42' }, undefined],
    ['CN among the SANs (case aside)', { commonName: 'API.corp.example' }, undefined],
    [
      'CN an IP SAN in another form',
      { dnsNames: [], ipAddresses: ['2001:db8::1'], commonName: '2001:DB8:0::1' },
      undefined,
    ],
    [
      'IPv4 and a SPIFFE URI',
      { ipAddresses: ['10.0.0.1'], uris: ['spiffe://corp.example/ns/a/sa/b'] },
      undefined,
    ],
    ['nothing', { dnsNames: [] }, '^CUSTOS_ISSUANCE_REQUEST_INVALID: the request names nothing'],
    [
      'underscore',
      { dnsNames: ['a_b.corp.example'] },
      'dnsNames\\[0\\] "a_b.corp.example": contains an underscore',
    ],
    [
      'empty label',
      { dnsNames: ['ok.example', 'a..example'] },
      'dnsNames\\[1\\] "a..example": has an empty label',
    ],
    ['trailing dot', { dnsNames: ['a.example.'] }, 'has an empty label'],
    ['leading dot', { dnsNames: ['.a.example'] }, 'has an empty label'],
    ['wildcard not left-most', { dnsNames: ['a.*.example'] }, 'wildcard that is not the left-most label'],
    ['partial wildcard', { dnsNames: ['a*.corp.example'] }, 'partial wildcard label'],
    ['wildcard over a two-label name', { dnsNames: ['*.example'] }, 'directly over a one- or two-label name'],
    ['hyphen at a label end', { dnsNames: ['-a.example'] }, 'letters, digits and inner hyphens only'],
    ['non-ASCII', { dnsNames: ['bücher.example'] }, 'not ASCII'],
    ['a 64-character label', { dnsNames: [`${'a'.repeat(64)}.example`] }, 'longer than 63'],
    [
      'bad IP',
      { ipAddresses: ['10.0.0.256'] },
      'ipAddresses\\[0\\] "10.0.0.256": not an IPv4 or IPv6 address',
    ],
    ['octal-looking IP', { ipAddresses: ['010.0.0.1'] }, 'not an IPv4 or IPv6 address'],
    ['relative URI', { uris: ['/ns/a'] }, 'uris\\[0\\] "/ns/a": is not absolute'],
    ['URI with a space', { uris: ['spiffe://a/b c'] }, 'contains spaces'],
    [
      'CN not a SAN',
      { commonName: 'other.corp.example' },
      'commonName "other.corp.example": not one of the requested',
    ],
  ];
  for (const [label, overrides, expected] of cases)
    expectOutcome(await run(requestWellFormed, aRequest(overrides)), expected, label);
});

test('provisioner limits: names by glob, key types, the longest lifetime', async () => {
  const limited = (limits: NonNullable<IssuanceRequest['provisioner']['limits']>) => ({
    provisioner: { name: 'k8s', kind: 'kubernetes' as const, claims: {}, limits },
  });
  const names = limited({ names: ['*.corp.example', '10.0.*.*', 'spiffe://corp.example/ns/*/sa/*'] });
  const nameCases: [string, Partial<IssuanceRequest>, Expect][] = [
    ['no limits', {}, undefined],
    ['one label under', { ...names }, undefined],
    [
      'IP and URI',
      { ...names, ipAddresses: ['10.0.3.4'], uris: ['spiffe://corp.example/ns/a/sa/b'] },
      undefined,
    ],
    [
      'two labels under',
      { ...names, dnsNames: ['a.b.corp.example'] },
      '^CUSTOS_PROVISIONER_NAME_NOT_ALLOWED: dnsNames\\[0\\] "a.b.corp.example" is not allowed to provisioner "k8s"',
    ],
    ['another domain', { ...names, dnsNames: ['api.evil.example'] }, 'dnsNames\\[0\\]'],
    ['IP outside', { ...names, ipAddresses: ['10.1.0.1'] }, 'ipAddresses\\[0\\] "10.1.0.1"'],
    ['URI segment crossed', { ...names, uris: ['spiffe://corp.example/ns/a/b/sa/c'] }, 'uris\\[0\\]'],
    ['CN outside', { ...names, commonName: 'device-1', dnsNames: [] }, 'commonName "device-1"'],
    ['no names allowed', limited({ names: [] }), 'it may ask for: no names'],
  ];
  for (const [label, overrides, expected] of nameCases)
    expectOutcome(await run(provisionerNamesAllowed, aRequest(overrides)), expected, label);

  const keyCases: [string, Partial<IssuanceRequest>, Expect][] = [
    ['allowed', { ...limited({ keyTypes: ['ec-p256', 'rsa-3072'] }) }, undefined],
    [
      'RSA of the listed size',
      { ...limited({ keyTypes: ['rsa-3072'] }), publicKeySpki: spkiOf(key('rsa-3072')) },
      undefined,
    ],
    [
      'RSA of another size',
      { ...limited({ keyTypes: ['rsa-3072'] }), publicKeySpki: spkiOf(key('rsa-2048')) },
      '^CUSTOS_PROVISIONER_KEY_NOT_ALLOWED: key type rsa-2048 is not allowed to provisioner "k8s" \\(it may ask for: rsa-3072\\)',
    ],
    [
      'Ed25519 not listed',
      { ...limited({ keyTypes: ['ec-p256'] }), publicKeySpki: spkiOf(key('ed25519')) },
      'key type ed25519',
    ],
  ];
  for (const [label, overrides, expected] of keyCases)
    expectOutcome(await run(provisionerKeyTypeAllowed, aRequest(overrides)), expected, label);

  const ttlCases: [string, Partial<IssuanceRequest>, Expect][] = [
    ['within', { ...limited({ maxTtlMs: 30 * DAY }), ttlMs: 30 * DAY }, undefined],
    [
      'too long',
      { ...limited({ maxTtlMs: DAY }), ttlMs: 2 * DAY },
      '^CUSTOS_PROVISIONER_TTL_TOO_LONG: the requested lifetime 2d is longer than provisioner "k8s" allows \\(1d\\)',
    ],
    [
      "the CA's default too long",
      { ...limited({ maxTtlMs: 30 * DAY }), ttlMs: null },
      "the CA's default lifetime 90d",
    ],
  ];
  for (const [label, overrides, expected] of ttlCases)
    expectOutcome(await run(provisionerTtlAllowed, aRequest(overrides)), expected, label);
});

test('issuance policies judge the request in CEL; a denial or an error refuses, naming the policy', async () => {
  const claims = {
    'kubernetes.io': { namespace: 'payments' },
    exp: 1780000000,
    sub: 'system:serviceaccount:payments:api',
  };
  const request = aRequest({
    commonName: 'api.corp.example',
    dnsNames: ['api.corp.example'],
    ipAddresses: ['10.0.0.1'],
    uris: ['spiffe://corp.example/ns/payments/sa/api'],
    identity: 'payments-api',
    ttlMs: 7 * DAY,
    provisioner: { name: 'k8s', kind: 'kubernetes', claims },
  });
  const identity = {
    apiVersion: 'custos/v1' as const,
    kind: 'Identity' as const,
    metadata: { name: 'payments-api' },
    spec: { kind: 'service' as const, owner: 'payments', environment: 'prod' },
  };
  const pass = (name: string, expression: string) => anIssuancePolicy(name, expression);
  const allPass = [
    pass(
      'names',
      "request.dnsNames.all(n, n.endsWith('.corp.example')) && request.commonName == 'api.corp.example'",
    ),
    pass('ips', "request.ipAddresses == ['10.0.0.1'] && request.uris[0].startsWith('spiffe://')"),
    pass(
      'key',
      "request.keyType == 'ec-p256' && request.key.algorithm == 'ECDSA' && request.key.size == 256",
    ),
    pass('ttl', "request.ttl == 604800 && request.validity == duration('168h')"),
    pass(
      'who',
      "request.identity == 'payments-api' && request.requester == 'k8s' && identity.environment == 'prod' && owner.name == 'payments'",
    ),
    pass('claims', "request.claims['kubernetes.io'].namespace == 'payments' && request.claims.exp > 0"),
    pass('names-compat', 'request.names.size() == 3'),
  ];
  const context = await aContext({ policies: allPass, identity: identity as IssuanceContext['identity'] });
  assert.equal(await run(issuancePoliciesAllow, request, context), undefined);

  const compliance = {
    ...anIssuancePolicy('inventory-only', 'false'),
    spec: { ...anIssuancePolicy('x', 'false').spec, type: 'compliance' as const },
  };
  const cases: [string, IssuanceContext['policies'], Expect][] = [
    ['a compliance policy is not judged here', [compliance], undefined],
    [
      'a false validation',
      [...allPass, pass('short', 'request.ttl <= 86400')],
      '^CUSTOS_POLICY_DENIED: denied by policy "short" \\(short\\): short says no$',
    ],
    [
      'two denials, both named',
      [pass('b-deny', 'false'), pass('a-deny', 'false')],
      'policy "a-deny" .* \\| policy "b-deny"',
    ],
    [
      'a runtime error fails closed',
      [pass('missing-claim', 'request.claims.nope == 1')],
      'policy "missing-claim" \\(missing-claim\\): validation 1 could not be evaluated',
    ],
  ];
  for (const [label, policies, expected] of cases)
    expectOutcome(await run(issuancePoliciesAllow, request, { ...context, policies }), expected, label);

  // the example of docs/declarative.md: names under the namespace in the token, at most a week
  const namespaceNames = {
    ...anIssuancePolicy('namespace-names', 'true'),
    spec: {
      type: 'issuance' as const,
      code: 'name-outside-namespace',
      severity: 'high' as const,
      validations: [
        {
          expression:
            "!('kubernetes.io' in request.claims) ||\n" +
            "request.dnsNames.all(n, n.endsWith('.' + request.claims['kubernetes.io'].namespace + '.svc.corp.example'))",
          message: 'a workload asks only for names under its namespace',
        },
        { expression: 'request.ttl <= 604800', message: 'certificates for workloads live at most 7 days' },
      ],
    },
  };
  const inNamespace = { ...request, commonName: null, dnsNames: ['api.payments.svc.corp.example'] };
  assert.equal(
    await run(issuancePoliciesAllow, inNamespace, { ...context, policies: [namespaceNames] }),
    undefined,
  );
  expectOutcome(
    await run(
      issuancePoliciesAllow,
      { ...inNamespace, ttlMs: 8 * DAY },
      { ...context, policies: [namespaceNames] },
    ),
    'name-outside-namespace\\): certificates for workloads live at most 7 days$',
    'docs example, too long',
  );
  expectOutcome(
    await run(issuancePoliciesAllow, request, { ...context, policies: [namespaceNames] }),
    'a workload asks only for names under its namespace',
    'docs example, outside',
  );

  // over the cost budget when applied (a stored policy an upgrade refuses), and at run time (a long list)
  const nested3 = pass(
    'nested3',
    'request.dnsNames.all(a, request.dnsNames.all(b, request.dnsNames.all(c, a != b || b != c)))',
  );
  expectOutcome(
    await run(issuancePoliciesAllow, request, { ...context, policies: [nested3] }),
    'policy "nested3" \\(nested3\\): validation 1 could not be evaluated: the expression may take',
    'compile budget',
  );
  const nested2 = pass('nested2', 'request.dnsNames.all(a, request.dnsNames.all(b, a != "" || b != ""))');
  const many = aRequest({ dnsNames: Array.from({ length: 5000 }, (_, i) => `h${i}.corp.example`) });
  assert.equal(await run(issuancePoliciesAllow, aRequest(), { ...context, policies: [nested2] }), undefined);
  expectOutcome(
    await run(issuancePoliciesAllow, many, { ...context, policies: [nested2] }),
    'could not be evaluated: not evaluated: with a list of 5000 elements',
    'run-time budget',
  );
});

test('the order: CSR signature, then the key, then names and limits, then policy', async () => {
  assert.deepEqual(
    NAMED_ISSUANCE_CHECKS.map(([name]) => name),
    [
      'csr-signature',
      'csr-key',
      'key-type',
      'rsa-exponent',
      'ca-own-key',
      'debian-weak-key',
      'small-factors',
      'fermat-factor',
      'roca',
      'request-shape',
      'provisioner-names',
      'provisioner-key-type',
      'provisioner-ttl',
      'issuance-policies',
    ],
  );
  const { der } = await csrFor(key('rsa-1024'), { subject: [[{ type: 'CN', value: 'x' }]] });
  const tampered = new Uint8Array(der);
  tampered[tampered.length - 5]! ^= 0x01;
  const { readCsr } = await import('../../src/pki/x509/generate/csr-reader.js');
  const badCsr = readCsr(tampered);
  const context = await aContext({ policies: [anIssuancePolicy('deny-all', 'false')] });
  const limited = {
    name: 'k8s',
    kind: 'kubernetes' as const,
    claims: {},
    limits: { names: ['*.corp.example'] },
  };
  const codeOf = (request: IssuanceRequest): string => {
    try {
      checkIssuance(request, context);
      return 'issued';
    } catch (error) {
      assert.ok(error instanceof DomainError);
      return error.code;
    }
  };
  // everything wrong at once; fix one thing at a time and the next check speaks
  const everything = aRequest({
    csr: badCsr,
    publicKeySpki: badCsr.publicKeySpki,
    dnsNames: ['a_b.example'],
    provisioner: limited,
  });
  assert.equal(codeOf(everything), 'CUSTOS_CSR_SIGNATURE_INVALID');
  const signed = { ...everything, csr: readCsr(der) };
  assert.equal(codeOf(signed), 'CUSTOS_KEY_TYPE_NOT_ALLOWED');
  const good = await csrFor(key('ec-P-256'));
  const goodKey = { ...signed, csr: good.content, publicKeySpki: good.content.publicKeySpki };
  assert.equal(codeOf(goodKey), 'CUSTOS_ISSUANCE_REQUEST_INVALID');
  const wellFormed = { ...goodKey, dnsNames: ['api.other.example'] };
  assert.equal(codeOf(wellFormed), 'CUSTOS_PROVISIONER_NAME_NOT_ALLOWED');
  const allowed = { ...wellFormed, dnsNames: ['api.corp.example'] };
  assert.equal(codeOf(allowed), 'CUSTOS_POLICY_DENIED');
  assert.throws(() => checkIssuance(allowed, context), /denied by policy "deny-all"/);
  assert.doesNotThrow(() => checkIssuance(allowed, { ...context, policies: [] }));
});
