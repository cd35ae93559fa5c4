/**
 * `custos metrics` reads the same estate from PostgreSQL as from SQLite: one tree of files (a certificate, an
 * expired one, a Kubernetes Secret manifest, a broken file) and one node:tls server on 127.0.0.1, scanned by the real
 * CLI into each store, give the same exposition line for line. metrics.test.ts checks what the exposition says (on
 * SQLite); this checks that the store it is read from changes none of it. Runs when CUSTOS_TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  aCertificate,
  aChain,
  expiringIn,
  withDnsNames,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';
import { tlsServer, type Running } from '../scan-tls/servers.js';

/** What says when the exposition was made (custos_metrics_*), not what the estate holds. */
const aboutTheExposition = /^custos_metrics_/;

describe('custos metrics on SQLite and PostgreSQL', () => {
  const unavailable = DIALECTS.find((d) => d.unavailable !== null)?.unavailable;
  if (DIALECTS.length < 2 || unavailable) {
    it('runs when both databases are available', (t) =>
      t.skip(unavailable ?? 'CUSTOS_TEST_DIALECTS names one dialect'));
    return;
  }
  let dir: string;
  let server: Running;
  let web: BuiltCertificate;
  let root: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-metrics-dialects-'));
    web = await aCertificate(withSubject('CN=web.corp.example, O=Corp'), withDnsNames('web.corp.example'));
    const old = await aCertificate(withSubject('CN=old\\, legacy'), expiringIn(-2));
    await mkdir(join(dir, 'tree', 'k8s'), { recursive: true });
    await writeFile(join(dir, 'tree', 'web.pem'), web.pem);
    await writeFile(join(dir, 'tree', 'old.pem'), old.pem);
    await writeFile(
      join(dir, 'tree', 'k8s', 'secret.yaml'),
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: web-tls, namespace: shop}',
        'type: kubernetes.io/tls',
        'data:',
        `  tls.crt: ${Buffer.from(web.pem).toString('base64')}`,
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'tree', 'broken.crt'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n');
    const chain = await aChain(withSubject('CN=api.corp.test'), withDnsNames('api.corp.test'));
    root = join(dir, 'root.pem');
    await writeFile(root, chain.root.pem);
    server = await tlsServer({ key: chain.leaf, chain: [chain.leaf, chain.intermediate] });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the same files and endpoint give the same exposition', async () => {
    const expositions: string[][] = [];
    for (const dialect of DIALECTS) {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      try {
        const files = await custos.run('scan', 'files', join(dir, 'tree'));
        assert.equal(files.code, 0, files.stderr);
        const tls = await custos.run(
          'scan',
          'tls',
          `127.0.0.1:${server.port}`,
          '--sni',
          'api.corp.test',
          '--trust',
          root,
        );
        assert.equal(tls.code, 0, tls.stderr);
        const metrics = await custos.run('metrics');
        assert.equal(metrics.code, 0, metrics.stderr);
        expositions.push(metrics.stdout.split('\n').filter((line) => !aboutTheExposition.test(line)));
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    }
    const [sqlite, postgres] = expositions;
    assert.ok(
      sqlite?.some((line) => line.includes(join(dir, 'tree', 'web.pem'))),
      `the exposition names the scanned files:\n${sqlite?.join('\n')}`,
    );
    assert.deepEqual(postgres, sqlite);
  });
});
