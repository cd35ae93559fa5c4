/**
 * The keyed audit trail through the real CLI, on SQLite and on PostgreSQL: tampering that the plain hash chain let
 * through (a recomputed chain, a head moved back, a deleted head row, wiped records, truncation to a replayed old
 * head) makes `audit verify` exit 1 naming what is wrong; checkpoints and exports round-trip and verify offline.
 */
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hashAuditRecord } from '../../src/core/audit/audit-chain.js';
import { canonicalJson } from '../../src/core/audit/canonical-json.js';
import { verifySignature } from '../../src/connectors/notifier-webhook/signature.js';
import { aCustos, runCustos } from '../support/cli.js';
import { closedPortUrl, startHttpReceiver } from '../notify/support/http-receiver.js';
import { DIALECTS } from '../store/dialects.js';
import { aScannedStore, exportAll, sqlString, type Scanned } from './audit-support.js';

async function verifyFailsWith(s: Scanned, pattern: RegExp, ...flags: string[]): Promise<void> {
  const result = await s.custos.run('audit', 'verify', ...flags);
  assert.equal(result.code, 1, `audit verify should fail:\n${result.stdout}${result.stderr}`);
  assert.match(result.stderr, /^custos: CUSTOS_AUDIT_CHAIN_BROKEN: /);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, 'one line on stderr');
}

async function head(s: Scanned): Promise<{ seq: number; hash: string; mac: string }> {
  const [row] = await s.db.query<{ seq: number | string; hash: string; mac: string }>(
    'select seq, hash, mac from audit_head',
  );
  assert.ok(row);
  return { ...row, seq: Number(row.seq) };
}

/** Offline: with a data dir and database that do not exist, so nothing but the file is read. */
const offline = (...args: string[]) =>
  runCustos(['--data-dir', '/nonexistent/custos', '--database-url', '', ...args]);

