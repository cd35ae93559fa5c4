// The PKCS#11 key backend against a real token: SoftHSM2 in a fresh token directory. Keys are generated on the
// token, sign (the signatures verify with node:crypto against the SPKI the backend returned), make a self-signed CA
// and a leaf that `openssl verify` accepts, and never leave it (C_GetAttributeValue of CKA_VALUE is refused);
// a missing module, a missing slot, a wrong or missing PIN and a deleted key are CUSTOS_KEY_UNAVAILABLE, and no
// message carries the PIN. CI installs softhsm2 and opensc (.ci/run); without softhsm2-util the file is skipped.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pkcs11js from 'pkcs11js';
import { pkcs11KeyBackendFromEnvironment } from '../../src/compose/pkcs11-keys.js';
import {
  pkcs11KeyBackend,
  type Pkcs11KeyBackend,
  type Pkcs11KeyReference,
} from '../../src/connectors/keys-pkcs11/pkcs11-key-backend.js';
import { DomainError } from '../../src/core/errors.js';
import type { KeyType } from '../../src/core/ports/key-manager.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import type { Signer } from '../../src/pki/x509/generate/signer.js';
import { toPem } from '../support/signers.js';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const PIN = '1234';
const WRONG_PIN = '97531';
const HOUR = 3_600_000;

const hasSoftHsm = spawnSync('softhsm2-util', ['--version']).status === 0 && existsSync(MODULE);
const skip = hasSoftHsm
  ? false
  : `softhsm2-util or ${MODULE} is absent (Debian: apt-get install softhsm2 opensc; .ci/run installs them)`;

let dir: string;
/** The token the backend logs in to, and a second one only ever offered a wrong PIN (login state is per slot). */
let slot: number;
let otherSlot: number;
let backend: Pkcs11KeyBackend;

function initToken(label: string): number {
  const out = execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', PIN, '--so-pin', '5678'],
    { encoding: 'utf8', env: { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') } },
  );
  const match = /reassigned to slot (\d+)/.exec(out);
  assert.ok(match, `softhsm2-util did not say the token's slot: ${out}`);
  return Number(match[1]);
}

/** Asserts CUSTOS_KEY_UNAVAILABLE naming `mentions`, with the PIN nowhere in message, hint or cause. */
async function assertUnavailable(promise: Promise<unknown>, mentions: string[]): Promise<DomainError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail('expected CUSTOS_KEY_UNAVAILABLE'),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof DomainError, `not a DomainError: ${String(caught)}`);
  assert.equal(caught.code, 'CUSTOS_KEY_UNAVAILABLE', caught.message);
  for (const text of mentions) assert.ok(caught.message.includes(text), `${caught.message} names ${text}`);
  const everything = [
    caught.message,
    caught.hint ?? '',
    caught.stack ?? '',
    caught.cause instanceof Error
      ? `${caught.cause.message} ${caught.cause.stack ?? ''}`
      : String(caught.cause),
  ].join('\n');
  for (const pin of [PIN, WRONG_PIN])
    assert.ok(!everything.includes(pin), `the PIN appears in: ${everything}`);
  return caught;
}

function verifies(signer: Signer, data: Buffer, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(signer.publicKeySpki), format: 'der', type: 'spki' });
  const digest = signer.algorithm === 'Ed25519' ? null : `sha${/(\d{3})/.exec(signer.algorithm)![1]}`;
  return verify(digest, data, key, signature);
}

function opensslVerify(...args: string[]): string {
  return execFileSync('openssl', ['verify', ...args], { cwd: dir, encoding: 'utf8' });
}

