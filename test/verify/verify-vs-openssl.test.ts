/**
 * `custos verify` (the real CLI) against `openssl verify -x509_strict -purpose sslserver` on the same files.
 * Three named tables:
 * - AGREE: the cases where both must give the same verdict (and Custos the named finding codes);
 * - CUSTOS_STRICTER: deliberate differences where Custos refuses what openssl accepts, because the WebPKI
 *   profile (Chrome, rustls-webpki, the CA/Browser Forum) refuses it;
 * - OPENSSL_STRICTER: rules of -x509_strict that check how conforming a CA is (RFC 5280 "MUST"s for CAs)
 *   rather than whether a client may trust the chain; browsers and rustls-webpki do not enforce them, and a
 *   scanner that did would flag working private PKIs.
 * Weak keys and SHA-1 are in AGREE with `-auth_level 2` (112-bit security, what Debian's TLS clients use) and
 * in CUSTOS_STRICTER at openssl's default for `verify` (no security level).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  validFor,
  validFrom,
  withDnsNames,
  withExtendedKeyUsages,
  withExtensions,
  withFreshKey,
  withIpAddresses,
  withKey,
  withKeyUsages,
  withoutExtensions,
  withSignatureHash,
  withSubject,
  type BuiltCertificate,
  type CertificateOption,
} from '../support/certificates.js';
import { runCustos } from '../support/cli.js';
import * as x509 from '@peculiar/x509';
import { nameConstraints } from './name-constraints-extension.js';

const run = promisify(execFile);
const DAY_MS = 86_400_000;

type Pem = Pick<BuiltCertificate, 'pem'>;

interface Files {
  leaf: Pem;
  /** What --chain / -untrusted get, in this order. */
  chain: Pem[];
  /** What --trust / -CAfile get. */
  trust: Pem[];
}

interface Case {
  name: string;
  files: () => Promise<Files>;
  host?: string;
  at?: Date;
  /** Run openssl with -auth_level 2 (RSA >= 2048, no SHA-1). */
  authLevel2?: boolean;
  valid: boolean;
  /** Finding codes Custos must report. */
  codes?: string[];
  /** What a Custos finding message must say (the constraint it names). */
  message?: RegExp;
  /** The openssl error expected (so both refuse for the same reason). */
  openssl?: RegExp;
}

const root = await aCertificate(withSubject('CN=Verify Root, O=Custos Test'), asCA(), validFor(3650));
const intermediate = await aCertificate(
  withSubject('CN=Verify Intermediate, O=Custos Test'),
  asCA({ pathLength: 0 }),
  validFor(1825),
  withFreshKey(),
  issuedBy(root),
);
const leafOf = (...options: CertificateOption[]) =>
  aCertificate(withDnsNames('api.example.com'), withFreshKey(), issuedBy(intermediate), ...options);
const chained = async (...options: CertificateOption[]): Promise<Files> => ({
  leaf: await leafOf(...options),
  chain: [intermediate],
  trust: [root],
});
const under = async (issuer: BuiltCertificate, ...options: CertificateOption[]): Promise<Files> => ({
  leaf: await aCertificate(withDnsNames('api.example.com'), withFreshKey(), issuedBy(issuer), ...options),
  chain: [issuer],
  trust: [root],
});
const anIntermediate = (...options: CertificateOption[]) =>
  aCertificate(withSubject('CN=Odd Intermediate'), withFreshKey(), validFor(365), issuedBy(root), ...options);

