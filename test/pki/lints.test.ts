/**
 * Each lint with a certificate that passes and one that fails. Certificates come from the test builders over the
 * project's generator; what the generator refuses to write (a zero, negative or 21-octet serial, a
 * GeneralizedTime before 2050, a repeated extension, a critical AKI, a removed SKI) is made by re-encoding a
 * generated certificate with @peculiar/asn1-x509 (the signature no longer verifies, which no lint reads).
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import { test } from 'node:test';
import * as x509 from '@peculiar/x509';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Extension as AsnExtension, Time } from '@peculiar/asn1-x509';
import {
  aChain,
  aCertificate,
  asCA,
  issuedBy,
  validFor,
  withDnsNames,
  withExtendedKeyUsages,
  withExtensions,
  withIpAddresses,
  withKey,
  withKeyUsages,
  withSerial,
  withSubject,
  type BuiltCertificate,
  type CertificateOption,
} from '../support/certificates.js';
import { nodeSigner } from '../../src/connectors/crypto/node-signer.js';
import { readPathCertificate } from '../../src/pki/path/path-certificate.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { authorityInfoAccessExtension as authorityInfoAccess } from '../../src/pki/x509/extensions/authority-info-access.js';
import { authorityKeyIdentifierExtension as authorityKeyIdentifier } from '../../src/pki/x509/extensions/authority-key-identifier.js';
import type { Extension } from '../../src/pki/x509/extensions/extension-value.js';
import { nameConstraintsExtension as nameConstraints } from '../../src/pki/x509/extensions/name-constraints.js';
import { subjectAltNameExtension as subjectAltName } from '../../src/pki/x509/extensions/subject-alt-name.js';
import { LINTS, lintCertificate, runLints } from '../../src/pki/lint/run-lints.js';
import type { LintContext } from '../../src/pki/lint/lint.js';

const raw = (e: Extension): x509.Extension => new x509.Extension(e.oid, e.critical, e.value);
const SERVER = [withExtendedKeyUsages('serverAuth'), withKeyUsages('digitalSignature')];

/** Re-encodes a certificate after `change` (signature left as it was). */
function mutate(der: Uint8Array, change: (c: Certificate) => void): Uint8Array {
  const certificate = AsnConvert.parse(der, Certificate);
  change(certificate);
  return new Uint8Array(AsnConvert.serialize(certificate));
}
const extensionsOf = (c: Certificate): AsnExtension[] => c.tbsCertificate.extensions!;
const OID = { ski: '2.5.29.14', aki: '2.5.29.35' };

const failing = (der: Uint8Array, context: LintContext = {}): string[] =>
  runLints(readPathCertificate(der, { keepDuplicateExtensions: true }), context).map((f) => f.lint);

interface Case {
  lint: string;
  pass: () => Promise<{ der: Uint8Array; context?: LintContext }>;
  fail: () => Promise<{ der: Uint8Array; context?: LintContext }>;
}

let chain: Awaited<ReturnType<typeof aChain>>;
const leaf = async (...options: CertificateOption[]): Promise<BuiltCertificate> =>
  aCertificate(...SERVER, issuedBy(chain.intermediate), ...options);
const ctx = (): LintContext => ({ issuer: readPathCertificate(chain.intermediate.der) });

/** An RSA key of an odd size (2050 bits) in a certificate signed by the intermediate. */
async function oddRsa(bits: number): Promise<Uint8Array> {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const issuer = chain.intermediate;
  return generateCertificate(
    {
      serialNumber: Buffer.from('0123456789abcdef01', 'hex'),
      subject: new Uint8Array(new x509.Name('CN=odd.example').toArrayBuffer()),
      issuer: new Uint8Array(issuer.x509.subjectName.toArrayBuffer()),
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      publicKeySpki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: [{ dns: 'odd.example' }],
    },
    nodeSigner(KeyObject.from(issuer.keys.privateKey), { hash: 'SHA-256' }),
  );
}

