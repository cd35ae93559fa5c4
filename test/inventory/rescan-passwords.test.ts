/**
 * Issue 9, "passwords that changed": the unchanged-file shortcut does not hide a file no password opened. Through
 * the real CLI with a real PKCS#12 file (openssl), on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { aCertificate, withSubject, type BuiltCertificate } from '../support/certificates.js';
import { aCustos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';

interface ScanJson {
  files: number;
  unchanged: number;
  new: number;
  errors: Array<{ code: string }>;
}

for (const dialect of DIALECTS) {
  describe(`a rescan with a new password (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let tree: string;
    let leaf: BuiltCertificate;

    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-passwords-')));
      tree = join(dir, 'tree');
      await mkdir(tree);
      leaf = await aCertificate(withSubject('CN=keystore.corp.test'));
      await writeFile(join(dir, 'leaf.key'), leaf.privateKeyPem);
      await writeFile(join(dir, 'leaf.crt'), leaf.pem);
      await promisify(execFile)('openssl', [
        'pkcs12',
        '-export',
        '-in',
        join(dir, 'leaf.crt'),
        '-inkey',
        join(dir, 'leaf.key'),
        '-passout',
        'pass:n3w',
        '-out',
        join(tree, 'store.p12'),
      ]);
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('re-reads the file no password opened, and only that one', async () => {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      try {
        const scan = async (...passwords: string[]): Promise<ScanJson> => {
          const r = await custos.run(
            'scan',
            'files',
            tree,
            '--json',
            ...passwords.flatMap((p) => ['--password', p]),
          );
          assert.equal(r.code, 0, r.stderr);
          return r.json<ScanJson>();
        };
        const first = await scan('old');
        assert.deepEqual(
          first.errors.map((e) => e.code),
          ['CUSTOS_PKCS12_PASSWORD_UNKNOWN'],
        );
        const same = await scan();
        assert.equal(
          same.unchanged,
          1,
          'no password given: the shortcut holds, the problem is reported again',
        );
        assert.deepEqual(
          same.errors.map((e) => e.code),
          ['CUSTOS_PKCS12_PASSWORD_UNKNOWN'],
        );
        const opened = await scan('old', 'n3w');
        assert.deepEqual([opened.unchanged, opened.new, opened.errors], [0, 1, []]);
        const again = await scan('n3w');
        assert.deepEqual([again.unchanged, again.new, again.errors], [1, 0, []]);
        const listed = await custos.run('inventory', 'list', '--json');
        assert.deepEqual(
          listed.json<Array<{ fingerprintSha256: string }>>().map((e) => e.fingerprintSha256),
          [leaf.fingerprintSha256],
        );
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    });
  });
}
