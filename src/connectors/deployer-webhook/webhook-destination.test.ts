import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import type { RevisionBundle } from '../../core/ports/destination.js';
import { verifySignature } from '../notifier-webhook/signature.js';
import { createWebhookDestination, type RevisionPayload } from './webhook-destination.js';

/** A real local HTTP server: records each request and answers with the next status queued (200 when none). */
let server: Server;
let url: string;
let received: Array<{ headers: IncomingHttpHeaders; body: string; path: string }>;
let statuses: number[];
let delayMs: number;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' });
      setTimeout(() => res.writeHead(statuses.shift() ?? 200).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/install`;
});
after(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received = [];
  statuses = [];
  delayMs = 0;
});

const bundle: RevisionBundle = {
  name: 'web',
  revision: 2,
  fingerprintSha256: 'cd'.repeat(32),
  certificatePem: 'leaf\n',
  chainPem: 'chain\n',
  fullchainPem: 'leaf\nchain\n',
  privateKeyPem: 'key\n',
};
const at = new Date('2026-12-03T12:00:00Z');
const env = { CUSTOS_INSTALL_SECRET: 's3cret', CUSTOS_INSTALL_TOKEN: 'tok' };

test('POSTs the revision, signed as notifications are and with the bearer token', async () => {
  const destination = createWebhookDestination({ env, now: () => at });
  const outcome = await destination.deploy(
    { url: `${url}?k=v`, secretEnv: 'CUSTOS_INSTALL_SECRET', bearerTokenEnv: 'CUSTOS_INSTALL_TOKEN' },
    bundle,
  );
  assert.equal(outcome.ok, true, outcome.error ?? '');
  assert.equal(outcome.target, `webhook:${url}`, 'no query in what is audited');
  assert.equal(outcome.http?.status, 200);
  const [request] = received;
  assert.ok(request);
  assert.equal(request.headers.authorization, 'Bearer tok');
  assert.equal(request.headers['content-type'], 'application/json');
  const check = verifySignature(request.headers['custos-signature'] as string, request.body, 's3cret', {
    nowSeconds: at.getTime() / 1000,
  });
  assert.deepEqual(check, { valid: true, t: at.getTime() / 1000 });
  const payload = JSON.parse(request.body) as RevisionPayload;
  assert.deepEqual(payload, {
    type: 'custos.revision',
    action: 'deploy',
    name: 'web',
    revision: 2,
    fingerprintSha256: 'cd'.repeat(32),
    certificatePem: 'leaf\n',
    chainPem: 'chain\n',
    fullchainPem: 'leaf\nchain\n',
    privateKeyPem: 'key\n',
    sentAt: at.toISOString(),
  });
});

test('a non-2xx answer fails the deploy with its status', async () => {
  statuses.push(503);
  const outcome = await createWebhookDestination({ env, now: () => at }).deploy({ url }, bundle);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.http?.status, 503);
  assert.match(outcome.error ?? '', /HTTP 503/);
});

test('no answer within the timeout fails the deploy', async () => {
  delayMs = 2_000;
  const outcome = await createWebhookDestination({ env, now: () => at }).deploy(
    { url, timeout: '1s' },
    bundle,
  );
  assert.equal(outcome.ok, false);
  assert.equal(outcome.http?.status, null);
  assert.match(outcome.error ?? '', /no answer within 1000 ms/);
});

test('a secret variable that is not set fails the deploy before anything is sent', async () => {
  const outcome = await createWebhookDestination({ env: {}, now: () => at }).deploy(
    { url, secretEnv: 'CUSTOS_INSTALL_SECRET' },
    bundle,
  );
  assert.equal(outcome.ok, false);
  assert.equal(outcome.error, 'CUSTOS_INSTALL_SECRET not set in the environment');
  assert.equal(received.length, 0);
});

test('remove POSTs action remove with the name', async () => {
  const outcome = await createWebhookDestination({ env, now: () => at }).remove({ url }, 'web');
  assert.equal(outcome.ok, true, outcome.error ?? '');
  assert.deepEqual(JSON.parse(received[0]?.body ?? ''), {
    type: 'custos.revision',
    action: 'remove',
    name: 'web',
    sentAt: at.toISOString(),
  });
});