const CASES: Case[] = [
  {
    lint: 'serial-number-positive',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: mutate(
        (await leaf()).der,
        (c) => (c.tbsCertificate.serialNumber = new Uint8Array([0xff, 0x01]).buffer),
      ),
    }),
  },
  {
    lint: 'serial-number-length',
    pass: async () => ({ der: (await leaf(withSerial('7f'.repeat(20)))).der }),
    fail: async () => ({
      der: mutate(
        (await leaf()).der,
        (c) => (c.tbsCertificate.serialNumber = new Uint8Array(21).fill(0x11).buffer),
      ),
    }),
  },
  {
    lint: 'serial-number-entropy',
    pass: async () => ({ der: (await leaf(withSerial('0102030405060708'))).der }),
    fail: async () => ({ der: (await leaf(withSerial('01020304050607'))).der }),
  },
  {
    lint: 'validity-time-encoding',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: mutate((await leaf()).der, (c) => {
        c.tbsCertificate.validity.notBefore = new Time({
          generalTime: c.tbsCertificate.validity.notBefore.getTime(),
        });
      }),
    }),
  },
  {
    lint: 'validity-within-issuer',
    pass: async () => ({ der: (await leaf()).der, context: ctx() }),
    fail: async () => ({ der: (await leaf(validFor(4000))).der, context: ctx() }),
  },
  {
    lint: 'no-duplicate-extensions',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: mutate((await leaf()).der, (c) => extensionsOf(c).push(extensionsOf(c)[0]!)),
    }),
  },
  {
    lint: 'san-present',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({ der: (await leaf(withSubject('O=No Names'), withDnsNames())).der }),
  },
  ...['a_b.example.com', 'a..example.com', '.example.com', 'example.com.', '-a.example.com'].map(
    (name): Case => ({
      lint: 'san-dns-name-syntax',
      pass: async () => ({ der: (await leaf(withDnsNames('a-b.example.com', '*.example.com'))).der }),
      fail: async () => ({ der: (await leaf(withSubject('O=X'), withDnsNames(name))).der }),
    }),
  ),
  ...['*.com', '*.co.uk', 'f*.example.com', 'a.*.example.com', '*.github.io'].map((name): Case => ({
    lint: 'san-wildcard',
    pass: async () => ({ der: (await leaf(withSubject('O=X'), withDnsNames('*.example.co.uk'))).der }),
    fail: async () => ({ der: (await leaf(withSubject('O=X'), withDnsNames(name))).der }),
  })),
  {
    lint: 'san-critical',
    pass: async () => ({ der: (await leaf(withSubject([]), withDnsNames('empty.example'))).der }),
    fail: async () => ({
      der: (
        await leaf(
          withDnsNames(),
          withExtensions(raw({ ...subjectAltName([{ dns: 'test.example' }]), critical: true })),
        )
      ).der,
    }),
  },
  {
    lint: 'common-name-in-san',
    pass: async () => ({ der: (await leaf(withSubject('CN=api.example'), withDnsNames('api.example'))).der }),
    fail: async () => ({
      der: (await leaf(withSubject('CN=API.example'), withDnsNames('api.example'))).der,
    }),
  },
  {
    lint: 'basic-constraints-critical',
    pass: async () => ({ der: chain.intermediate.der }),
    fail: async () => ({
      der: (
        await aCertificate(
          withSubject('CN=Loose CA'),
          withKeyUsages('keyCertSign', 'cRLSign'),
          withExtensions(new x509.BasicConstraintsExtension(true, undefined, false)),
          issuedBy(chain.root),
        )
      ).der,
    }),
  },
  {
    lint: 'leaf-ca-false',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: (await aCertificate(asCA(), withKeyUsages('digitalSignature'), issuedBy(chain.intermediate))).der,
    }),
  },
  {
    lint: 'leaf-key-cert-sign',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({ der: (await leaf(withKeyUsages('digitalSignature', 'keyCertSign'))).der }),
  },
  {
    lint: 'key-usage-key-type',
    pass: async () => ({
      der: (await leaf(withKey('RSA', 2048), withKeyUsages('digitalSignature', 'keyEncipherment'))).der,
    }),
    fail: async () => ({ der: (await leaf(withKeyUsages('digitalSignature', 'keyEncipherment'))).der }),
  },
  {
    lint: 'eku-present',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: (await aCertificate(withKeyUsages('digitalSignature'), issuedBy(chain.intermediate))).der,
    }),
  },
  {
    lint: 'eku-key-usage',
    pass: async () => ({ der: (await leaf(withKeyUsages('digitalSignature', 'keyAgreement'))).der }),
    fail: async () => ({ der: (await leaf(withKeyUsages('keyAgreement'))).der }),
  },
  {
    lint: 'aki-present',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: mutate((await leaf()).der, (c) => {
        c.tbsCertificate.extensions = extensionsOf(c).filter((e) => e.extnID !== OID.aki) as never;
      }),
    }),
  },
  {
    lint: 'aki-non-critical',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: mutate((await leaf()).der, (c) => {
        for (const e of extensionsOf(c)) if (e.extnID === OID.aki) e.critical = true;
      }),
    }),
  },
  {
    lint: 'aki-key-identifier',
    pass: async () => ({ der: (await leaf()).der, context: ctx() }),
    // The issuer given is the root, whose key did not sign the leaf.
    fail: async () => ({ der: (await leaf()).der, context: { issuer: readPathCertificate(chain.root.der) } }),
  },
  {
    lint: 'aki-key-identifier',
    pass: async () => ({ der: chain.root.der }),
    // A self-issued certificate whose AKI is not its own SKI.
    fail: async () => ({
      der: (
        await aCertificate(
          withSubject('CN=Odd Root'),
          asCA(),
          withExtensions(raw(authorityKeyIdentifier(new Uint8Array(20).fill(7)))),
        )
      ).der,
    }),
  },
  {
    lint: 'aki-key-identifier-only',
    pass: async () => ({ der: (await leaf()).der }),
    // SEQUENCE { [0] 01 02, [2] 05 }: keyIdentifier and authorityCertSerialNumber.
    fail: async () => ({
      der: mutate((await leaf()).der, (c) => {
        for (const e of extensionsOf(c))
          if (e.extnID === OID.aki) e.extnValue = new OctetString(Buffer.from('300780020102820105', 'hex'));
      }),
    }),
  },
  {
    lint: 'eku-critical',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: mutate((await leaf()).der, (c) => {
        for (const e of extensionsOf(c)) if (e.extnID === '2.5.29.37') e.critical = true;
      }),
    }),
  },
  {
    lint: 'root-no-eku',
    pass: async () => ({ der: chain.root.der }),
    fail: async () => ({
      der: (await aCertificate(withSubject('CN=EKU Root'), asCA(), withExtendedKeyUsages('serverAuth'))).der,
    }),
  },
  {
    lint: 'policy-extensions-critical',
    pass: async () => ({
      // policyConstraints { requireExplicitPolicy [0] 0 }, critical
      der: (
        await aCertificate(
          withSubject('CN=Policy CA'),
          asCA(),
          withExtensions(new x509.Extension('2.5.29.36', true, Buffer.from('3003800100', 'hex'))),
          issuedBy(chain.root),
        )
      ).der,
    }),
    fail: async () => ({
      der: (
        await aCertificate(
          withSubject('CN=Policy CA'),
          asCA(),
          withExtensions(new x509.Extension('2.5.29.36', false, Buffer.from('3003800100', 'hex'))),
          issuedBy(chain.root),
        )
      ).der,
    }),
  },
  {
    lint: 'ski-present',
    pass: async () => ({ der: chain.intermediate.der }),
    fail: async () => ({
      der: mutate(chain.intermediate.der, (c) => {
        c.tbsCertificate.extensions = extensionsOf(c).filter((e) => e.extnID !== OID.ski) as never;
      }),
    }),
  },
  {
    lint: 'rsa-key-size',
    pass: async () => ({ der: (await leaf(withKey('RSA', 2048))).der }),
    fail: async () => ({ der: (await leaf(withKey('RSA', 1024))).der }),
  },
  {
    lint: 'rsa-modulus-length',
    pass: async () => ({ der: await oddRsa(2056) }),
    fail: async () => ({ der: await oddRsa(2050) }),
  },
  {
    lint: 'name-constraints-critical',
    pass: async () => ({
      der: (
        await aCertificate(
          withSubject('CN=Constrained CA'),
          asCA(),
          withExtensions(raw(nameConstraints({ permitted: [{ dns: 'example.com' }, { ip: '10.0.0.0/8' }] }))),
          issuedBy(chain.root),
        )
      ).der,
    }),
    fail: async () => ({
      der: (
        await aCertificate(
          withSubject('CN=Constrained CA'),
          asCA(),
          withExtensions(
            raw({ ...nameConstraints({ permitted: [{ dns: 'example.com' }] }), critical: false }),
          ),
          issuedBy(chain.root),
        )
      ).der,
    }),
  },
  {
    lint: 'name-constraints-well-formed',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: (await leaf(withExtensions(raw(nameConstraints({ permitted: [{ dns: 'example.com' }] }))))).der,
    }),
  },
  {
    lint: 'name-constraints-well-formed',
    pass: async () => ({ der: chain.intermediate.der }),
    fail: async () => ({
      der: (
        await aCertificate(
          withSubject('CN=Constrained CA'),
          asCA(),
          withExtensions(raw(nameConstraints({ permitted: [{ dns: '.example.com' }] }))),
          issuedBy(chain.root),
        )
      ).der,
    }),
  },
  {
    lint: 'common-name-in-san',
    pass: async () => ({ der: (await leaf(withSubject('CN=192.0.2.1'), withIpAddresses('192.0.2.1'))).der }),
    fail: async () => ({
      der: (await leaf(withSubject('CN=192.000.2.1'), withIpAddresses('192.0.2.1'))).der,
    }),
  },
  {
    lint: 'aia-well-formed',
    pass: async () => ({
      der: (
        await leaf(
          withExtensions(
            raw(
              authorityInfoAccess({
                ocsp: ['http://ocsp.example/'],
                caIssuers: ['https://ca.example/i.crt'],
              }),
            ),
          ),
        )
      ).der,
    }),
    fail: async () => ({
      der: (await leaf(withExtensions(raw(authorityInfoAccess({ ocsp: ['ldap://ocsp.example/'] }))))).der,
    }),
  },
  {
    lint: 'aia-well-formed',
    pass: async () => ({ der: (await leaf()).der }),
    fail: async () => ({
      der: (
        await leaf(
          withExtensions(raw({ ...authorityInfoAccess({ ocsp: ['http://o.example/'] }), critical: true })),
        )
      ).der,
    }),
  },
];

