/**
 * The closed loop's findings through the real CLI and the built-in CA: a second endpoint never given the new
 * revision makes `stale-deployment` on the current revision, and once renewed, the endpoint still serving the
 * superseded revision after `supersededGracePeriod` makes `superseded-still-served` on it, naming the location.
 * Both reach the owner through `custos notify run` (a real local webhook receiver), once each.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { after, before, test } from 'node:test';
import type { WebhookNotice, WebhookPayload } from '../../src/connectors/notifier-webhook/webhook-payload.js';
import { aCertificate, withDnsNames, withSubject } from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { listen, type Running } from '../scan-tls/servers.js';

let custos: Custos;
let dir: string;
let a: Running;
let bServer: ReturnType<typeof createTlsServer>;
let b: Running;
let receiver: HttpServer;
let receiverPort: number;
// Every notice of every digest received.
const notices: WebhookNotice[] = [];

before(async () => {
  custos = await aCustos();
  dir = await mkdtemp(join(tmpdir(), 'custos-managed-findings-'));
  const cert = await aCertificate(withSubject('CN=placeholder'), withDnsNames('web.test'));
  const placeholder = { key: cert.privateKeyPem, cert: cert.pem };
  const fallback = createSecureContext(placeholder);
  // A serves the deployed files, read at every handshake (a server that reloads on its own).
  const aServer = createTlsServer({
    ...placeholder,
    SNICallback: (_name, done) => {
      Promise.all([readFile(join(dir, 'web.key')), readFile(join(dir, 'fullchain.pem'))]).then(
        ([key, fullchain]) => done(null, createSecureContext({ key, cert: fullchain })),
        () => done(null, fallback),
      );
    },
  });
  aServer.on('tlsClientError', () => undefined);
  a = await listen(aServer);
  // B serves what the test gives it (a server nobody reloads).
  bServer = createTlsServer(placeholder, (socket) => socket.end());
  bServer.on('tlsClientError', () => undefined);
  b = await listen(bServer);
  receiver = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      notices.push(...(JSON.parse(body) as WebhookPayload).notices);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  assert.equal((await custos.run('ca', 'init')).code, 0);
});
after(async () => {
  await a.close();
  await b.close();
  await new Promise((resolve) => receiver.close(resolve));
  await custos.cleanup();
  await rm(dir, { recursive: true, force: true });
});

interface Listed {
  fingerprintSha256: string;
  code: string;
  message: string;
}
const findings = async (): Promise<Listed[]> => {
  const run = await custos.run('findings', '--json');
  return run
    .json<Listed[]>()
    .filter((f) => f.code === 'stale-deployment' || f.code === 'superseded-still-served');
};
const status = async () =>
  (await custos.run('managed', 'status', 'web', '--json')).json<{
    revision: number;
    fingerprintSha256: string;
  }>();

test('stale-deployment, then superseded-still-served after the grace period, each notified to the owner once', async () => {
  const file = join(dir, 'web.yaml');
  await writeFile(
    file,
    `apiVersion: custos/v1
kind: Owner
metadata: {name: web-team}
spec:
  contacts:
    webhooks: [{url: "http://127.0.0.1:${receiverPort}/notices", secret: "s3cret"}]
---
apiVersion: custos/v1
kind: Identity
metadata: {name: web-id}
spec: {kind: service, owner: web-team}
---
apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: web}
spec:
  identity: web-id
  dnsNames: [web.test]
  duration: 24h
  supersededGracePeriod: 2s
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, 'web.crt')}, fullchain: ${join(dir, 'fullchain.pem')}, privateKey: ${join(dir, 'web.key')}}
  verify:
    - {host: 127.0.0.1, port: ${a.port}, sni: web.test}
    - {host: 127.0.0.1, port: ${b.port}, sni: web.test}
`,
  );
  const applied = await custos.run('apply', '-f', file);
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 1, 'B is stale');
  const first = await status();
  assert.equal(first.revision, 1);

  const stale = await findings();
  assert.equal(stale.length, 1, JSON.stringify(stale));
  assert.equal(stale[0]?.code, 'stale-deployment');
  assert.equal(stale[0]?.fingerprintSha256, first.fingerprintSha256);
  assert.match(
    stale[0]?.message ?? '',
    new RegExp(`not served at 127\\.0\\.0\\.1:${b.port} \\(web\\.test\\)`),
  );

  const notified = await custos.run('notify', 'run', '--json');
  assert.equal(notified.code, 0, notified.stderr);
  const staleNotice = notices.find((n) => n.reasonKey === 'finding:stale-deployment');
  assert.equal(staleNotice?.owner, 'web-team');
  assert.equal(staleNotice?.certificate?.fingerprintSha256, first.fingerprintSha256);
  assert.equal((await custos.run('notify', 'run')).code, 0);
  assert.equal(notices.filter((n) => n.reasonKey === 'finding:stale-deployment').length, 1, 'once');

  // B now serves revision 1; renewal gives A revision 2 and leaves B on the superseded revision 1.
  bServer.setSecureContext({
    key: await readFile(join(dir, 'web.key')),
    cert: await readFile(join(dir, 'fullchain.pem')),
  });
  assert.equal((await custos.run('managed', 'renew', 'web')).code, 0);
  assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 1);
  const second = await status();
  assert.equal(second.revision, 2);
  // The grace period's boundary is judged by the table test (src/core/managed/managed-findings.test.ts).
  await wait(2_000);
  const past = await findings();
  const superseded = past.find((f) => f.code === 'superseded-still-served');
  assert.equal(superseded?.fingerprintSha256, first.fingerprintSha256);
  assert.match(
    superseded?.message ?? '',
    new RegExp(
      `revision 1 of managed certificate web was superseded by revision 2 at .* and is still at tls:127\\.0\\.0\\.1:${b.port}:web\\.test$`,
    ),
  );
  assert.equal((await custos.run('notify', 'run')).code, 0);
  const supersededNotices = notices.filter((n) => n.reasonKey === 'finding:superseded-still-served');
  assert.equal(supersededNotices.length, 1);
  assert.equal(supersededNotices[0]?.owner, 'web-team');
  assert.equal(supersededNotices[0]?.certificate?.fingerprintSha256, first.fingerprintSha256);
});
