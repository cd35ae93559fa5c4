/**
 * `custos inventory show` prints what `openssl x509 -text` would tell about a scanned certificate — key usage,
 * extended key usage, basic constraints, AIA, CRL distribution points, SKI/AKI and the SHA-1 fingerprint beside the
 * SHA-256 one — in the table and (additively) in `--json`, and `--pem` prints the stored certificate, which openssl
 * reads back byte for byte. Subjects and issuers are printed in RFC 4514 order as docs/cli.md promises (the last
 * RDN first: `CN=api.example, O=Example Corp, C=DE`), and a store written before names were kept in that order is
 * brought to it by its migration (0022-rfc4514-names), so names written before and after compare equal. Through the
 * real CLI on every store, against a certificate openssl made.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

const openssl = (args: string[], input?: string): string =>
  execFileSync('openssl', args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });

/** An openssl fingerprint or key id (`AB:CD:...`) as Custos writes hex: lower case, no colons. */
const hex = (text: string): string => text.replace(/:/g, '').toLowerCase();

const RFC_4514 = 'CN=api.example, O=Example Corp, C=DE';

interface Shown {
  fingerprintSha256: string;
  subject: string;
  issuer: string;
  fingerprintSha1: string;
  subjectAltNames: string[];
  pem: string;
  extensions: Record<string, unknown>;
}