for (const dialect of DIALECTS) {
  describe(`custos audit with a keyed chain on ${dialect.name}`, () => {
    const withStore = (name: string, work: (s: Scanned) => Promise<void>) =>
      test(name, async (t) => {
        if (dialect.unavailable) {
          t.skip(dialect.unavailable);
          return;
        }
        const scanned = await aScannedStore(await dialect.create());
        try {
          await work(scanned);
        } finally {
          await scanned.dispose();
        }
      });

    withStore('a record edited and the chain after it recomputed with the public hash', async (s) => {
      const records = await exportAll(s.custos);
      let prevHash = records[1]?.hash ?? '';
      for (const record of records.slice(2)) {
        const data = record.seq === 3 ? { ...record.data, forged: true } : record.data;
        const hash = hashAuditRecord({ ...record, at: new Date(record.at), data, prevHash });
        await s.db.exec(
          `update audit_events set data = ${sqlString(canonicalJson(data))}, prev_hash = '${prevHash}', hash = '${hash}' where seq = ${record.seq}`,
        );
        prevHash = hash;
      }
      await s.db.exec(`update audit_head set hash = '${prevHash}'`);
      await verifyFailsWith(s, /record 3 \([a-z.]+\) was not written by Custos: its MAC does not verify/);
    });

    withStore('the newest records deleted and the head moved back', async (s) => {
      const records = await exportAll(s.custos);
      const keep = records[records.length - 3];
      assert.ok(keep);
      await s.db.exec(`delete from audit_events where seq > ${keep.seq}`);
      await s.db.exec(`update audit_head set seq = ${keep.seq}, hash = '${keep.hash}'`);
      await verifyFailsWith(
        s,
        new RegExp(`the audit head \\(record ${keep.seq}\\) was not written by Custos`),
      );
      const scan = await s.custos.run('scan', 'files', s.dir);
      assert.equal(scan.code, 1, 'nothing is recorded onto a head the key did not seal');
      assert.match(scan.stderr, /CUSTOS_AUDIT_CHAIN_BROKEN: The audit head/);
    });

    withStore('the head row deleted', async (s) => {
      await s.db.exec('delete from audit_head');
      await verifyFailsWith(s, /the audit head row was deleted/);
    });

    withStore('every record wiped and the head reset', async (s) => {
      await s.db.exec('delete from audit_events');
      await s.db.exec(`update audit_head set seq = 0, hash = '${'0'.repeat(64)}'`);
      await verifyFailsWith(s, /the audit head \(record 0\) was not written by Custos/);
    });

    withStore('checkpoint round trip: a truncation to a replayed older head is caught', async (s) => {
      const older = await head(s);
      const rescan = await s.custos.run('scan', 'files', s.dir);
      assert.equal(rescan.code, 0, rescan.stderr);
      const printed = await s.custos.run('audit', 'checkpoint');
      assert.equal(printed.code, 0, printed.stderr);
      const checkpoint = printed.json<{ checkpoint: { seq: number; hash: string }; keyId: string }>();
      assert.deepEqual(checkpoint.checkpoint.seq, (await head(s)).seq);
      assert.match(checkpoint.keyId, /^[0-9a-f]{16}$/);
      const file = join(s.custos.stateFlags.at(-1) ?? '', 'checkpoint.json');
      await writeFile(file, printed.stdout);
      const held = await s.custos.run('audit', 'verify', '--checkpoint', file);
      assert.equal(held.code, 0, held.stderr);
      assert.match(held.stdout, /1 checkpoint holds/);

      await s.db.exec(`delete from audit_events where seq > ${older.seq}`);
      await s.db.exec(
        `update audit_head set seq = ${older.seq}, hash = '${older.hash}', mac = '${older.mac}'`,
      );
      const replayed = await s.custos.run('audit', 'verify');
      assert.equal(replayed.code, 0, 'a replayed head row alone is the limit docs/audit.md names');
      await verifyFailsWith(
        s,
        new RegExp(
          `records? ${older.seq + 1}.*removed: checkpoint ${file} vouches for record ${checkpoint.checkpoint.seq}`,
        ),
        '--checkpoint',
        file,
      );
      await writeFile(file, printed.stdout.replace(/"seq":\d+/, `"seq":${older.seq}`));
      await verifyFailsWith(
        s,
        new RegExp(`checkpoint ${file} is forged: its signature does not verify`),
        '--checkpoint',
        file,
      );
      await writeFile(file, '{"checkpoint":1}');
      const invalid = await s.custos.run('audit', 'verify', '--checkpoint', file);
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /CUSTOS_CHECKPOINT_INVALID/);
    });

    withStore('an export verifies offline; an edit, a cut end or another key do not', async (s) => {
      const exported = await s.custos.run('audit', 'export');
      assert.equal(exported.code, 0, exported.stderr);
      const lines = exported.stdout.trimEnd().split('\n');
      const last = JSON.parse(lines.at(-2) ?? '') as { seq: number; hash: string };
      const signed = JSON.parse(lines.at(-1) ?? '') as { checkpoint: { seq: number; hash: string } };
      assert.deepEqual(signed.checkpoint.seq, last.seq);
      assert.deepEqual(signed.checkpoint.hash, last.hash);
      const dir = s.custos.stateFlags.at(-1) ?? '';
      const file = join(dir, 'export.jsonl');
      await writeFile(file, exported.stdout);
      const key = join(dir, 'public.pem');
      await writeFile(key, (await s.custos.run('audit', 'public-key')).stdout);

      const intact = await offline('audit', 'verify', '--file', file, '--public-key', key);
      assert.equal(intact.code, 0, intact.stderr);
      assert.match(
        intact.stdout,
        new RegExp(`export intact: ${lines.length - 1} records \\(1\\..${last.seq}\\)`),
      );

      const edited = lines.map((line, i) => (i === 2 ? line.replace('"actor":"', '"actor":"x') : line));
      await writeFile(file, `${edited.join('\n')}\n`);
      const editedRun = await offline('audit', 'verify', '--file', file);
      assert.equal(editedRun.code, 1);
      assert.match(editedRun.stderr, /record 3 \([a-z.]+\) was altered/);

      await writeFile(file, `${[...lines.slice(0, -2), lines.at(-1)].join('\n')}\n`);
      const cut = await offline('audit', 'verify', '--file', file);
      assert.equal(cut.code, 1);
      assert.match(
        cut.stderr,
        new RegExp(`record ${last.seq} was removed: the checkpoint vouches for record ${last.seq}`),
      );

      const other = await aScannedStore(await dialect.create());
      try {
        const otherKey = join(dir, 'other.pem');
        await writeFile(otherKey, (await other.custos.run('audit', 'public-key')).stdout);
        await writeFile(file, exported.stdout);
        const foreign = await offline('audit', 'verify', '--file', file, '--public-key', otherKey);
        assert.equal(foreign.code, 1);
        assert.match(foreign.stderr, /was signed by audit key [0-9a-f]{16}, not by the pinned key/);
      } finally {
        await other.dispose();
      }
    });

    withStore('a key file others may read is refused; the key is never in the export', async (s) => {
      const dir = s.custos.stateFlags.at(-1) ?? '';
      const keyFile = join(dir, 'audit.key');
      const key = (await readFile(keyFile, 'utf8')).trim();
      const exported = await s.custos.run('audit', 'export');
      assert.ok(!exported.stdout.includes(key), 'the audit key is not in the export');
      assert.ok(!exported.stdout.includes(Buffer.from(key, 'base64').toString('hex')));
      await chmod(keyFile, 0o640);
      const refused = await s.custos.run('audit', 'verify');
      assert.equal(refused.code, 3);
      assert.match(
        refused.stderr,
        /CUSTOS_KEY_FILE_INSECURE: The audit key file .* is refused: its mode is 0640/,
      );
    });
  });
}