const AGREE: Case[] = [
  { name: 'valid chain', files: () => chained(), host: 'api.example.com', valid: true },
  {
    name: 'missing intermediate',
    openssl: /unable to get local issuer certificate/,
    files: async () => ({ ...(await chained()), chain: [] }),
    host: 'api.example.com',
    valid: false,
    codes: ['untrusted-root'],
  },
  {
    name: 'wrong-order chain file (root before the intermediate): valid, reported as chain-order',
    files: async () => ({ ...(await chained()), chain: [root, intermediate] }),
    host: 'api.example.com',
    valid: true,
    codes: ['chain-order'],
  },
  {
    name: 'expired leaf',
    openssl: /error 10 at 0 depth lookup: certificate has expired/,
    files: () => chained(expiringIn(-1)),
    host: 'api.example.com',
    valid: false,
    codes: ['expired'],
  },
  {
    name: 'expired intermediate',
    openssl: /error 10 at 1 depth lookup: certificate has expired/,
    message: /intermediate 'CN=Odd Intermediate'.* expired/,
    files: async () =>
      under(
        await anIntermediate(asCA(), validFrom(new Date(Date.now() - 30 * DAY_MS)), validFor(10)),
        validFrom(new Date(Date.now() - 25 * DAY_MS)),
      ),
    valid: false,
    codes: ['expired'],
  },
  {
    name: 'not yet valid leaf',
    openssl: /certificate is not yet valid/,
    files: () => chained(validFrom(new Date(Date.now() + 2 * DAY_MS))),
    valid: false,
    codes: ['not-yet-valid'],
  },
  {
    name: 'verified at a time after the leaf expires (--at / -attime)',
    openssl: /certificate has expired/,
    files: () => chained(expiringIn(10)),
    at: new Date(Date.now() + 20 * DAY_MS),
    valid: false,
    codes: ['expired'],
  },
  {
    name: 'self-signed leaf',
    openssl: /self-signed certificate/,
    files: async () => ({
      leaf: await aCertificate(withDnsNames('api.example.com')),
      chain: [],
      trust: [root],
    }),
    host: 'api.example.com',
    valid: false,
    codes: ['self-signed', 'untrusted-root'],
  },
  {
    name: 'self-signed leaf that is itself the trust anchor',
    files: async () => {
      const leaf = await aCertificate(withDnsNames('api.example.com'), withFreshKey());
      return { leaf, chain: [], trust: [leaf] };
    },
    host: 'api.example.com',
    valid: true,
    codes: ['self-signed'],
  },
  {
    name: 'wrong host name',
    openssl: /hostname mismatch/,
    files: () => chained(),
    host: 'www.example.com',
    valid: false,
    codes: ['hostname-mismatch'],
  },
  {
    name: 'wildcard host',
    files: () => chained(withDnsNames('*.example.com')),
    host: 'api.example.com',
    valid: true,
  },
  {
    name: 'wildcard covers one label only',
    openssl: /hostname mismatch/,
    files: () => chained(withDnsNames('*.example.com')),
    host: 'a.b.example.com',
    valid: false,
    codes: ['hostname-mismatch'],
  },
  { name: 'IPv4 SAN', files: () => chained(withIpAddresses('127.0.0.1')), host: '127.0.0.1', valid: true },
  {
    name: 'IPv6 SAN',
    files: () => chained(withIpAddresses('2001:db8::1')),
    host: '2001:db8:0::1',
    valid: true,
  },
  {
    name: 'IP address not among the IP SANs',
    openssl: /IP address mismatch/,
    files: () => chained(withDnsNames('127.0.0.2'), withIpAddresses('127.0.0.1')),
    host: '127.0.0.2',
    valid: false,
    codes: ['hostname-mismatch'],
  },
  {
    name: 'basicConstraints missing on the issuer',
    openssl: /invalid CA certificate/,
    message: /^basicConstraints: intermediate 'CN=Odd Intermediate'/,
    files: async () => under(await anIntermediate(withKeyUsages('keyCertSign', 'cRLSign'))),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'pathLenConstraint exceeded',
    openssl: /path length constraint exceeded/,
    message:
      /^pathLenConstraint: intermediate 'CN=Verify Intermediate, O=Custos Test'.* allows 0 intermediates below it, the path has 1/,
    files: async () => {
      const second = await aCertificate(
        withSubject('CN=Second Intermediate'),
        asCA(),
        withFreshKey(),
        validFor(365),
        issuedBy(intermediate),
      );
      return { leaf: (await under(second)).leaf, chain: [second, intermediate], trust: [root] };
    },
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'keyUsage of the issuer without keyCertSign',
    openssl: /key usage does not include certificate signing/,
    message: /^keyUsage: intermediate 'CN=Odd Intermediate'/,
    files: async () => under(await anIntermediate(asCA(), withKeyUsages('digitalSignature', 'cRLSign'))),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'name constraints satisfied',
    files: async () =>
      under(
        await anIntermediate(
          asCA(),
          withExtensions(nameConstraints({ permitted: { dns: ['example.com'] } })),
        ),
      ),
    host: 'api.example.com',
    valid: true,
  },
  {
    name: 'name constraints violated (dNSName outside the permitted subtree)',
    openssl: /permitted subtree violation/,
    message:
      /^nameConstraints of intermediate .*dNSName api\.example\.com is not within the permitted subtrees \(example\.org\)/,
    files: async () =>
      under(
        await anIntermediate(
          asCA(),
          withExtensions(nameConstraints({ permitted: { dns: ['example.org'] } })),
        ),
      ),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'name constraints violated (dNSName in an excluded subtree)',
    openssl: /excluded subtree violation/,
    message:
      /^nameConstraints of intermediate .*dNSName api\.example\.com is within the excluded subtree api\.example\.com/,
    files: async () =>
      under(
        await anIntermediate(
          asCA(),
          withExtensions(nameConstraints({ excluded: { dns: ['api.example.com'] } })),
        ),
      ),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'name constraints violated (iPAddress outside the permitted range)',
    openssl: /permitted subtree violation/,
    message: /iPAddress 192\.168\.1\.1 is not within the permitted subtrees/,
    files: async () =>
      under(
        await anIntermediate(asCA(), withExtensions(nameConstraints({ permitted: { ip: ['10.0.0.0/8'] } }))),
        withIpAddresses('192.168.1.1'),
      ),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'SHA-1 signature on the leaf (openssl at -auth_level 2)',
    openssl: /CA signature digest algorithm too weak/,
    message: /signed with ecdsa-with-SHA1/,
    files: () => chained(withSignatureHash('SHA-1')),
    authLevel2: true,
    valid: false,
    codes: ['weak-signature'],
  },
  {
    name: 'RSA-1024 leaf key (openssl at -auth_level 2)',
    openssl: /EE certificate key too weak/,
    message: /1024-bit RSA key/,
    files: () => chained(withKey('RSA', 1024)),
    authLevel2: true,
    valid: false,
    codes: ['weak-key'],
  },
  {
    name: 'extendedKeyUsage clientAuth only',
    openssl: /unsuitable certificate purpose/,
    message: /^extendedKeyUsage: leaf .* is not for serverAuth/,
    files: () => chained(withExtendedKeyUsages('clientAuth')),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'extendedKeyUsage serverAuth',
    files: () => chained(withExtendedKeyUsages('serverAuth', 'clientAuth')),
    valid: true,
  },
  {
    name: 'intermediate whose extendedKeyUsage lacks serverAuth',
    openssl: /error 26 at 1 depth lookup: unsuitable certificate purpose/,
    message: /^extendedKeyUsage: intermediate 'CN=Odd Intermediate'/,
    files: async () => under(await anIntermediate(asCA(), withExtendedKeyUsages('clientAuth'))),
    valid: false,
    codes: ['path-invalid'],
  },
  {
    name: 'unknown critical extension on the leaf',
    openssl: /unhandled critical extension/,
    message: /unknown critical extension 1\.3\.6\.1\.4\.1\.99999\.1/,
    files: () =>
      chained(withExtensions(new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([5, 0])))),
    valid: false,
    codes: ['path-invalid'],
  },
];

