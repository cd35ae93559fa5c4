import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { ReadContainerResult } from '../../src/pki/formats/container-types.js';
import { readContainer } from '../../src/pki/formats/read-container.js';
import { hasKeytool, PASSWORD, ToolFixtures, type ToolCertificate } from './container-fixtures.js';

const fingerprints = (result: ReadContainerResult): string[] =>
  result.certificates.map((c) => createHash('sha256').update(c.der).digest('hex'));
const codes = (result: ReadContainerResult): string[] => result.problems.map((p) => p.code);

const f = new ToolFixtures();
let ca: ToolCertificate;
let leaf: ToolCertificate;
let rsa: ToolCertificate;

before(() => {
  ca = f.certificate('ca', { subject: '/CN=Custos Test CA/O=Custos' });
  leaf = f.certificate('leaf', { issuer: 'ca' });
  rsa = f.certificate('rsa', { key: 'rsa' });
});

describe('PEM and DER from openssl', () => {
  test('a bundle with text around the blocks and CRLF line ends', () => {
    const text = `leaf:\r\n${f.read('leaf.pem')}\r\nand its CA:\r\n${f.read('ca.pem')}`.replace(
      /\r?\n/g,
      '\r\n',
    );
    const result = readContainer(Buffer.from(text), { passwords: [] });
    assert.equal(result.format, 'pem');
    assert.deepEqual(fingerprints(result), [leaf.fingerprintSha256, ca.fingerprintSha256]);
    assert.deepEqual(result.problems, []);
  });

  test('a certificate with its key (PKCS#8, traditional RSA) matches the key by public-key hash', () => {
    f.openssl('pkey', '-in', 'rsa.key', '-traditional', '-out', 'rsa-traditional.key');
    assert.match(f.read('rsa-traditional.key').toString(), /BEGIN RSA PRIVATE KEY/);
    const text = Buffer.concat([
      f.read('leaf.pem'),
      f.read('leaf.key'),
      f.read('rsa.pem'),
      f.read('rsa-traditional.key'),
    ]);
    const result = readContainer(text, { passwords: [] });
    assert.deepEqual(fingerprints(result), [leaf.fingerprintSha256, rsa.fingerprintSha256]);
    assert.deepEqual(
      result.keys.map((k) => k.publicKeySha256),
      [leaf.publicKeySha256, rsa.publicKeySha256],
    );
  });

  test('openssl pkey -topk8 -v2 aes256: opened with the password, reported without it', () => {
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
      'leaf-enc.key',
    );
    assert.match(f.read('leaf-enc.key').toString(), /BEGIN ENCRYPTED PRIVATE KEY/);
    const text = Buffer.concat([f.read('leaf.pem'), f.read('leaf-enc.key')]);
    const opened = readContainer(text, { passwords: ['nope', PASSWORD] });
    assert.deepEqual(opened.keys, [{ publicKeySha256: leaf.publicKeySha256 }]);
    assert.deepEqual(opened.problems, []);
    const locked = readContainer(text, { passwords: ['nope'] });
    assert.deepEqual(fingerprints(locked), [leaf.fingerprintSha256]);
    assert.deepEqual(codes(locked), ['CUSTOS_KEY_ENCRYPTED']);
  });

  test('openssl x509 -addtrust writes a TRUSTED CERTIFICATE', () => {
    f.openssl('x509', '-in', 'ca.pem', '-addtrust', 'serverAuth', '-out', 'trusted.pem');
    assert.match(f.read('trusted.pem').toString(), /BEGIN TRUSTED CERTIFICATE/);
    const result = readContainer(f.read('trusted.pem'), { passwords: [] });
    assert.deepEqual(fingerprints(result), [ca.fingerprintSha256]);
  });

  test('DER, and DER cut short', () => {
    f.openssl('x509', '-in', 'rsa.pem', '-outform', 'DER', '-out', 'rsa.der');
    const der = f.read('rsa.der');
    const result = readContainer(der, { passwords: [] });
    assert.equal(result.format, 'der');
    assert.deepEqual(fingerprints(result), [rsa.fingerprintSha256]);
    const cut = readContainer(der.subarray(0, der.length - 100), { passwords: [] });
    assert.deepEqual(codes(cut), ['CUSTOS_FILE_TRUNCATED']);
  });

  test('a PEM cut inside its base64 is truncated', () => {
    const pem = f.read('leaf.pem');
    const result = readContainer(pem.subarray(0, pem.length / 2), { passwords: [] });
    assert.equal(result.format, 'pem');
    assert.deepEqual(codes(result), ['CUSTOS_FILE_TRUNCATED']);
  });
});

