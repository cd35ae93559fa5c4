import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactedConfig, redactUrl } from './redact.js';

test('a URL password is redacted, in the user part or a password query parameter; the rest stays as written', () => {
  assert.equal(
    redactUrl('smtps://custos:s3cr%40t@mail.example:465'),
    'smtps://custos:(redacted)@mail.example:465',
  );
  assert.equal(
    redactUrl('postgres://db.example/custos?user=custos&password=hunter2&sslmode=require'),
    'postgres://db.example/custos?user=custos&password=(redacted)&sslmode=require',
  );
  assert.equal(redactUrl('smtp://mail.example:25'), 'smtp://mail.example:25');
  assert.equal(
    redactUrl('postgres://custos@db.example:5432/custos'),
    'postgres://custos@db.example:5432/custos',
  );
});

test('only the keys the schema marks secret are redacted, and the configuration given is left unchanged', () => {
  const config = {
    dataDir: './with:colon@sign',
    databaseUrl: 'postgres://custos:hunter2@db.example/custos',
    logLevel: 'silent' as const,
    smtp: { url: 'smtp://u:p@mail.example:25', from: 'x:y@corp.example' },
    scan: { timeout: '5s', concurrency: 64, tls: { endAfter: 3, endAfterDuration: '7d' } },
    server: {
      listen: '127.0.0.1:8700',
      baseUrl: 'http://127.0.0.1:8700',
      createCa: true,
      tls: { enabled: false, authority: 'default', duration: '30d' },
    },
    remote: { url: 'https://custos.corp.example', token: 'custos_t0ps3cr3t' },
    metrics: { public: false, maxSeries: 100_000 },
    ca: { crlValidity: '7d', ocspValidity: '1h', ocspSigner: 'delegated' as const },
    audit: { key: 'q6Ktbm9ZKKGE1QpDLdTyzqp8yDXzTcxU9+LgFMM2G1E=', keyFile: '/run/secrets/audit.key' },
  };
  const shown = redactedConfig(config);
  assert.equal(shown.audit?.key, '(redacted)', 'a secret that is not a URL is redacted whole');
  assert.equal(shown.audit?.keyFile, '/run/secrets/audit.key');
  assert.equal(shown.remote?.token, '(redacted)', "the CLI's bearer token is never shown");
  assert.equal(shown.remote?.url, 'https://custos.corp.example');
  assert.equal(shown.databaseUrl, 'postgres://custos:(redacted)@db.example/custos');
  assert.equal(shown.smtp?.url, 'smtp://u:(redacted)@mail.example:25');
  assert.equal(shown.smtp?.from, 'x:y@corp.example');
  assert.equal(shown.dataDir, './with:colon@sign');
  assert.equal(config.databaseUrl, 'postgres://custos:hunter2@db.example/custos');
});
