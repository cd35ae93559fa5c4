// What the generators write, judged by the real openssl: a chain verifies with -x509_strict, a CSR's
// self-signature verifies (and openssl's CSR reads back through readCsr), a CRL verifies and revokes, and
// `openssl ocsp -url` against a small responder on 127.0.0.1 (readOcspRequest -> generateOcspResponse) reports
// good, revoked with time and reason, and unknown, signed by the CA or by a delegated OCSP signer.
import 'reflect-metadata'; // before @peculiar/x509
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { generateCertificate } from '../../src/pki/x509/generate/certificate.js';
import { generateCrl } from '../../src/pki/x509/generate/crl.js';
import { generateCsr } from '../../src/pki/x509/generate/csr.js';
import { readCsr } from '../../src/pki/x509/generate/csr-reader.js';
import { encodeName } from '../../src/pki/x509/generate/distinguished-name.js';
import { issuerIdentity } from '../../src/pki/x509/generate/issuer-identity.js';
import { readOcspRequest } from '../../src/pki/x509/generate/ocsp-request.js';
import {
  generateOcspResponse,
  ocspErrorResponse,
  type CertStatusInput,
} from '../../src/pki/x509/generate/ocsp-response.js';
import type { Signer } from '../../src/pki/x509/generate/signer.js';
import { parseCertificate } from '../../src/pki/x509/lean-reader.js';
import { assertAgreesWithPeculiar, openssl } from '../support/certificate-oracles.js';
import { aSigner, privateKeyPem, toPem } from '../support/signers.js';

const run = promisify(execFile);
const HOUR = 3_600_000;

let dir: string;
const file = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content);
  return name;
};

/** A root (P-256) -> intermediate (RSA, pathlen 0, name constraints) -> leaves (Ed25519, P-384) chain. */
async function aChain(now: Date) {
  const rootSigner = aSigner('P-256', 'openssl-root');
  const root = await generateCertificate(
    {
      serialNumber: Buffer.from('5eed01', 'hex'),
      subject: [
        [{ type: 'C', value: 'DE' }],
        [{ type: 'O', value: 'Custos Test' }],
        [{ type: 'CN', value: 'Root' }],
      ],
      notBefore: new Date(now.getTime() - HOUR),
      notAfter: new Date('2060-01-01T00:00:00Z'),
      ca: {},
      certificatePolicies: [{ oid: '2.5.29.32.0' }],
    },
    rootSigner,
  );
  const interSigner = aSigner('RSA-2048', 'openssl-intermediate');
  const intermediate = await generateCertificate(
    {
      serialNumber: Buffer.from('5eed02', 'hex'),
      subject: [[{ type: 'O', value: 'Custos Test' }], [{ type: 'CN', value: 'Issuing CA' }]],
      issuer: issuerIdentity(root).subject,
      notBefore: new Date(now.getTime() - HOUR),
      notAfter: new Date(now.getTime() + 3650 * 24 * HOUR),
      publicKeySpki: interSigner.publicKeySpki,
      ca: { pathLength: 0 },
      nameConstraints: { permitted: [{ dns: 'example.com' }, { ip: '10.0.0.0/8' }] },
      authorityKeyIdentifier: issuerIdentity(root).subjectKeyIdentifier,
    },
    rootSigner,
  );
  const ca = issuerIdentity(intermediate);
  const leaf = async (serial: string, signer: Signer, names: string[]) =>
    generateCertificate(
      {
        serialNumber: Buffer.from(serial, 'hex'),
        subject: [[{ type: 'CN', value: names[0]! }]],
        issuer: ca.subject,
        notBefore: new Date(now.getTime() - HOUR),
        notAfter: new Date(now.getTime() + 90 * 24 * HOUR),
        publicKeySpki: signer.publicKeySpki,
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['serverAuth', 'clientAuth'],
        subjectAltNames: [...names.map((dns) => ({ dns })), { ip: '10.9.8.7' }],
        authorityKeyIdentifier: ca.subjectKeyIdentifier,
        authorityInfoAccess: { ocsp: ['http://127.0.0.1/ocsp'], caIssuers: ['http://127.0.0.1/ca.crt'] },
        crlDistributionPoints: ['http://127.0.0.1/ca.crl'],
      },
      interSigner,
    );
  return {
    root,
    intermediate,
    interSigner,
    good: await leaf('0a01', aSigner('Ed25519', 'openssl-leaf'), ['api.example.com', 'www.example.com']),
    revoked: await leaf('0a02', aSigner('P-384', 'openssl-leaf'), ['old.example.com']),
  };
}

