/**
 * The PKCS#12 writer against OpenSSL and the reader: a file with a certificate chain and a key under the empty
 * password or a password opens in `openssl pkcs12` with the same certificates and key, and the reader finds them;
 * a wrong password is told by the MAC.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readContainer } from '../../src/pki/formats/read-container.js';
import { writePkcs12 } from '../../src/pki/formats/pkcs12-writer.js';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { aSigner } from '../support/signers.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-p12-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

describe('writePkcs12', () => {
  for (const password of ['', 'changeit']) {
    test(`a chain and its key under ${password === '' ? 'the empty password' : 'a password'}`, async () => {
      const now = new Date();
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const pkcs8 = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
      const ca = await generateCertificate(
        {
          serialNumber: new Uint8Array([1]),
          subject: [[{ type: 'CN', value: 'P12 CA' }]],
          notBefore: now,
          notAfter: new Date(now.getTime() + 86_400_000),
          ca: {},
        },
        aSigner('P-256', 'p12-ca'),
      );
      const leaf = await generateCertificate(
        {
          serialNumber: new Uint8Array([2]),
          subject: [[{ type: 'CN', value: 'p12.example' }]],
          issuer: [[{ type: 'CN', value: 'P12 CA' }]],
          notBefore: now,
          notAfter: new Date(now.getTime() + 86_400_000),
          publicKeySpki: new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' })),
        },
        aSigner('P-256', 'p12-ca'),
      );
      const file = join(dir, `bundle-${password || 'empty'}.p12`);
      const bytes = writePkcs12({
        certificates: [leaf, ca],
        privateKey: pkcs8,
        password,
        salt: randomBytes(16),
      });
      writeFileSync(file, bytes);

      const pem = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nodes'], {
        encoding: 'utf8',
      });
      const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END/g)].map((m) =>
        sha256(Buffer.from(m[1] ?? '', 'base64')),
      );
      assert.deepEqual(blocks.sort(), [sha256(leaf), sha256(ca)].sort());
      assert.match(pem, /BEGIN PRIVATE KEY/);
      assert.throws(() =>
        execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:wrong', '-nodes'], {
          stdio: 'pipe',
        }),
      );

      const read = readContainer(bytes, { passwords: password === '' ? [] : [password] });
      assert.equal(read.format, 'pkcs12');
      assert.deepEqual(
        read.certificates.map((c) => sha256(c.der)),
        [sha256(leaf), sha256(ca)],
      );
      assert.equal(read.keys.length, 1);
      assert.deepEqual(read.problems, []);
    });
  }
});