describe('PKCS#11 key backend (SoftHSM2)', { skip }, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'custos-pkcs11-'));
    writeFileSync(
      join(dir, 'softhsm2.conf'),
      `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
    mkdirSync(join(dir, 'tokens'));
    // SoftHSM2 reads its configuration when the module is initialised, which the backend does on first use.
    process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
    slot = initToken('custos-test');
    otherSlot = initToken('custos-other');
    backend = pkcs11KeyBackendFromEnvironment({ CUSTOS_PKCS11_PIN: PIN });
  });
  after(() => {
    backend?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: { type: KeyType; algorithm: Signer['algorithm']; spki: string }[] = [
    { type: 'ec-p256', algorithm: 'ecdsa-with-SHA256', spki: 'prime256v1' },
    { type: 'ec-p384', algorithm: 'ecdsa-with-SHA384', spki: 'secp384r1' },
    { type: 'rsa-2048', algorithm: 'sha256WithRSAEncryption', spki: '2048' },
    { type: 'ed25519', algorithm: 'Ed25519', spki: 'ed25519' },
  ];
  const made = new Map<KeyType, Pkcs11KeyReference>();

  for (const { type, algorithm, spki } of cases) {
    it(`generates a ${type} key on the token, signs with it, and makes a CA that openssl verifies`, async () => {
      const generated = await backend.generate(
        type,
        { backend: 'pkcs11', module: MODULE, slot },
        `ca ${type}`,
      );
      const reference = generated.reference;
      assert.equal(reference.backend, 'pkcs11');
      if (reference.backend !== 'pkcs11') return;
      assert.equal(reference.module, MODULE);
      assert.equal(reference.slot, slot);
      assert.match(reference.id, /^[0-9a-f]{32}$/);
      assert.equal(reference.label, `ca ${type}`);
      made.set(type, reference);

      const publicKey = createPublicKey({
        key: Buffer.from(generated.publicKeySpki),
        format: 'der',
        type: 'spki',
      });
      const details = publicKey.asymmetricKeyDetails;
      assert.equal(
        publicKey.asymmetricKeyType === 'rsa'
          ? String(details?.modulusLength)
          : (details?.namedCurve ?? publicKey.asymmetricKeyType),
        spki,
      );

      const signer = await backend.signer(reference);
      assert.equal(signer.algorithm, algorithm);
      assert.deepEqual(Buffer.from(signer.publicKeySpki), Buffer.from(generated.publicKeySpki));
      const data = Buffer.from(`to be signed by the ${type} key`);
      const signature = await signer.sign(data);
      assert.ok(verifies(signer, data, signature), 'the signature verifies against the SPKI');
      assert.ok(!verifies(signer, Buffer.from('something else'), signature), 'and only over its data');

      // A self-signed CA and a leaf it signs, both signed on the token, judged by openssl.
      const now = new Date();
      const caDer = await generateCertificate(
        {
          serialNumber: Buffer.from('70ce' + reference.id.slice(0, 12), 'hex'),
          subject: [[{ type: 'O', value: 'Custos Test' }], [{ type: 'CN', value: `Token CA ${type}` }]],
          notBefore: new Date(now.getTime() - HOUR),
          notAfter: new Date(now.getTime() + 24 * HOUR),
          ca: { pathLength: 0 },
        },
        signer,
      );
      const ca = new X509Certificate(Buffer.from(caDer));
      assert.ok(ca.verify(publicKey), 'node:crypto verifies the CA self-signature');
      const leafKey = await backend.generate('ec-p256', { backend: 'pkcs11', module: MODULE, slot }, 'leaf');
      const leafDer = await generateCertificate(
        {
          serialNumber: Buffer.from('1eaf' + reference.id.slice(0, 12), 'hex'),
          subject: [[{ type: 'CN', value: 'service.example.com' }]],
          issuer: issuerIdentity(caDer).subject,
          authorityKeyIdentifier: issuerIdentity(caDer).subjectKeyIdentifier,
          notBefore: new Date(now.getTime() - HOUR),
          notAfter: new Date(now.getTime() + HOUR),
          publicKeySpki: leafKey.publicKeySpki,
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: ['serverAuth'],
          subjectAltNames: [{ dns: 'service.example.com' }],
        },
        signer,
      );
      writeFileSync(join(dir, `ca-${type}.pem`), toPem('CERTIFICATE', caDer));
      writeFileSync(join(dir, `leaf-${type}.pem`), toPem('CERTIFICATE', leafDer));
      assert.match(opensslVerify('-x509_strict', '-CAfile', `ca-${type}.pem`, `ca-${type}.pem`), /: OK/);
      assert.match(opensslVerify('-x509_strict', '-CAfile', `ca-${type}.pem`, `leaf-${type}.pem`), /: OK/);
    });
  }

  it('generates rsa-3072 and rsa-4096 keys of those sizes, signing with SHA-256', async () => {
    for (const [type, bits] of [
      ['rsa-3072', 3072],
      ['rsa-4096', 4096],
    ] as const) {
      const { reference, publicKeySpki } = await backend.generate(
        type,
        { backend: 'pkcs11', module: MODULE, slot },
        type,
      );
      const key = createPublicKey({ key: Buffer.from(publicKeySpki), format: 'der', type: 'spki' });
      assert.equal(key.asymmetricKeyDetails?.modulusLength, bits);
      assert.equal(key.asymmetricKeyDetails?.publicExponent, 65537n);
      assert.equal(reference.backend, 'pkcs11');
      if (reference.backend !== 'pkcs11') return;
      const signer = await backend.signer(reference);
      assert.equal(signer.algorithm, 'sha256WithRSAEncryption');
      const data = Buffer.from(type);
      const signature = await signer.sign(data);
      assert.equal(signature.length, bits / 8);
      assert.ok(verifies(signer, data, signature));
    }
  });

  it('finds a key again from its reference alone, in a new backend (as after a restart)', async () => {
    const reference = made.get('ec-p384');
    assert.ok(reference);
    const again = pkcs11KeyBackend({ pin: PIN });
    try {
      const signer = await again.signer(reference);
      const data = Buffer.from('after a restart');
      assert.ok(verifies(signer, data, await signer.sign(data)));
    } finally {
      again.close();
    }
  });

  it('signs many requests at once on one session, each signature valid', async () => {
    const signer = await backend.signer(made.get('ec-p256')!);
    const data = Array.from({ length: 24 }, (_, i) => Buffer.from(`request ${i}`));
    const signatures = await Promise.all(data.map((d) => signer.sign(d)));
    signatures.forEach((signature, i) => assert.ok(verifies(signer, data[i]!, signature), `signature ${i}`));
  });

  it('keeps the private key on the token: sensitive, never extractable, CKA_VALUE refused', () => {
    const reference = made.get('ec-p256')!;
    // A client of its own on the same module: the module is initialised once per process.
    const lib = new pkcs11js.PKCS11();
    lib.load(MODULE);
    try {
      lib.C_Initialize();
    } catch (error) {
      assert.equal((error as { code?: number }).code, pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED);
    }
    const slotHandle = lib.C_GetSlotList(true).find((h) => h.readUInt32LE(0) === slot)!;
    const session = lib.C_OpenSession(slotHandle, pkcs11js.CKF_SERIAL_SESSION);
    try {
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, PIN);
      } catch (error) {
        assert.equal((error as { code?: number }).code, pkcs11js.CKR_USER_ALREADY_LOGGED_IN);
      }
      lib.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(reference.id, 'hex') },
      ]);
      const [key] = lib.C_FindObjects(session, 2);
      lib.C_FindObjectsFinal(session);
      assert.ok(key, 'the private key is on the token');
      const flags = lib.C_GetAttributeValue(session, key, [
        { type: pkcs11js.CKA_TOKEN },
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_ALWAYS_SENSITIVE },
        { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
        { type: pkcs11js.CKA_SIGN },
      ]);
      assert.deepEqual(
        flags.map((a) => a.value?.[0]),
        [1, 1, 0, 1, 1, 1],
      );
      assert.throws(
        () => lib.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_VALUE }]),
        (error: { message?: string }) => /CKR_ATTRIBUTE_SENSITIVE/.test(error.message ?? ''),
      );
    } finally {
      lib.C_CloseSession(session);
    }
  });

  it(
    'shows its keys to another PKCS#11 client (pkcs11-tool) by label and CKA_ID',
    { skip: spawnSync('pkcs11-tool', ['--help']).error ? 'pkcs11-tool (opensc) is absent' : false },
    () => {
      const listing = execFileSync(
        'pkcs11-tool',
        [
          '--module',
          MODULE,
          '--slot',
          String(slot),
          '--login',
          '--pin',
          PIN,
          '--list-objects',
          '--type',
          'privkey',
        ],
        { encoding: 'utf8', env: { ...process.env } },
      );
      for (const [type, reference] of made) {
        assert.ok(listing.includes(`label:      ca ${type}`), `${type} listed by label:\n${listing}`);
        assert.ok(listing.includes(`ID:         ${reference.id}`), `${type} listed by CKA_ID`);
      }
    },
  );

  it('opens its session again when the token dropped it (all sessions closed, logged out)', async () => {
    const signer = await backend.signer(made.get('rsa-2048')!);
    const lib = new pkcs11js.PKCS11();
    lib.load(MODULE);
    try {
      lib.C_Initialize();
    } catch (error) {
      assert.equal((error as { code?: number }).code, pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED);
    }
    // The module is one per process: this closes the backend's session too, and so logs it out.
    lib.C_CloseAllSessions(lib.C_GetSlotList(true).find((h) => h.readUInt32LE(0) === slot)!);
    const data = Buffer.from('after the token dropped the session');
    assert.ok(verifies(signer, data, await signer.sign(data)));
  });

  it('refuses a wrong PIN with CUSTOS_KEY_UNAVAILABLE, naming the slot and module, never the PIN', async () => {
    const wrong = pkcs11KeyBackend({ pin: WRONG_PIN });
    const error = await assertUnavailable(
      wrong.generate('ec-p256', { backend: 'pkcs11', module: MODULE, slot: otherSlot }, 'never'),
      [`slot ${otherSlot}`, MODULE, 'refused the PIN'],
    );
    assert.match(String((error.cause as Error).message), /CKR_PIN_INCORRECT/);
    wrong.close();
  });

  it('asks for CUSTOS_PKCS11_PIN when none is set', async () => {
    const pinless = pkcs11KeyBackendFromEnvironment({});
    const error = await assertUnavailable(pinless.signer(made.get('ec-p256')!), [
      `slot ${slot}`,
      'needs a PIN',
    ]);
    assert.match(error.hint ?? '', /CUSTOS_PKCS11_PIN/);
  });

  it('names a missing module, a missing slot and a missing key as CUSTOS_KEY_UNAVAILABLE', async () => {
    const missing = '/nonexistent/libcustos-no-such-pkcs11.so';
    await assertUnavailable(backend.generate('ec-p256', { backend: 'pkcs11', module: missing, slot }, 'x'), [
      missing,
    ]);
    await assertUnavailable(
      backend.signer({ backend: 'pkcs11', module: missing, slot, id: '01', label: 'x' }),
      [missing],
    );
    const noSlot = await assertUnavailable(
      backend.generate('ec-p256', { backend: 'pkcs11', module: MODULE, slot: 424242 }, 'x'),
      ['slot 424242', MODULE],
    );
    assert.match(noSlot.hint ?? '', new RegExp(`${slot} \\(custos-test\\)`));
    await assertUnavailable(
      backend.signer({ backend: 'pkcs11', module: MODULE, slot, id: 'c0ffee', label: 'gone' }),
      ['CKA_ID c0ffee', `slot ${slot}`, MODULE],
    );
  });

  it('refuses a reference that is not a PKCS#11 one and a software choice', async () => {
    await assert.rejects(
      backend.signer({ backend: 'pkcs11', module: MODULE, slot, id: 'not hex', label: 'x' }),
      (error: DomainError) => error.code === 'CUSTOS_INVALID_ARGUMENT',
    );
    await assert.rejects(
      backend.generate('ec-p256', { backend: 'software' }, 'x'),
      (error: DomainError) => error.code === 'CUSTOS_INVALID_ARGUMENT',
    );
  });
});
