/**
 * Issue 9, "keys beside certificates": a private key in a sibling file is matched to its certificate by the layouts
 * people use — the same stem, certbot lineages (live/ links into archive/, one lineage), nginx and Apache
 * configuration pairs — and a pair that does not match is a `key-mismatch` naming both files. Through the real CLI,
 * on files made with openssl and a real certbot-like tree of symbolic links, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS } from '../store/dialects.js';

const openssl = async (...args: string[]): Promise<void> => {
  await promisify(execFile)('openssl', args);
};

/** A P-256 key in PEM (PKCS#8), as `openssl genpkey` writes it. */
async function aKey(path: string): Promise<void> {
  await openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path);
}

/** A certificate for `name` with the key at `keyPath`, signed by the CA files given (self-signed without). */
async function aCertificateFor(
  name: string,
  keyPath: string,
  path: string,
  ca?: { certificate: string; key: string },
): Promise<void> {
  const subject = ['-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-days', '90'];
  if (ca === undefined) {
    await openssl('req', '-x509', '-new', '-key', keyPath, ...subject, '-out', path);
    return;
  }
  await openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    ...subject,
    '-CA',
    ca.certificate,
    '-CAkey',
    ca.key,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-out',
    path,
  );
}

interface Entry {
  fingerprintSha256: string;
  subject: string;
  locations: Array<{ kind: string; path?: string }>;
  keyLocations: Array<{
    path?: string;
    pairedWith?: Array<{ certificatePath: string; layout: string; source?: string }>;
  }>;
  findings: Array<{ code: string; severity: string; message: string }>;
}

