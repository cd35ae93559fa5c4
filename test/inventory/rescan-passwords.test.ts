/**
 * Issue 9, "passwords that changed": the unchanged-file shortcut includes the set of passwords tried. An unchanged
 * file is read again only when it needed a password (a PKCS#12 no password opened, a key left encrypted — among any
 * of its problems) and the scan tries another set of passwords than the one it was read with; the same set, from any
 * source and in any order, keeps the shortcut. Through the real CLI with real files (openssl), on SQLite and
 * PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { aCertificate, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { aCustos, runCustos, type CliResult, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

interface ScanJson {
  files: number;
  unchanged: number;
  new: number;
  errors: Array<{ path: string; code: string; message: string }>;
}

interface Entry {
  fingerprintSha256: string;
  subject: string;
  keyLocations: Array<{
    path?: string;
    pairedWith?: Array<{ certificatePath: string; layout: string }>;
  }>;
  findings: Array<{ code: string }>;
}

const openssl = async (...args: string[]): Promise<void> => {
  await promisify(execFile)('openssl', args);
};

/** A P-256 key encrypted with AES-256 under `password` (PKCS#8 `ENCRYPTED PRIVATE KEY`), and its certificate. */
async function anEncryptedKeyPair(
  name: string,
  password: string,
  keyPath: string,
): Promise<{ certificatePem: string; keyPem: string }> {
  const pass = `pass:${password}`;
  await openssl(
    ...['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    ...['-aes256', '-pass', pass, '-out', keyPath],
  );
  const certificatePath = `${keyPath}.crt`;
  await openssl(
    ...['req', '-x509', '-new', '-key', keyPath, '-passin', pass, '-subj', `/CN=${name}`, '-days', '90'],
    ...['-out', certificatePath],
  );
  return {
    certificatePem: await readFile(certificatePath, 'utf8'),
    keyPem: await readFile(keyPath, 'utf8'),
  };
}

const codes = (scan: ScanJson): string[] => scan.errors.map((e) => e.code);

for (const dialect of DIALECTS) {
  describe(`a rescan with a new password (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let leaf: BuiltCertificate;

    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-passwords-')));
      for (const tree of ['p12', 'pem', 'mixed', 'work']) await mkdir(join(dir, tree));
      // A PKCS#12 keystore under the password n3w.
      leaf = await aCertificate(withSubject('CN=keystore.corp.test'));
      await writeFile(join(dir, 'work/leaf.key'), leaf.privateKeyPem);
      await writeFile(join(dir, 'work/leaf.crt'), leaf.pem);
      await openssl(
        ...['pkcs12', '-export', '-in', join(dir, 'work/leaf.crt'), '-inkey', join(dir, 'work/leaf.key')],
        ...['-passout', 'pass:n3w', '-out', join(dir, 'p12/store.p12')],
      );
      // web.crt beside its key web.key, encrypted under k3y (openssl genpkey -aes256).
      const web = await anEncryptedKeyPair('web.corp.test', 'k3y', join(dir, 'work/web.key'));
      await writeFile(join(dir, 'pem/web.key'), web.keyPem);
      await writeFile(join(dir, 'pem/web.crt'), web.certificatePem);
      // One PEM file whose first problem is a broken block, then its certificate and its key encrypted under k3y.
      const mixed = await anEncryptedKeyPair('mixed.corp.test', 'k3y', join(dir, 'work/mixed.key'));
      await writeFile(
        join(dir, 'mixed/bundle.pem'),
        '-----BEGIN CERTIFICATE-----\n!!! not base64 !!!\n-----END CERTIFICATE-----\n' +
          mixed.certificatePem +
          mixed.keyPem,
      );
    });
    after(() => rm(dir, { recursive: true, force: true }));

    /** A fresh state, and a `scan files TREE --json --password P...` run against it (with more environment). */
    async function aState(): Promise<{
      db: TestDatabase;
      custos: Custos;
      scan: (
        tree: string,
        passwords: string[],
        more?: { args?: string[]; env?: Record<string, string> },
      ) => Promise<ScanJson>;
      outputs: string[];
      list: () => Promise<Entry[]>;
    }> {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      const outputs: string[] = [];
      const run = async (args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
        const r = await runCustos([...custos.stateFlags, '--log-level', 'debug', ...args], { env });
        outputs.push(r.stdout, r.stderr);
        return r;
      };
      return {
        db,
        custos,
        outputs,
        scan: async (tree, passwords, more = {}) => {
          const r = await run(
            [
              ...['scan', 'files', join(dir, tree), '--json'],
              ...passwords.flatMap((p) => ['--password', p]),
              ...(more.args ?? []),
            ],
            more.env,
          );
          assert.equal(r.code, 0, r.stderr);
          return r.json<ScanJson>();
        },
        list: async () => {
          const r = await run(['inventory', 'list', '--json']);
          assert.equal(r.code, 0, r.stderr);
          return r.json<Entry[]>();
        },
      };
    }

    it('re-reads a keystore no password opened only when the passwords are another set, from any source', async () => {
      const { db, custos, scan, outputs, list } = await aState();
      try {
        const first = await scan('p12', ['old']);
        assert.deepEqual([first.unchanged, codes(first)], [0, ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']]);
        const same = await scan('p12', ['old']);
        assert.deepEqual(
          [same.files, same.unchanged, codes(same)],
          [1, 1, ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']],
          'the same password again: the shortcut holds, the problem is reported again',
        );
        const none = await scan('p12', []);
        assert.equal(none.unchanged, 1, 'no password: nothing new to try (the empty password always is)');

        const another = await scan('p12', ['x', 'old']);
        assert.deepEqual([another.unchanged, codes(another)], [0, ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']]);
        // The same set from CUSTOS_PASSWORDS, then from a file, in another order and repeated: not read again.
        const fromEnv = await scan('p12', [], { env: { CUSTOS_PASSWORDS: 'old\nx\n' } });
        assert.deepEqual([fromEnv.unchanged, codes(fromEnv)], [1, ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']]);
        const file = join(dir, 'work/passwords.txt');
        await writeFile(file, 'x\nold\nx\n');
        const fromFile = await scan('p12', [], { args: ['--password-file', file] });
        assert.equal(fromFile.unchanged, 1);

        const opened = await scan('p12', ['old', 'n3w']);
        assert.deepEqual([opened.unchanged, opened.new, opened.errors], [0, 1, []]);
        const listed = await list();
        assert.deepEqual(
          listed.map((e) => [e.fingerprintSha256, e.keyLocations.map((l) => l.path)]),
          [[leaf.fingerprintSha256, [join(dir, 'p12/store.p12')]]],
          'the key in the keystore is found',
        );
        // Opened, it needs no password any more: no set of passwords reads it again.
        for (const passwords of [['n3w'], ['other']]) {
          const again = await scan('p12', passwords);
          assert.deepEqual([again.unchanged, again.new, again.errors], [1, 0, []]);
        }

        // What the file state keeps of the passwords is a digest under the audit key: never a password, and neither
        // it nor a password is in the output, the debug log or the audit trail.
        const secrets = ['wrong-password-1', 'wrong-password-2'];
        await writeFile(join(dir, 'p12/locked.p12'), await readFile(join(dir, 'p12/store.p12')));
        const locked = await scan('p12', secrets);
        assert.deepEqual(
          [locked.files, locked.unchanged, codes(locked)],
          [2, 1, ['CUSTOS_PKCS12_PASSWORD_UNKNOWN']],
        );
        const stored = await db.query<{ path: string; passwords_tried: string | null }>(
          'select path, passwords_tried from file_states order by path',
        );
        assert.deepEqual(
          stored.map((s) => [
            s.path,
            s.passwords_tried === null ? null : /^[0-9a-f]{64}$/.test(s.passwords_tried),
          ]),
          [
            [join(dir, 'p12/locked.p12'), true],
            [join(dir, 'p12/store.p12'), null],
          ],
        );
        const exported = await runCustos([...custos.stateFlags, 'audit', 'export']);
        assert.equal(exported.code, 0, exported.stderr);
        const seen = [...outputs, exported.stdout].join('\n');
        for (const secret of [...secrets, String(stored[0]?.passwords_tried)])
          assert.ok(!seen.includes(secret), `"${secret}" is printed, logged or audited`);
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    });

    it('re-reads an encrypted key beside its certificate with a new password, then pairs them', async () => {
      const { db, custos, scan, list } = await aState();
      try {
        const web = async (): Promise<Entry> => {
          const found = (await list()).find((e) => e.subject === 'CN=web.corp.test');
          assert.ok(found, 'web.corp.test is in the inventory');
          return found;
        };
        const first = await scan('pem', ['wrong']);
        assert.deepEqual(
          first.errors.map((e) => [e.path, e.code]),
          [[join(dir, 'pem/web.key'), 'CUSTOS_KEY_ENCRYPTED']],
        );
        assert.deepEqual((await web()).keyLocations, []);
        const same = await scan('pem', ['wrong']);
        assert.deepEqual([same.files, same.unchanged, codes(same)], [2, 2, ['CUSTOS_KEY_ENCRYPTED']]);

        const opened = await scan('pem', ['wrong', 'k3y']);
        assert.deepEqual([opened.unchanged, opened.errors], [1, []], 'only the key file is read again');
        const paired = await web();
        assert.deepEqual(
          paired.keyLocations.map((l) => [l.path, l.pairedWith]),
          [[join(dir, 'pem/web.key'), [{ certificatePath: join(dir, 'pem/web.crt'), layout: 'same-stem' }]]],
        );
        assert.deepEqual(
          paired.findings.filter((f) => f.code.startsWith('key-')),
          [],
          'no key-file problem any more',
        );
        const again = await scan('pem', ['k3y']);
        assert.deepEqual([again.unchanged, again.errors], [2, []]);
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    });

    it('retries a file whose password problem is not its first problem, and reports all its problems again', async () => {
      const { db, custos, scan, list } = await aState();
      try {
        const both = ['CUSTOS_FILE_MALFORMED', 'CUSTOS_KEY_ENCRYPTED'];
        const first = await scan('mixed', ['wrong']);
        assert.deepEqual([first.unchanged, codes(first)], [0, both]);
        const same = await scan('mixed', ['wrong']);
        assert.deepEqual([same.unchanged, codes(same)], [1, both], 'every problem is reported again');

        const opened = await scan('mixed', ['k3y']);
        assert.deepEqual([opened.unchanged, codes(opened)], [0, ['CUSTOS_FILE_MALFORMED']]);
        assert.deepEqual(
          (await list()).map((e) => [e.subject, e.keyLocations.map((l) => l.path)]),
          [['CN=mixed.corp.test', [join(dir, 'mixed/bundle.pem')]]],
        );
        // Its remaining problem is no password problem: another set of passwords does not read it again.
        const other = await scan('mixed', ['other']);
        assert.deepEqual([other.unchanged, codes(other)], [1, ['CUSTOS_FILE_MALFORMED']]);
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    });
  });
}