test('every lint has a passing and a failing certificate', async (t) => {
  chain = await aChain(...SERVER);
  const covered = new Set(CASES.map((c) => c.lint));
  assert.deepEqual(
    LINTS.map((l) => l.name).filter((name) => !covered.has(name)),
    [],
    'lints without a case',
  );
  for (const c of CASES) {
    await t.test(c.lint, async () => {
      const good = await c.pass();
      assert.ok(!failing(good.der, good.context).includes(c.lint), `${c.lint} fails the passing certificate`);
      const bad = await c.fail();
      assert.ok(failing(bad.der, bad.context).includes(c.lint), `${c.lint} passes the failing certificate`);
    });
  }
});

test('a well-made chain passes every lint', async () => {
  chain = await aChain(...SERVER);
  assert.deepEqual(failing(chain.leaf.der, ctx()), []);
  assert.deepEqual(failing(chain.intermediate.der, { issuer: readPathCertificate(chain.root.der) }), []);
  assert.deepEqual(failing(chain.root.der), []);
});

test('lintCertificate: the issuer is found by name; non-strict DER is one der-encoding failure', async () => {
  chain = await aChain(...SERVER);
  const long = await leaf(validFor(4000));
  const names = (fs: { lint: string }[]) => fs.map((f) => f.lint);
  assert.deepEqual(names(lintCertificate(long.der, [chain.root.der, chain.intermediate.der])), [
    'validity-within-issuer',
  ]);
  assert.deepEqual(names(lintCertificate(long.der)), []);
  // An empty extendedKeyUsage: the lenient inventory reader takes it (it does not read EKU), strict DER does not.
  const emptyEku = await aCertificate(
    withKeyUsages('digitalSignature'),
    withExtensions(new x509.Extension('2.5.29.37', false, new Uint8Array([0x30, 0x00]))),
    issuedBy(chain.intermediate),
  );
  assert.deepEqual(names(lintCertificate(emptyEku.der)), ['der-encoding']);
  assert.throws(() => lintCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), {
    code: 'CUSTOS_DER_MALFORMED',
  });
});