describe('PKCS#7 from openssl crl2pkcs7', () => {
  test('PEM (.p7b) and DER (.p7c) certs-only bundles', () => {
    for (const outform of ['PEM', 'DER']) {
      const file = `bundle-${outform}.p7b`;
      f.openssl(
        'crl2pkcs7',
        '-nocrl',
        '-certfile',
        'leaf.pem',
        '-certfile',
        'ca.pem',
        '-outform',
        outform,
        '-out',
        file,
      );
      const result = readContainer(f.read(file), { passwords: [] });
      assert.equal(result.format, 'pkcs7', outform);
      assert.deepEqual(fingerprints(result), [leaf.fingerprintSha256, ca.fingerprintSha256], outform);
      assert.deepEqual(result.problems, [], outform);
    }
  });

  test('a truncated DER PKCS#7 is CUSTOS_FILE_TRUNCATED', () => {
    const bytes = f.read('bundle-DER.p7b');
    const result = readContainer(bytes.subarray(0, bytes.length - 300), { passwords: [] });
    assert.equal(result.format, 'pkcs7');
    assert.deepEqual(codes(result), ['CUSTOS_FILE_TRUNCATED']);
  });
});

describe('PKCS#12 from openssl pkcs12 -export', () => {
  const exportP12 = (file: string, password: string, ...extra: string[]): Buffer => {
    f.openssl(
      'pkcs12',
      '-export',
      '-in',
      'leaf.pem',
      '-inkey',
      'leaf.key',
      '-certfile',
      'ca.pem',
      '-name',
      'web',
      '-passout',
      `pass:${password}`,
      '-out',
      file,
      ...extra,
    );
    return f.read(file);
  };
  const assertOpened = (result: ReadContainerResult, label: string): void => {
    assert.equal(result.format, 'pkcs12', label);
    assert.deepEqual(
      new Set(fingerprints(result)),
      new Set([leaf.fingerprintSha256, ca.fingerprintSha256]),
      label,
    );
    assert.deepEqual(result.keys, [{ publicKeySha256: leaf.publicKeySha256, alias: 'web' }], label);
    const named = result.certificates.find((c) => c.alias === 'web');
    assert.equal(
      named && createHash('sha256').update(named.der).digest('hex'),
      leaf.fingerprintSha256,
      label,
    );
    assert.deepEqual(result.problems, [], label);
  };

  test('OpenSSL 3 default (PBES2, AES-256-CBC, HMAC-SHA256 MAC) with a password', () => {
    const bytes = exportP12('modern.p12', PASSWORD);
    assertOpened(readContainer(bytes, { passwords: ['other', PASSWORD] }), 'modern');
  });

  test('-legacy (3DES keys, RC2-40 certificates)', () => {
    const bytes = exportP12('legacy.p12', PASSWORD, '-legacy');
    assertOpened(readContainer(bytes, { passwords: [PASSWORD] }), 'legacy');
  });

  test('an empty password (-passout pass:) opens without any --password', () => {
    assertOpened(readContainer(exportP12('empty.p12', ''), { passwords: [] }), 'empty modern');
    assertOpened(
      readContainer(exportP12('empty-legacy.p12', '', '-legacy'), { passwords: [] }),
      'empty legacy',
    );
  });

  test('-nomac: the password is found by trial decryption', () => {
    assertOpened(
      readContainer(exportP12('nomac.p12', PASSWORD, '-nomac'), { passwords: ['x', PASSWORD] }),
      'nomac',
    );
  });

  test('an unknown password is CUSTOS_PKCS12_PASSWORD_UNKNOWN, and clear certificates are still read', () => {
    const result = readContainer(exportP12('locked.p12', 'not-given'), { passwords: ['wrong'] });
    assert.equal(result.format, 'pkcs12');
    assert.deepEqual(codes(result), ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']);
    assert.deepEqual(result.keys, []);
    const clear = readContainer(exportP12('clear-certs.p12', 'not-given', '-certpbe', 'NONE'), {
      passwords: [],
    });
    assert.deepEqual(codes(clear), ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']);
    assert.deepEqual(new Set(fingerprints(clear)), new Set([leaf.fingerprintSha256, ca.fingerprintSha256]));
  });

  test('a truncated PKCS#12 is CUSTOS_FILE_TRUNCATED', () => {
    const bytes = f.read('modern.p12');
    const result = readContainer(bytes.subarray(0, bytes.length - 40), { passwords: [PASSWORD] });
    assert.equal(result.format, 'pkcs12');
    assert.deepEqual(codes(result), ['CUSTOS_FILE_TRUNCATED']);
  });
});

describe('keystores from keytool', { skip: hasKeytool() ? false : 'keytool is not installed' }, () => {
  // One JKS made by keytool; the other stores are keytool -importkeystore conversions of it (a JVM start is
  // the slow part), so they hold the same certificates, which keytool -list -rfc tells once.
  const STOREPASS = 'store-pass-1';
  let server: ToolCertificate;
  before(() => {
    const store = ['-keystore', 'store.jks', '-storetype', 'JKS', '-storepass', STOREPASS];
    f.keytool(
      '-genkeypair',
      '-alias',
      'server',
      '-keyalg',
      'EC',
      '-groupname',
      'secp256r1',
      '-dname',
      'CN=server.example',
      '-validity',
      '30',
      '-keypass',
      STOREPASS,
      ...store,
    );
    f.keytool('-importcert', '-noprompt', '-alias', 'trusted-ca', '-file', 'ca.pem', ...store);
    server = f.keystoreCertificates('store.jks', 'JKS', STOREPASS).get('server')![0]!;
  });
  // Without -destkeypass (which makes keytool refuse trusted entries) a JKS/JCEKS key keeps its own password.
  const convert = (file: string, storetype: string, storepass: string, ...jvm: string[]): Buffer => {
    f.keytool(
      ...jvm,
      '-importkeystore',
      '-noprompt',
      '-srckeystore',
      'store.jks',
      '-srcstoretype',
      'JKS',
      '-srcstorepass',
      STOREPASS,
      '-destkeystore',
      file,
      '-deststoretype',
      storetype,
      '-deststorepass',
      storepass,
    );
    return f.read(file);
  };
  const assertStore = (result: ReadContainerResult, withKey: boolean): void => {
    const byAlias = result.certificates.map((c) => [
      c.alias,
      createHash('sha256').update(c.der).digest('hex'),
    ]);
    assert.deepEqual(
      byAlias.sort(),
      [
        ['server', server.fingerprintSha256],
        ['trusted-ca', ca.fingerprintSha256],
      ].sort(),
    );
    assert.deepEqual(
      result.keys,
      withKey ? [{ publicKeySha256: server.publicKeySha256, alias: 'server' }] : [],
    );
  };

  test('JKS: trusted and private-key entries, the key verified with the store password', () => {
    const opened = readContainer(f.read('store.jks'), { passwords: [STOREPASS] });
    assert.equal(opened.format, 'jks');
    assertStore(opened, true);
    assert.deepEqual(opened.problems, []);
    const locked = readContainer(f.read('store.jks'), { passwords: [] });
    assertStore(locked, false);
    assert.deepEqual(codes(locked), ['CUSTOS_KEY_ENCRYPTED']);
  });

  test('JKS with the default password "changeit" reads without --password; its key has its own password', () => {
    const bytes = convert('default.jks', 'JKS', 'changeit');
    const bare = readContainer(bytes, { passwords: [] });
    assertStore(bare, false);
    assert.deepEqual(codes(bare), ['CUSTOS_KEY_ENCRYPTED']);
    const withKeyPassword = readContainer(bytes, { passwords: [STOREPASS] });
    assertStore(withKeyPassword, true);
    assert.deepEqual(withKeyPassword.problems, []);
  });

  test('JCEKS: certificates of both entry kinds', () => {
    const result = readContainer(convert('store.jceks', 'JCEKS', STOREPASS), { passwords: [STOREPASS] });
    assert.equal(result.format, 'jks');
    assertStore(result, false);
    assert.deepEqual(result.problems, []);
  });

  test('PKCS12 keystores, current (PBES2 AES) and legacy (-J-Dkeystore.pkcs12.legacy: 3DES/RC2)', () => {
    const current = convert('store.p12', 'PKCS12', STOREPASS);
    const legacy = convert('legacy-store.p12', 'PKCS12', STOREPASS, '-J-Dkeystore.pkcs12.legacy');
    for (const bytes of [current, legacy]) {
      const result = readContainer(bytes, { passwords: [STOREPASS] });
      assert.equal(result.format, 'pkcs12');
      assertStore(result, true);
      assert.deepEqual(result.problems, []);
    }
    assert.deepEqual(codes(readContainer(current, { passwords: [] })), ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']);
  });
});

describe('files that are no container', () => {
  test('empty, a README, junk bytes', () => {
    assert.deepEqual(codes(readContainer(f.read('leaf.pem').subarray(0, 0), { passwords: [] })), [
      'CUSTOS_FILE_EMPTY',
    ]);
    const readme = Buffer.from('# Custos\n\nRun `custos scan files /etc/ssl` to list certificates.\n');
    const junk = execBytes();
    for (const bytes of [readme, junk]) {
      const result = readContainer(bytes, { passwords: [] });
      assert.equal(result.format, null);
      assert.deepEqual(result.problems, []);
    }
  });
});

/** Random bytes as openssl makes them (not starting with a SEQUENCE tag, which would make them "meant as DER"). */
function execBytes(): Buffer {
  const bytes = Buffer.from(f.openssl('rand', '-hex', '512').trim(), 'hex');
  bytes[0] = 0x7f;
  return bytes;
}