describe('generated PKI objects under openssl', () => {
  const now = new Date();
  let chain: Awaited<ReturnType<typeof aChain>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custos-generate-'));
    chain = await aChain(now);
    file('root.pem', toPem('CERTIFICATE', chain.root));
    file('intermediate.pem', toPem('CERTIFICATE', chain.intermediate));
    file('good.pem', toPem('CERTIFICATE', chain.good));
    file('revoked.pem', toPem('CERTIFICATE', chain.revoked));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('openssl verify -x509_strict accepts the chain; the lean reader and @peculiar/x509 agree on each', () => {
    for (const leaf of ['good.pem', 'revoked.pem']) {
      const out = openssl(
        dir,
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-CAfile',
        'root.pem',
        '-untrusted',
        'intermediate.pem',
        leaf,
      );
      assert.equal(out.trim(), `${leaf}: OK`);
    }
    for (const der of [chain.root, chain.intermediate, chain.good, chain.revoked])
      assertAgreesWithPeculiar(parseCertificate(der));
  });

  it('openssl req -verify accepts a generated CSR; readCsr reads one openssl made', async () => {
    const csr = await generateCsr(
      {
        subject: [[{ type: 'CN', value: 'device-17' }]],
        subjectAltNames: [{ uri: 'spiffe://example.com/device/17' }],
        extendedKeyUsage: ['clientAuth'],
      },
      aSigner('P-256', 'openssl-csr'),
    );
    file('generated.csr', toPem('CERTIFICATE REQUEST', csr));
    const checked = await run('openssl', ['req', '-verify', '-noout', '-text', '-in', 'generated.csr'], {
      cwd: dir,
    });
    assert.match(checked.stderr + checked.stdout, /verify OK/i);
    assert.match(checked.stdout, /URI:spiffe:\/\/example\.com\/device\/17/);

    file('key.pem', privateKeyPem('RSA-2048', 'openssl-csr'));
    openssl(
      dir,
      'req',
      '-new',
      '-key',
      'key.pem',
      '-subj',
      '/O=Example/CN=made by openssl',
      '-addext',
      'subjectAltName=DNS:a.example.com',
      '-outform',
      'DER',
      '-out',
      'openssl.csr',
    );
    const read = readCsr(readFileSync(join(dir, 'openssl.csr')));
    assert.equal(read.signatureValid, true);
    assert.deepEqual(
      new Uint8Array(read.subject),
      encodeName([[{ type: 'O', value: 'Example' }], [{ type: 'CN', value: 'made by openssl' }]]),
    );
    assert.deepEqual(
      read.requestedExtensions.map((e) => e.oid),
      ['2.5.29.17'],
    );
  });

  it('openssl crl -verify accepts the CRL and openssl verify -crl_check rejects the revoked leaf only', async () => {
    const crl = await generateCrl(
      {
        issuer: issuerIdentity(chain.intermediate).subject,
        crlNumber: 3,
        thisUpdate: new Date(now.getTime() - 60_000),
        nextUpdate: new Date(now.getTime() + 24 * HOUR),
        revoked: [
          {
            serialNumber: Buffer.from('0a02', 'hex'),
            revocationDate: new Date(now.getTime() - 30_000),
            reason: 'keyCompromise',
          },
        ],
      },
      chain.interSigner,
    );
    file('ca.crl', toPem('X509 CRL', crl));
    const text = await run(
      'openssl',
      ['crl', '-in', 'ca.crl', '-CAfile', 'intermediate.pem', '-verify', '-noout', '-text'],
      { cwd: dir },
    );
    assert.match(text.stderr + text.stdout, /verify OK/);
    assert.match(text.stdout, /CRL Number: \n\s+3/);
    assert.match(text.stdout, /Serial Number: 0A02[\s\S]*Key Compromise/);
    const args = (leaf: string) => [
      'verify',
      '-crl_check',
      '-CRLfile',
      'ca.crl',
      '-CAfile',
      'root.pem',
      '-untrusted',
      'intermediate.pem',
      leaf,
    ];
    assert.equal(openssl(dir, ...args('good.pem')).trim(), 'good.pem: OK');
    await assert.rejects(
      run('openssl', args('revoked.pem'), { cwd: dir }),
      (error: { stdout: string; stderr: string }) => /certificate revoked/.test(error.stdout + error.stderr),
    );
  });

  describe('openssl ocsp against a responder on 127.0.0.1', () => {
    let server: Server;
    let url: string;
    let responder: { signer: Signer; certificates: Uint8Array[] };
    const statuses = new Map<string, CertStatusInput>();

    before(async () => {
      statuses.set('0a01', { status: 'good' });
      statuses.set('0a02', {
        status: 'revoked',
        revocationTime: new Date('2026-06-01T12:00:00Z'),
        reason: 'keyCompromise',
      });
      responder = { signer: chain.interSigner, certificates: [] };
      server = createServer((request, response) => {
        const body: Buffer[] = [];
        request.on('data', (chunk: Buffer) => body.push(chunk));
        request.on('end', () => {
          void (async () => {
            let answer: Uint8Array;
            try {
              const asked = readOcspRequest(Buffer.concat(body));
              answer = await generateOcspResponse(
                {
                  producedAt: new Date(),
                  responses: asked.certIds.map((certId) => ({
                    certId,
                    certStatus: statuses.get(Buffer.from(certId.serialNumber).toString('hex')) ?? {
                      status: 'unknown',
                    },
                    thisUpdate: new Date(Date.now() - 60_000),
                    nextUpdate: new Date(Date.now() + HOUR),
                  })),
                  extensions: asked.nonce ? [asked.nonce] : [],
                  certificates: responder.certificates,
                },
                responder.signer,
              );
            } catch {
              answer = ocspErrorResponse('malformedRequest');
            }
            response.writeHead(200, { 'content-type': 'application/ocsp-response' });
            response.end(answer);
          })();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const ask = async (leaf: string, ...extra: string[]) => {
      const out = await run(
        'openssl',
        [
          'ocsp',
          '-issuer',
          'intermediate.pem',
          '-cert',
          leaf,
          '-url',
          url,
          '-CAfile',
          'root.pem',
          '-verify_other',
          'intermediate.pem',
          ...extra,
        ],
        { cwd: dir },
      );
      return out.stdout + out.stderr;
    };

    it('good, revoked with time and reason, unknown; signed by the CA, nonce checked', async () => {
      const good = await ask('good.pem');
      assert.match(good, /Response verify OK/);
      assert.match(good, /good\.pem: good/);
      assert.doesNotMatch(good, /WARNING: no nonce/);
      const revoked = await ask('revoked.pem');
      assert.match(revoked, /revoked\.pem: revoked/);
      assert.match(revoked, /Reason: keyCompromise/);
      assert.match(revoked, /Revocation Time: Jun {2}1 12:00:00 2026 GMT/);
      statuses.delete('0a01');
      assert.match(await ask('good.pem'), /good\.pem: unknown/);
      statuses.set('0a01', { status: 'good' });
    });

    it('a delegated OCSP signer (id-kp-OCSPSigning, issued by the CA) is accepted with its certificate sent along', async () => {
      const delegate = aSigner('P-256', 'openssl-ocsp-delegate');
      const ca = issuerIdentity(chain.intermediate);
      const certificate = await generateCertificate(
        {
          serialNumber: Buffer.from('0cc5', 'hex'),
          subject: [[{ type: 'CN', value: 'Issuing CA OCSP Responder' }]],
          issuer: ca.subject,
          notBefore: new Date(now.getTime() - HOUR),
          notAfter: new Date(now.getTime() + 30 * 24 * HOUR),
          publicKeySpki: delegate.publicKeySpki,
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: ['OCSPSigning'],
          authorityKeyIdentifier: ca.subjectKeyIdentifier,
          extensions: [{ oid: '1.3.6.1.5.5.7.48.1.5', critical: false, value: new Uint8Array([0x05, 0x00]) }], // id-pkix-ocsp-nocheck
        },
        chain.interSigner,
      );
      responder = { signer: delegate, certificates: [certificate] };
      try {
        const revoked = await ask('revoked.pem');
        assert.match(revoked, /Response verify OK/);
        assert.match(revoked, /revoked\.pem: revoked/);
      } finally {
        responder = { signer: chain.interSigner, certificates: [] };
      }
    });
  });
});