/** A version 1 root (no extensions at all) and a leaf it issues, made by openssl (the builder makes v3 only). */
async function v1RootChain(): Promise<Files> {
  const dir = await mkdtemp(join(tmpdir(), 'custos-v1-'));
  try {
    const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    await writeFile(join(dir, 'req.cnf'), '[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=V1 Root\n');
    await writeFile(join(dir, 'leaf.ext'), 'subjectAltName=DNS:api.example.com\nsubjectKeyIdentifier=hash\n');
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'root.key',
      '-config',
      'req.cnf',
      '-days',
      '30',
      '-out',
      'root.pem',
    );
    await openssl(
      'req',
      '-new',
      ...ec,
      '-keyout',
      'leaf.key',
      '-subj',
      '/CN=api.example.com',
      '-out',
      'leaf.csr',
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-set_serial',
      '2',
      '-days',
      '10',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem',
    );
    const { readFile } = await import('node:fs/promises');
    const text = (name: string) => readFile(join(dir, name), 'utf8');
    const { stdout } = await openssl('x509', '-in', 'root.pem', '-noout', '-text');
    assert.match(stdout, /Version: 1 \(0x0\)/, 'openssl made a v1 root');
    return { leaf: { pem: await text('leaf.pem') }, chain: [], trust: [{ pem: await text('root.pem') }] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

AGREE.push({
  name: 'version 1 root (refused as by -x509_strict, and v3 only in the WebPKI profile)',
  openssl: /error 79 at 1 depth lookup: invalid CA certificate/,
  message: /trust anchor 'CN=V1 Root'.* is a version 1 certificate; only v3 is accepted/,
  files: v1RootChain,
  host: 'api.example.com',
  valid: false,
  codes: ['path-invalid'],
});

const CUSTOS_STRICTER: Case[] = [
  {
    name: 'CN-only certificate: openssl falls back to the CN, Custos never reads names from the CN (RFC 6125)',
    files: async () => ({
      leaf: await aCertificate(
        withSubject('CN=api.example.com'),
        withDnsNames(),
        withFreshKey(),
        issuedBy(intermediate),
      ),
      chain: [intermediate],
      trust: [root],
    }),
    host: 'api.example.com',
    valid: false,
    codes: ['hostname-mismatch'],
  },
  {
    name: 'partial wildcard f*.example.com: openssl matches it by default, Custos refuses partial wildcards',
    files: () => chained(withDnsNames('f*.example.com')),
    host: 'foo.example.com',
    valid: false,
    codes: ['hostname-mismatch'],
  },
  {
    name: "RSA-1024 leaf key at openssl verify's default (no security level)",
    files: () => chained(withKey('RSA', 1024)),
    valid: false,
    codes: ['weak-key'],
  },
  {
    name: "SHA-1 signature at openssl verify's default (no security level)",
    files: () => chained(withSignatureHash('SHA-1')),
    valid: false,
    codes: ['weak-signature'],
  },
];

const OPENSSL_STRICTER: Case[] = [
  {
    name: 'leaf without authorityKeyIdentifier (and without any extension): -x509_strict requires the AKI',
    files: () => chained(withoutExtensions()),
    valid: true,
  },
];

interface Verdicts {
  openssl: { valid: boolean; output: string };
  custos: { valid: boolean; codes: string[]; messages: string[]; output: string };
}

async function verdicts(c: Case): Promise<Verdicts> {
  const files = await c.files();
  const dir = await mkdtemp(join(tmpdir(), 'custos-verify-'));
  try {
    const pems = (list: Pem[]) => list.map((p) => p.pem).join('');
    await writeFile(join(dir, 'leaf.pem'), files.leaf.pem);
    await writeFile(join(dir, 'root.pem'), pems(files.trust));
    if (files.chain.length > 0) await writeFile(join(dir, 'inter.pem'), pems(files.chain));
    const chainFlags = (flag: string) => (files.chain.length > 0 ? [flag, join(dir, 'inter.pem')] : []);
    const isIp = c.host !== undefined && /^[0-9.]+$|:/.test(c.host);
    const opensslArgs = [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      ...(c.authLevel2 ? ['-auth_level', '2'] : []),
      ...(c.host === undefined ? [] : [isIp ? '-verify_ip' : '-verify_hostname', c.host]),
      ...(c.at ? ['-attime', String(Math.floor(c.at.getTime() / 1000))] : []),
      '-CAfile',
      join(dir, 'root.pem'),
      ...chainFlags('-untrusted'),
      join(dir, 'leaf.pem'),
    ];
    const openssl = await run('openssl', opensslArgs).then(
      (r) => ({ valid: true, output: r.stdout + r.stderr }),
      (error: { stdout?: string; stderr?: string }) => ({
        valid: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    const custosArgs = [
      'verify',
      join(dir, 'leaf.pem'),
      '--trust',
      join(dir, 'root.pem'),
      ...chainFlags('--chain'),
      ...(c.host === undefined ? [] : ['--host', c.host]),
      ...(c.at ? ['--at', c.at.toISOString()] : []),
      '--json',
    ];
    const result = await runCustos(custosArgs);
    assert.ok(result.code === 0 || result.code === 1, `custos exit ${result.code}: ${result.stderr}`);
    const json = result.json<{ valid: boolean; findings: { code: string; message: string }[] }>();
    assert.equal(json.valid, result.code === 0, 'exit code follows "valid"');
    return {
      openssl,
      custos: {
        valid: json.valid,
        codes: json.findings.map((f) => f.code),
        messages: json.findings.map((f) => f.message),
        output: result.stdout,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function assertCodes(c: Case, v: Verdicts): void {
  for (const code of c.codes ?? []) {
    assert.ok(v.custos.codes.includes(code), `custos reports ${code}: ${v.custos.output}`);
  }
  if (c.message) {
    const pattern = c.message;
    assert.ok(
      v.custos.messages.some((m) => pattern.test(m)),
      `a finding says ${pattern}: ${v.custos.output}`,
    );
  }
  if (c.openssl) assert.match(v.openssl.output, c.openssl);
}

for (const c of AGREE) {
  test(`verify agrees with openssl: ${c.name}`, async () => {
    const v = await verdicts(c);
    assert.equal(v.openssl.valid, c.valid, `openssl verdict: ${v.openssl.output}`);
    assert.equal(v.custos.valid, c.valid, `custos verdict: ${v.custos.output}`);
    assertCodes(c, v);
  });
}

for (const c of CUSTOS_STRICTER) {
  test(`verify is deliberately stricter than openssl: ${c.name}`, async () => {
    const v = await verdicts(c);
    assert.equal(v.openssl.valid, true, `openssl accepts: ${v.openssl.output}`);
    assert.equal(v.custos.valid, false, `custos refuses: ${v.custos.output}`);
    assertCodes(c, v);
  });
}

for (const c of OPENSSL_STRICTER) {
  test(`verify follows WebPKI clients where -x509_strict checks CA conformance: ${c.name}`, async () => {
    const v = await verdicts(c);
    assert.equal(v.openssl.valid, false, `openssl refuses: ${v.openssl.output}`);
    assert.equal(v.custos.valid, true, `custos accepts: ${v.custos.output}`);
  });
}

test('verify exits 2 when an input cannot be read, naming the code', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-verify-'));
  try {
    await writeFile(join(dir, 'junk.pem'), 'not a certificate\n');
    const missing = await runCustos(['verify', join(dir, 'absent.pem')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /CUSTOS_FILE_NOT_FOUND/);
    const junk = await runCustos(['verify', join(dir, 'junk.pem')]);
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /CUSTOS_FILE_UNRECOGNISED/);
    const leaf = await leafOf();
    await writeFile(join(dir, 'leaf.pem'), leaf.pem);
    const badTrust = await runCustos(['verify', join(dir, 'leaf.pem'), '--trust', join(dir, 'junk.pem')]);
    assert.equal(badTrust.code, 2);
    const badTime = await runCustos(['verify', join(dir, 'leaf.pem'), '--at', 'yesterday']);
    assert.equal(badTime.code, 2);
    assert.match(badTime.stderr, /CUSTOS_INVALID_ARGUMENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('verify prints a verdict line, the path and the findings for people', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-verify-'));
  try {
    const files = await chained(expiringIn(5));
    await writeFile(join(dir, 'full.pem'), files.leaf.pem + intermediate.pem);
    await writeFile(join(dir, 'root.pem'), root.pem);
    const result = await runCustos([
      'verify',
      join(dir, 'full.pem'),
      '--trust',
      join(dir, 'root.pem'),
      '--host',
      'api.example.com',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^valid: a path to a trust anchor for api\.example\.com at /);
    assert.match(result.stdout, /CN=Verify Intermediate, O=Custos Test → CN=Verify Root, O=Custos Test/);
    assert.match(result.stdout, /\(trust anchor\)/);
    assert.match(result.stdout, /expiring-soon/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