describe('custos audit checkpoint --webhook', () => {
  test('POSTs the checkpoint signed as notifications are; an unreachable hook is exit 3 after printing', async () => {
    const custos = await aCustos();
    const dir = custos.stateFlags.at(-1) ?? '';
    const hook = await startHttpReceiver();
    try {
      const scanned = await custos.run('scan', 'files', dir);
      assert.equal(scanned.code, 0, scanned.stderr);
      const secretFile = join(dir, 'hook-secret');
      await writeFile(secretFile, 'hook-s3cret\n', { mode: 0o600 });
      const sent = await custos.run(
        'audit',
        'checkpoint',
        '--webhook',
        `${hook.url}/evidence`,
        '--webhook-secret-file',
        secretFile,
      );
      assert.equal(sent.code, 0, sent.stderr);
      const [request] = hook.requests;
      assert.ok(request);
      assert.equal(request.path, '/evidence');
      assert.equal(request.rawBody, sent.stdout.trimEnd(), 'the webhook gets what was printed');
      const check = verifySignature(
        request.headers['custos-signature'] as string | undefined,
        request.rawBody,
        'hook-s3cret',
        { nowSeconds: Math.floor(Date.now() / 1000) },
      );
      assert.deepEqual(check.valid, true);
      const file = join(dir, 'received.json');
      await writeFile(file, request.rawBody);
      const held = await custos.run('audit', 'verify', '--checkpoint', file);
      assert.equal(held.code, 0, held.stderr);

      const unreachable = await custos.run('audit', 'checkpoint', '--webhook', await closedPortUrl());
      assert.equal(unreachable.code, 3);
      assert.match(unreachable.stdout, /^\{"checkpoint":/);
      assert.match(unreachable.stderr, /CUSTOS_CHECKPOINT_NOT_SENT/);
    } finally {
      await hook.close();
      await custos.cleanup();
    }
  });
});
