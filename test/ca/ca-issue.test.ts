/**
 * `custos cert issue|revoke` and `custos ca crl` on the real CLI, checked with openssl: certificates that
 * `openssl verify` accepts with the chain for EC, RSA and Ed25519 CAs; a CSR with a broken signature refused; the
 * inventory entry linked to its identity and owner; revocation that the CRL carries and `openssl verify -crl_check`
 * enforces.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { aCustos, type Custos } from '../support/cli.js';

const exec = promisify(execFile);

/** openssl's output and exit code (never rejects: a refusal is what some tests expect). */
async function openssl(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec('openssl', args);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

interface Issued {
  fingerprintSha256: string;
  serialNumber: string;
  notAfter: string;
  files: { cert: string; chain: string; fullchain: string; key?: string };
}

describe('custos cert issue, cert revoke and ca crl', () => {
  let dir: string;
  let custos: Custos;
  const roots = new Map<string, string>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-issue-'));
    custos = await aCustos();
    for (const [name, keyType] of [
      ['default', 'ec-p256'],
      ['rsa', 'rsa-2048'],
      ['ed', 'ed25519'],
    ] as const) {
      const init = await custos.run('ca', 'init', '--name', name, '--key-type', keyType);
      assert.equal(init.code, 0, init.stderr);
      const bundle = (await custos.run('ca', 'bundle', '--ca', name)).stdout;
      const root = join(dir, `${name}-root.pem`);
      await writeFile(root, bundle.slice(bundle.indexOf('-----BEGIN', 10)));
      roots.set(name, root);
    }
  });
  after(async () => {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const issue = async (...args: string[]): Promise<Issued> => {
    const result = await custos.run('cert', 'issue', ...args, '--json');
    assert.equal(result.code, 0, result.stderr);
    return result.json<Issued>();
  };

  for (const ca of ['default', 'rsa', 'ed']) {
    it(`a ${ca} CA issues for a generated key what openssl verify accepts with the chain`, async () => {
      const out = join(dir, `out-${ca}`);
      const issued = await issue(
        '--generate-key',
        'ec-p256',
        '--dns',
        `svc-${ca}.corp.example`,
        '--ca',
        ca,
        '--out-dir',
        out,
      );
      const verified = await openssl(
        'verify',
        '-x509_strict',
        '-CAfile',
        roots.get(ca)!,
        '-untrusted',
        issued.files.chain,
        issued.files.cert,
      );
      assert.equal(verified.code, 0, verified.output);
      assert.equal((await stat(issued.files.key!)).mode & 0o777, 0o600);
      // The key written is the certificate's key.
      const modulusOf = async (args: string[]) => (await openssl(...args)).output;
      assert.equal(
        await modulusOf(['pkey', '-in', issued.files.key!, '-pubout']),
        await modulusOf(['x509', '-in', issued.files.cert, '-noout', '-pubkey']),
      );
      const fullchain = await readFile(issued.files.fullchain, 'utf8');
      assert.equal(fullchain.match(/BEGIN CERTIFICATE/g)?.length, 2, 'leaf and intermediate, no root');
      const text = (await openssl('x509', '-in', issued.files.cert, '-noout', '-text')).output;
      assert.match(text, new RegExp(`CA Issuers - URI:http://127.0.0.1:8700/ca/${ca}.crt`));
      assert.match(text, /OCSP - URI:http:\/\/127.0.0.1:8700\/ocsp/);
      assert.match(text, new RegExp(`URI:http://127.0.0.1:8700/crl/${ca}.crl`));
      assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    });
  }

  it('issues for an openssl CSR with its names, RSA with keyEncipherment, within the TTL', async () => {
    const csr = join(dir, 'rsa.csr');
    await openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'rsa.key'),
      '-out',
      csr,
      '-subj',
      '/CN=api.corp.example',
      '-addext',
      'subjectAltName=DNS:api.corp.example,IP:10.0.0.7',
    );
    const issued = await issue('--csr', csr, '--ttl', '2h', '--out-dir', join(dir, 'out-csr'));
    assert.equal(
      (
        await openssl(
          'verify',
          '-CAfile',
          roots.get('default')!,
          '-untrusted',
          issued.files.chain,
          issued.files.cert,
        )
      ).code,
      0,
    );
    assert.equal(issued.files.key, undefined);
    const text = (
      await openssl('x509', '-in', issued.files.cert, '-noout', '-ext', 'subjectAltName,keyUsage')
    ).output;
    assert.match(text, /DNS:api.corp.example, IP Address:10.0.0.7/);
    assert.match(text, /Digital Signature, Key Encipherment/);
    const lifetime = Date.parse(issued.notAfter) - Date.now();
    assert.ok(lifetime > 1.9 * 3_600_000 && lifetime <= 2 * 3_600_000, `about 2h: ${lifetime}`);
  });

  it('refuses a CSR whose signature does not verify (CUSTOS_CSR_SIGNATURE_INVALID) and stores nothing', async () => {
    const good = join(dir, 'good.csr.der');
    await openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'bad.key'),
      '-outform',
      'DER',
      '-out',
      good,
      '-subj',
      '/CN=bad.corp.example',
    );
    const der = await readFile(good);
    // The signature BIT STRING ends the request: change its last octet (the DER stays well formed).
    der[der.length - 1] ^= 0x01;
    const bad = join(dir, 'bad.csr.der');
    await writeFile(bad, der);
    const before = (await custos.run('inventory', 'list', '--json')).json<unknown[]>().length;
    const refused = await custos.run('cert', 'issue', '--csr', bad, '--out-dir', join(dir, 'out-bad'));
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^custos: CUSTOS_CSR_SIGNATURE_INVALID: /);
    await assert.rejects(stat(join(dir, 'out-bad', 'cert.pem')));
    assert.equal((await custos.run('inventory', 'list', '--json')).json<unknown[]>().length, before);
    const garbage = join(dir, 'garbage.csr');
    await writeFile(garbage, 'not a request');
    const malformed = await custos.run('cert', 'issue', '--csr', garbage);
    assert.equal(malformed.code, 2, malformed.stderr);
  });

  it('bad input: no key source, an unknown CA, nothing to certify', async () => {
    const both = await custos.run('cert', 'issue', '--dns', 'a.example');
    assert.match(both.stderr, /CUSTOS_INVALID_ARGUMENT/);
    const unknown = await custos.run(
      'cert',
      'issue',
      '--generate-key',
      'ec-p256',
      '--dns',
      'a.example',
      '--ca',
      'nope',
    );
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /CUSTOS_CA_NOT_FOUND/);
    const nothing = await custos.run(
      'cert',
      'issue',
      '--generate-key',
      'ec-p256',
      '--out-dir',
      join(dir, 'x'),
    );
    assert.match(nothing.stderr, /CUSTOS_ISSUANCE_REQUEST_INVALID/);
  });

  it('enters the inventory at an issued location, linked to its identity and so to its owner', async () => {
    const manifest = join(dir, 'governance.yaml');
    await writeFile(
      manifest,
      [
        'apiVersion: custos/v1',
        'kind: Owner',
        'metadata: { name: payments }',
        'spec: { contacts: { email: [payments@corp.example] } }',
        '---',
        'apiVersion: custos/v1',
        'kind: Identity',
        'metadata: { name: payments-api }',
        'spec: { kind: service, owner: payments }',
        '',
      ].join('\n'),
    );
    const applied = await custos.run('apply', '-f', manifest);
    assert.equal(applied.code, 0, applied.stderr);
    const issued = await issue(
      '--generate-key',
      'ed25519',
      '--cn',
      'pay.corp.example',
      '--identity',
      'payments-api',
      '--out-dir',
      join(dir, 'out-pay'),
    );
    const listed = await custos.run('inventory', 'show', issued.fingerprintSha256, '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const view = listed.json<{
      owner: string;
      identity: string;
      locations: { kind: string; authority: string; identity: string }[];
    }>();
    assert.equal(view.identity, 'payments-api');
    assert.equal(view.owner, 'payments');
    assert.deepEqual(
      view.locations.map((l) => [l.kind, l.authority, l.identity]),
      [['issued', 'default', 'payments-api']],
    );
    const audit = (await custos.run('audit', 'export')).stdout;
    assert.match(audit, /"type":"certificate\.issued"/);
    assert.match(audit, /"provisioner":\{"kind":"cli","name":"cli"\}/);
    const state = await custos.run('audit', 'verify', '--state');
    assert.equal(state.code, 0, state.stderr);
  });

  it('revokes: the CRL carries it, openssl accepts the CRL and rejects the revoked certificate; again is a no-op', async () => {
    const revokedCert = await issue(
      '--generate-key',
      'ec-p256',
      '--dns',
      'gone.corp.example',
      '--out-dir',
      join(dir, 'out-gone'),
    );
    const keptCert = await issue(
      '--generate-key',
      'ec-p256',
      '--dns',
      'kept.corp.example',
      '--out-dir',
      join(dir, 'out-kept'),
    );
    const revoke = await custos.run(
      'cert',
      'revoke',
      revokedCert.serialNumber,
      '--reason',
      'keyCompromise',
      '--json',
    );
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.deepEqual(
      (({ revoked, reason, crlNumber }) => ({ revoked, reason, crlNumber }))(
        revoke.json<{ revoked: boolean; reason: string; crlNumber: number }>(),
      ),
      { revoked: true, reason: 'keyCompromise', crlNumber: 1 },
    );
    const again = await custos.run('cert', 'revoke', revokedCert.fingerprintSha256, '--reason', 'superseded');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already revoked \(keyCompromise/);

    const crlFile = join(custos.dataDir!, 'crl', 'default.crl');
    const issuing = join(dir, 'default-issuing.pem');
    await writeFile(issuing, await readFile(revokedCert.files.chain));
    const checked = await openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      crlFile,
      '-CAfile',
      issuing,
      '-noout',
      '-verify',
      '-text',
    );
    assert.equal(checked.code, 0, checked.output);
    assert.match(checked.output, /verify OK/);
    assert.match(checked.output, new RegExp(`Serial Number: ${revokedCert.serialNumber.toUpperCase()}`));
    assert.match(checked.output, /Key Compromise/);
    const crlPem = join(dir, 'crl.pem');
    await openssl('crl', '-inform', 'DER', '-in', crlFile, '-out', crlPem);
    const root = roots.get('default')!;
    const rejected = await openssl(
      'verify',
      '-crl_check',
      '-CRLfile',
      crlPem,
      '-CAfile',
      root,
      '-untrusted',
      revokedCert.files.chain,
      revokedCert.files.cert,
    );
    assert.notEqual(rejected.code, 0);
    assert.match(rejected.output, /certificate revoked/);
    const accepted = await openssl(
      'verify',
      '-crl_check',
      '-CRLfile',
      crlPem,
      '-CAfile',
      root,
      '-untrusted',
      keptCert.files.chain,
      keptCert.files.cert,
    );
    assert.equal(accepted.code, 0, accepted.output);

    const next = await custos.run('ca', 'crl', '--json');
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.json<{ crlNumber: number }>().crlNumber, 2);
    const pem = await custos.run('ca', 'crl', 'rsa');
    assert.match(pem.stdout, /^-----BEGIN X509 CRL-----/);
    const unknown = await custos.run('cert', 'revoke', 'abcdef', '--reason', 'superseded');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /CUSTOS_ISSUED_NOT_FOUND/);
  });
});
