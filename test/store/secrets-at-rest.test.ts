/**
 * Secrets at rest: an Owner's webhook secret, its webhook URL's token and its Slack URL are sealed in the database
 * (the raw SQLite file and the PostgreSQL rows do not hold them), read back opened for notifications, which sign
 * with the real secret (a real HTTP receiver checks Custos-Signature), and apply's `unchanged` compares the opened
 * values. A store opened with another key refuses them with CUSTOS_KEY_INVALID.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildNotifierRegistry, sleep } from '../../src/connectors/notifier-registry.js';
import type { OwnerObject } from '../../src/core/declarative/objects.js';
import { DomainError } from '../../src/core/errors.js';
import { notificationOwner } from '../../src/core/notify/notification-owner.js';
import { runNotifications } from '../../src/core/notify/run-notifications.js';
import type { Store } from '../../src/core/ports/store.js';
import { auditKeyring } from '../../src/store/keys/audit-keyring.js';
import { openStore } from '../../src/store/open-store.js';
import {
  startHttpReceiver,
  type HttpReceiver,
  type ReceivedRequest,
} from '../notify/support/http-receiver.js';
import { DIALECTS, type TestDatabase } from './dialects.js';

const SECRET = `whsec-${randomBytes(8).toString('hex')}`;
const HOOK_TOKEN = `tok${randomBytes(8).toString('hex')}`;
const SLACK_TOKEN = `slk${randomBytes(8).toString('hex')}`;
const SLACK_URL = `https://hooks.slack.com/services/T0/B0/${SLACK_TOKEN}`;

function signed(request: ReceivedRequest): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['custos-signature']));
  if (!match) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${request.rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

const owner = (hookUrl: string): OwnerObject => ({
  apiVersion: 'custos/v1',
  kind: 'Owner',
  metadata: { name: 'payments' },
  spec: {
    contacts: { webhooks: [{ url: `${hookUrl}/custos?token=${HOOK_TOKEN}`, secret: SECRET }] },
    escalation: [{ after: '1h', contacts: { slack: [SLACK_URL] } }],
  },
});

/** Everything the database holds, as a reader without the key sees it. */
async function rawContents(dialect: string, db: TestDatabase): Promise<string> {
  if (dialect === 'sqlite') {
    const dir = db.options.dataDir;
    const files = (await readdir(dir)).filter((name) => name.startsWith('custos.db'));
    return (await Promise.all(files.map((name) => readFile(join(dir, name), 'latin1')))).join('\n');
  }
  const rows = await db.query<Record<string, unknown>>('select * from declared_objects');
  return JSON.stringify(rows);
}

for (const dialect of DIALECTS) {
  describe(`secrets at rest on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let store: Store;
    let hook: HttpReceiver;
    beforeEach(async () => {
      db = await dialect.create();
      store = await openStore(db.options);
      hook = await startHttpReceiver((request) => (signed(request) ? 204 : 401));
    });
    afterEach(async () => {
      await store.close();
      await db.dispose();
      await hook.close();
    });

    it('keeps the secrets sealed in the database, and notifications still sign with the real secret', async () => {
      const at = new Date();
      const put = await store.transaction((tx) => tx.objects.put(owner(hook.url), at, 'test'));
      assert.equal(put.change, 'created');
      await store.close();
      const raw = await rawContents(dialect.name, db);
      assert.ok(raw.includes('custos-sealed:v1:'), 'the sealed values are in the database');
      for (const secret of [SECRET, HOOK_TOKEN, SLACK_TOKEN])
        assert.ok(!raw.includes(secret), `${secret} at rest`);

      store = await openStore(db.options);
      const [stored] = await store.objects.list('Owner');
      assert.deepEqual(stored?.object.spec, owner(hook.url).spec);
      const again = await store.transaction((tx) => tx.objects.put(owner(hook.url), new Date(), 'test'));
      assert.deepEqual(again, { change: 'unchanged', generation: 1 });

      const now = new Date();
      const result = await runNotifications(
        {
          store,
          clock: { now: () => now },
          random: { float: () => 0.5 },
          sleep,
          notifiers: buildNotifierRegistry({ email: undefined }),
          sources: {
            certificates: async () => [
              {
                fingerprintSha256: 'ab'.repeat(32),
                subject: 'CN=api.corp.example',
                subjectAltNames: ['api.corp.example'],
                notAfter: new Date(now.getTime() + 3 * 86_400_000),
                locations: [],
                owner: 'payments',
                findings: [],
              },
            ],
            owners: async () => (await store.objects.list('Owner')).map((s) => notificationOwner(s.object)),
            exceptions: async () => [],
          },
        },
        {
          actor: 'test',
          worker: 'test',
          policy: { attempts: 1, backoffMs: 10, timeoutMs: 2_000, concurrency: 2 },
        },
      );
      assert.deepEqual([result.sent, result.failed], [1, 0]);
      assert.equal(hook.requests.length, 1);
      assert.ok(signed(hook.requests[0]!), 'the receiver verified Custos-Signature with the real secret');
      assert.ok(hook.requests[0]!.path.includes(HOOK_TOKEN), 'the webhook URL keeps its token');
    });

    it('reads a row written before sealing as it is, and migration 0010 seals it once', async () => {
      const plain = owner(hook.url);
      const spec = JSON.stringify(plain.spec).replaceAll("'", "''");
      // The row as an earlier Custos left it: plaintext secrets, 0010 not applied.
      await db.exec(
        `insert into declared_objects (kind, name, metadata, spec, generation, created_at, updated_at, updated_by) values ('Owner', 'payments', '{"name":"payments"}', '${spec}', 1, 0, 0, 'old')`,
      );
      assert.deepEqual((await store.objects.list('Owner'))[0]?.object.spec, plain.spec);
      assert.equal(
        (await store.transaction((tx) => tx.objects.put(plain, new Date(), 'test'))).change,
        'unchanged',
      );
      await store.close();
      await db.exec(`delete from kysely_migration where name = '0010-sealed-secrets'`);
      store = await openStore(db.options);
      const [row] = await db.query<{ spec: string }>('select spec from declared_objects');
      for (const secret of [SECRET, HOOK_TOKEN, SLACK_TOKEN])
        assert.ok(!row!.spec.includes(secret), `${secret} at rest`);
      assert.deepEqual((await store.objects.list('Owner'))[0]?.object.spec, plain.spec);
      assert.deepEqual(await store.transaction((tx) => tx.objects.put(plain, new Date(), 'test')), {
        change: 'unchanged',
        generation: 1,
      });
      const withEmail: OwnerObject = {
        ...plain,
        spec: { ...plain.spec, contacts: { ...plain.spec.contacts, email: ['a@corp.example'] } },
      };
      assert.deepEqual(await store.transaction((tx) => tx.objects.put(withEmail, new Date(), 'test')), {
        change: 'configured',
        generation: 2,
      });
    });

    it('refuses the sealed secrets under another key with CUSTOS_KEY_INVALID', async () => {
      await store.transaction((tx) => tx.objects.put(owner(hook.url), new Date(), 'test'));
      const other = await openStore({ ...db.options, auditKeys: auditKeyring(randomBytes(32)) });
      try {
        await assert.rejects(
          other.objects.list('Owner'),
          (error: unknown) => error instanceof DomainError && error.code === 'CUSTOS_KEY_INVALID',
        );
        await assert.rejects(
          other.transaction((tx) => tx.objects.put(owner(hook.url), new Date(), 'test')),
          (error: unknown) => error instanceof DomainError && error.code === 'CUSTOS_KEY_INVALID',
        );
      } finally {
        await other.close();
      }
    });
  });
}