for (const dialect of DIALECTS) {
  describe(`keys paired with their certificates by layout (${dialect.name})`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let tree: string;
    let ca: { certificate: string; key: string };
    const at = (...parts: string[]): string => join(tree, ...parts);

    /** What certbot does on its Nth issuance of shop.test: new versions in archive/, the live/ links moved to them. */
    async function certbotIssues(n: number): Promise<void> {
      const archive = at('letsencrypt/archive/shop.test');
      await aKey(join(archive, `privkey${n}.pem`));
      await aCertificateFor('shop.test', join(archive, `privkey${n}.pem`), join(archive, `cert${n}.pem`), ca);
      await copyFile(ca.certificate, join(archive, `chain${n}.pem`));
      await writeFile(
        join(archive, `fullchain${n}.pem`),
        (await readFile(join(archive, `cert${n}.pem`), 'utf8')) + (await readFile(ca.certificate, 'utf8')),
      );
      for (const name of ['cert', 'chain', 'fullchain', 'privkey']) {
        const link = at(`letsencrypt/live/shop.test/${name}.pem`);
        await rm(link, { force: true });
        await symlink(`../../archive/shop.test/${name}${n}.pem`, link);
      }
    }

    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'custos-key-pairs-')));
      tree = join(dir, 'tree');
      for (const d of ['tls', 'certs', 'private', 'nginx/sites', 'apache', 'letsencrypt/archive/shop.test'])
        await mkdir(at(d), { recursive: true });
      await mkdir(at('letsencrypt/live/shop.test'), { recursive: true });
      // Same stem: web.crt with web.key (theirs), api.pem with api-key.pem (another certificate's key).
      await aKey(at('tls/web.key'));
      await aCertificateFor('web.corp.test', at('tls/web.key'), at('tls/web.crt'));
      await aKey(join(dir, 'api-own.key'));
      await aCertificateFor('api.corp.test', join(dir, 'api-own.key'), at('tls/api.pem'));
      await aKey(at('tls/api-key.pem'));
      // A certbot lineage: live/ links into archive/, the leaf signed by a CA whose certificate is the chain.
      ca = { certificate: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
      await aKey(ca.key);
      await openssl(
        'req',
        '-x509',
        '-new',
        '-key',
        ca.key,
        '-subj',
        '/CN=Test Issuing CA',
        '-out',
        ca.certificate,
      );
      await certbotIssues(1);
      // nginx pairs mail.crt with a key file of another name in another directory: the wrong key.
      await aKey(join(dir, 'mail-own.key'));
      await aCertificateFor('mail.corp.test', join(dir, 'mail-own.key'), at('certs/mail.crt'));
      await aKey(at('private/mail-2024.key'));
      await writeFile(
        at('nginx/sites/mail.conf'),
        [
          'server {',
          '    listen 443 ssl;',
          '    server_name mail.corp.test;  # the mail front end',
          `    ssl_certificate     "${at('certs/mail.crt')}";`,
          `    ssl_certificate_key ${at('private/mail-2024.key')};`,
          '}',
          '',
        ].join('\n'),
      );
      // Apache pairs intra.crt with its key, paths relative to ServerRoot.
      await aKey(at('private/intra.key'));
      await aCertificateFor('intra.corp.test', at('private/intra.key'), at('certs/intra.crt'));
      await writeFile(
        at('apache/intra.conf'),
        [
          `ServerRoot "${tree}"`,
          '<VirtualHost *:443>',
          '    ServerName intra.corp.test',
          '    SSLEngine on',
          '    sslcertificatefile certs/intra.crt',
          '    SSLCertificateKeyFile "private/intra.key"',
          '</VirtualHost>',
          '',
        ].join('\n'),
      );
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('pairs by stem, certbot lineage, nginx and Apache; a wrong pair is key-mismatch naming both files', async () => {
      const db = await dialect.create();
      const custos = await aCustos(db.options);
      try {
        const scan = async (): Promise<{ files: number; unchanged: number; errors: unknown[] }> => {
          const r = await custos.run('scan', 'files', tree, '--json');
          assert.equal(r.code, 0, r.stderr);
          return r.json();
        };
        const first = await scan();
        assert.deepEqual(first.errors, []);
        const listed = await list(custos);
        assert.deepEqual(mismatches(listed), {
          'CN=api.corp.test': `the private key in ${at('tls/api-key.pem')} does not belong to the certificate in ${at('tls/api.pem')} (paired by the same name stem)`,
          'CN=mail.corp.test': `the private key in ${at('private/mail-2024.key')} does not belong to the certificate in ${at('certs/mail.crt')} (paired by ssl_certificate / ssl_certificate_key in ${at('nginx/sites/mail.conf')})`,
        });

        // The certbot lineage is its live/ files: the archive/ versions they point at are no locations of their own.
        const shop = entry(listed, 'CN=shop.test');
        assert.deepEqual(
          shop.locations.map((l) => l.path),
          [at('letsencrypt/live/shop.test/cert.pem'), at('letsencrypt/live/shop.test/fullchain.pem')],
        );
        assert.deepEqual(shop.keyLocations, [
          {
            ...shop.keyLocations[0],
            path: at('letsencrypt/live/shop.test/privkey.pem'),
            pairedWith: [
              { certificatePath: at('letsencrypt/live/shop.test/cert.pem'), layout: 'certbot' },
              { certificatePath: at('letsencrypt/live/shop.test/fullchain.pem'), layout: 'certbot' },
            ],
          },
        ]);
        const located = JSON.stringify(listed.map((e) => e.locations));
        assert.ok(!located.includes('/archive/'), located);

        // inventory show names the key file as the certificate's key, and what paired them.
        const intra = entry(listed, 'CN=intra.corp.test');
        const shown = await custos.run('inventory', 'show', intra.fingerprintSha256.slice(0, 16), '--json');
        assert.equal(shown.code, 0, shown.stderr);
        assert.deepEqual(
          shown.json<Entry>().keyLocations.map((l) => [l.path, l.pairedWith]),
          [
            [
              at('private/intra.key'),
              [{ certificatePath: at('certs/intra.crt'), layout: 'apache', source: at('apache/intra.conf') }],
            ],
          ],
        );
        const text = await custos.run(
          'inventory',
          'show',
          entry(listed, 'CN=web.corp.test').fingerprintSha256,
        );
        assert.equal(text.code, 0, text.stderr);
        assert.match(text.stdout, /PRIVATE KEY AT\s+PAIRED WITH/);
        assert.ok(text.stdout.includes(`${at('tls/web.crt')} (same-stem)`), text.stdout);

        // A configuration named on the command line is recognised as one, not reported as an unrecognised file.
        const named = await custos.run('scan', 'files', at('nginx/sites/mail.conf'), '--json');
        assert.equal(named.code, 0, named.stderr);
        assert.deepEqual(named.json<{ errors: unknown[] }>().errors, []);

        // A second scan reads nothing again (the configurations' pairs are remembered) and finds the same.
        const second = await scan();
        assert.equal(second.unchanged, second.files);
        assert.equal(second.files, first.files);
        const again = await list(custos);
        assert.deepEqual(mismatches(again), mismatches(listed));
        assert.deepEqual(again.map(stable), listed.map(stable));

        // The keys fixed between runs: the findings clear.
        await copyFile(join(dir, 'api-own.key'), at('tls/api-key.pem'));
        await copyFile(join(dir, 'mail-own.key'), at('private/mail-2024.key'));
        await scan();
        assert.deepEqual(mismatches(await list(custos)), {});

        // certbot renews: archive/ gains the second versions, live/ links move to them. The lineage stays its live/
        // files, now holding the new leaf; the old leaf's sightings there end.
        await certbotIssues(2);
        await scan();
        const renewed = (await list(custos)).filter((e) => e.subject === 'CN=shop.test');
        assert.equal(renewed.length, 1, 'the old leaf is no longer installed anywhere');
        assert.notEqual(renewed[0]?.fingerprintSha256, shop.fingerprintSha256);
        assert.deepEqual(
          renewed.map((e) => [
            e.locations.map((l) => l.path),
            e.keyLocations.map((l) => l.path),
            e.findings.filter((f) => f.code === 'key-mismatch'),
          ]),
          [
            [
              [at('letsencrypt/live/shop.test/cert.pem'), at('letsencrypt/live/shop.test/fullchain.pem')],
              [at('letsencrypt/live/shop.test/privkey.pem')],
              [],
            ],
          ],
        );

        // The configuration pointed at another key again: read again, the finding is back.
        await writeFile(
          at('nginx/sites/mail.conf'),
          `server { ssl_certificate ${at('certs/mail.crt')}; ssl_certificate_key ${at('tls/web.key')}; }\n`,
        );
        await scan();
        assert.deepEqual(Object.keys(mismatches(await list(custos))), ['CN=mail.corp.test']);

        // A key file the configuration names that the scan of its directory did not find: nginx would not start.
        // One in a directory never scanned is not known to be missing.
        await writeFile(
          at('nginx/sites/mail.conf'),
          [
            `server { ssl_certificate ${at('certs/mail.crt')}; ssl_certificate_key ${at('tls/mail-gone.key')}; }`,
            `server { ssl_certificate ${at('tls/web.crt')}; ssl_certificate_key /nowhere-scanned/web.key; }`,
            '',
          ].join('\n'),
        );
        await scan();
        const missing = await list(custos);
        assert.deepEqual(
          missing.flatMap((e) =>
            e.findings
              .filter((f) => f.code === 'key-file-missing')
              .map((f) => [e.subject, f.severity, f.message]),
          ),
          [
            [
              'CN=mail.corp.test',
              'high',
              `${at('tls/mail-gone.key')}, the key of ${at('certs/mail.crt')} by ssl_certificate / ssl_certificate_key in ${at('nginx/sites/mail.conf')}, does not exist`,
            ],
          ],
        );
      } finally {
        await custos.cleanup();
        await db.dispose();
      }
    });
  });
}

async function list(custos: Custos): Promise<Entry[]> {
  const r = await custos.run('inventory', 'list', '--json');
  assert.equal(r.code, 0, r.stderr);
  return r.json<Entry[]>();
}

const entry = (entries: Entry[], subject: string): Entry => {
  const found = entries.find((e) => e.subject === subject);
  assert.ok(found, `${subject} is in the inventory`);
  return found;
};

/** What a rescan of unchanged files keeps as it was (everything but when things were last seen). */
const stable = (e: Entry): unknown => [
  e.subject,
  e.locations.map((l) => l.path),
  e.keyLocations.map((l) => [l.path, l.pairedWith]),
  e.findings,
];

/** The key-mismatch message of each certificate that has one, by subject. */
const mismatches = (entries: Entry[]): Record<string, string> =>
  Object.fromEntries(
    entries.flatMap((e) =>
      e.findings.filter((f) => f.code === 'key-mismatch').map((f) => [e.subject, f.message] as const),
    ),
  );
