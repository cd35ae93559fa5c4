// PKCS#10 requests: what generateCsr writes, @peculiar/x509 and readCsr read back equal, with a signature that
// verifies; readCsr refuses malformed input with CUSTOS_DER_MALFORMED and flags a signature that does not
// verify. (openssl req -verify: test/pki/generate-openssl.test.ts.)
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { aSigner } from '../../../../test/support/signers.js';
import { generateCsr } from './csr.js';
import { readCsr } from './csr-reader.js';
import { encodeName } from './distinguished-name.js';

describe('generateCsr and readCsr', () => {
  for (const kind of ['P-256', 'RSA-2048', 'Ed25519'] as const) {
    it(`a ${kind} request with requested extensions reads back equal`, async () => {
      const signer = aSigner(kind, 'csr');
      const der = await generateCsr(
        {
          subject: [[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'api.example.com' }]],
          subjectAltNames: [{ dns: 'api.example.com' }, { ip: '2001:db8::1' }],
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: ['serverAuth'],
        },
        signer,
      );
      const request = new x509.Pkcs10CertificateRequest(der);
      assert.equal(request.subject, 'O=Example, CN=api.example.com');
      assert.ok(await request.verify());
      assert.deepEqual(
        (request.getExtension('2.5.29.17') as x509.SubjectAlternativeNameExtension | null)?.names.toJSON(),
        [
          { type: 'dns', value: 'api.example.com' },
          { type: 'ip', value: '2001:db8::1' },
        ],
      );

      const read = readCsr(der);
      assert.equal(read.signatureValid, true);
      assert.deepEqual(read.publicKeySpki, signer.publicKeySpki);
      assert.deepEqual(
        read.subject,
        encodeName([[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'api.example.com' }]]),
      );
      assert.deepEqual(
        read.requestedExtensions.map((e) => [e.oid, e.critical]),
        [
          ['2.5.29.17', false],
          ['2.5.29.15', true],
          ['2.5.29.37', false],
        ],
      );
      assert.deepEqual(
        read.requestedExtensions.map((e) => Buffer.from(e.value).toString('hex')),
        Array.from(request.extensions, (e) => Buffer.from(e.value).toString('hex')),
      );
    });
  }

  it('a request without extensions has no attributes; an empty subject is allowed', async () => {
    const der = await generateCsr({}, aSigner());
    const read = readCsr(der);
    assert.deepEqual(read.requestedExtensions, []);
    assert.deepEqual(read.subject, new Uint8Array([0x30, 0x00]));
    assert.equal(read.signatureValid, true);
  });

  it('a changed byte under the signature makes signatureValid false; malformed input is CUSTOS_DER_MALFORMED', async () => {
    const der = await generateCsr({ subject: [[{ type: 'CN', value: 'abc' }]] }, aSigner());
    const tampered = der.slice();
    tampered[Buffer.from(der).indexOf(Buffer.from('abc')) + 1] = 0x63; // 'abc' -> 'acc'
    assert.equal(readCsr(tampered).signatureValid, false);
    const malformed = { name: 'PkiFormatError', code: 'CUSTOS_DER_MALFORMED' };
    assert.throws(() => readCsr(new Uint8Array()), malformed);
    assert.throws(() => readCsr(new Uint8Array([...der, 0])), malformed, 'trailing bytes');
    assert.throws(() => readCsr(der.subarray(0, der.length - 3)), malformed, 'truncated');
    assert.throws(() => readCsr(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), malformed, 'not a request');
  });
});