for (const dialect of DIALECTS) {
  describe(`inventory show prints the extensions and the PEM on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let dir: string;
    let custos: Custos;
    let database: TestDatabase | undefined;
    let certificate: string;
    let fingerprint: string;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-show-extensions-'));
      await mkdir(join(dir, 'tree'));
      certificate = join(dir, 'tree', 'api.pem');
      openssl([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        '/C=DE/O=Example Corp/CN=api.example',
        '-addext',
        'subjectAltName=DNS:api.example',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        '-addext',
        'extendedKeyUsage=serverAuth,clientAuth,1.3.6.1.4.1.99999.1',
        '-addext',
        'authorityInfoAccess=OCSP;URI:http://ocsp.example/,caIssuers;URI:http://ca.example/ca.crt',
        '-addext',
        'crlDistributionPoints=URI:http://crl.example/ca.crl',
        '-days',
        '30',
        '-keyout',
        join(dir, 'api.key'),
        '-out',
        certificate,
      ]);
      fingerprint = hex(
        openssl(['x509', '-in', certificate, '-noout', '-fingerprint', '-sha256']).split('=')[1]!.trim(),
      );
      database = await dialect.create();
      custos = await aCustos({
        dataDir: database.options.dataDir,
        databaseUrl: database.options.databaseUrl,
      });
      const scanned = await custos.run('scan', 'files', join(dir, 'tree'));
      assert.equal(scanned.code, 0, scanned.stderr);
    });
    after(async () => {
      await custos?.cleanup();
      await database?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test('--json adds the SHA-1 fingerprint and every extension openssl reports', async () => {
      const shown = await custos.run('inventory', 'show', fingerprint.slice(0, 10), '--json');
      assert.equal(shown.code, 0, shown.stderr);
      const view = shown.json<Shown>();
      assert.equal(view.fingerprintSha256, fingerprint);
      assert.deepEqual(view.subjectAltNames, ['api.example'], 'the listing fields stay');
      assert.deepEqual([view.subject, view.issuer], [RFC_4514, RFC_4514]);
      const sha1 = openssl(['x509', '-in', certificate, '-noout', '-fingerprint', '-sha1']).split('=')[1]!;
      assert.equal(view.fingerprintSha1, hex(sha1.trim()));
      const ski = openssl(['x509', '-in', certificate, '-noout', '-ext', 'subjectKeyIdentifier'])
        .split('\n')[1]!
        .trim();
      assert.deepEqual(view.extensions, {
        keyUsage: { critical: true, usages: ['digitalSignature', 'keyEncipherment'] },
        extendedKeyUsage: { critical: false, purposes: ['serverAuth', 'clientAuth', '1.3.6.1.4.1.99999.1'] },
        basicConstraints: { critical: true, ca: false, pathLength: null },
        authorityInfoAccess: {
          critical: false,
          ocsp: ['http://ocsp.example/'],
          caIssuers: ['http://ca.example/ca.crt'],
        },
        crlDistributionPoints: { critical: false, uris: ['http://crl.example/ca.crl'] },
        subjectKeyIdentifier: { critical: false, keyIdentifier: hex(ski) },
        authorityKeyIdentifier: { critical: false, keyIdentifier: hex(ski) },
      });
    });

    test('the table prints them as openssl names them', async () => {
      const shown = await custos.run('inventory', 'show', fingerprint.slice(0, 10));
      assert.equal(shown.code, 0, shown.stderr);
      const sha1 = openssl(['x509', '-in', certificate, '-noout', '-fingerprint', '-sha1']).split('=')[1]!;
      const line = (label: string): string | undefined =>
        shown.stdout
          .split('\n')
          .find((l) => l.startsWith(`${label} `))
          ?.slice(label.length)
          .trim();
      assert.equal(line('SHA-1'), hex(sha1.trim()));
      assert.equal(line('subject'), RFC_4514);
      assert.equal(line('key usage'), 'digitalSignature, keyEncipherment (critical)');
      assert.equal(line('ext. key usage'), 'serverAuth, clientAuth, 1.3.6.1.4.1.99999.1');
      assert.equal(line('basic constr.'), 'not a CA (critical)');
      assert.equal(line('AIA'), 'OCSP http://ocsp.example/, CA issuers http://ca.example/ca.crt');
      assert.equal(line('CRL DP'), 'http://crl.example/ca.crl');
      const ski = openssl(['x509', '-in', certificate, '-noout', '-ext', 'subjectKeyIdentifier']);
      assert.equal(line('SKI'), ski.split('\n')[1]!.trim());
      assert.equal(line('AKI'), line('SKI'));
    });

    test('--pem prints the stored certificate alone, which openssl reads as the same certificate', async () => {
      const shown = await custos.run('inventory', 'show', fingerprint.slice(0, 10), '--pem');
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(
        shown.stdout,
        /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/,
      );
      const read = openssl(['x509', '-noout', '-fingerprint', '-sha256'], shown.stdout);
      assert.equal(hex(read.split('=')[1]!.trim()), fingerprint);
      assert.equal(shown.stdout, openssl(['x509', '-in', certificate]), 'the same PEM as the file');
      const both = await custos.run('inventory', 'show', fingerprint.slice(0, 10), '--pem', '--json');
      assert.equal(both.code, 2);
      assert.match(both.stderr, /CUSTOS_USAGE: --json and --pem cannot be given together/);
    });

    test('a store that kept names in their encoded order is brought to RFC 4514 order by its migration', async () => {
      await database?.exec(
        "update certificates set subject = 'C=DE, O=Example Corp, CN=api.example', issuer = 'C=DE, O=Example Corp, CN=api.example'",
      );
      await database?.exec("delete from kysely_migration where name = '0022-rfc4514-names'");
      const listed = await custos.run('inventory', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      const [row] = listed.json<Shown[]>();
      assert.deepEqual([row?.subject, row?.issuer], [RFC_4514, RFC_4514]);
    });

    // Last: it corrupts the stored certificate.
    test("a stored DER changed behind Custos's back is CUSTOS_STORE_FAILED (exit 3), and the listing still answers", async () => {
      await database?.exec(
        dialect.name === 'sqlite'
          ? "update certificates set der = X'E3FF00'"
          : "update certificates set der = '\\xe3ff00'::bytea",
      );
      const shown = await custos.run('inventory', 'show', fingerprint.slice(0, 10));
      assert.equal(shown.code, 3, shown.stderr);
      assert.match(
        shown.stderr,
        new RegExp(
          `^custos: CUSTOS_STORE_FAILED: The stored DER of certificate ${fingerprint} does not decode`,
        ),
      );
      const listed = await custos.run('inventory', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      assert.equal(listed.json<Shown[]>()[0]?.fingerprintSha256, fingerprint);
    });
  });
}
