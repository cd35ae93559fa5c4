/**
 * `custos metrics` as a node_exporter user checks it: a scanned tree (a file, a Kubernetes Secret manifest, an
 * expired certificate, a broken file) comes out in x509-certificate-exporter's names and labels, with the values its
 * alert rules and dashboards match on (`serial_number` in decimal, `filename`, `subject_O`, ...), Prometheus's own
 * `promtool check metrics` accepts the text, and `--output` replaces the textfile atomically. On SQLite and
 * PostgreSQL (the labels come from the stored certificates).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  withDnsNames,
  withSubject,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of an exposition (label values unescaped), enough to assert what a PromQL query would see. */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key as string] = (raw as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return out;
}

function promtool(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(text);
  });
}

const hasPromtool = await new Promise<boolean>((resolve) =>
  execFile('promtool', ['--version'], (error) => resolve(error === null)),
);

for (const dialect of DIALECTS)
  describe(`custos metrics on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      test('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let dir: string;
    let custos: Custos;
    let web: Awaited<ReturnType<typeof aCertificate>>;
    let old: Awaited<ReturnType<typeof aCertificate>>;
    let text: string;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custos-metrics-'));
      const ca = await aCertificate(asCA(), withSubject('CN=Corp Issuing CA, O=Corp Trust, C=DE'));
      web = await aCertificate(
        withSubject('CN=web.corp.example, OU=Web, O=Corp, L=Berlin, ST=Land Berlin, C=DE'),
        withDnsNames('web.corp.example'),
        issuedBy(ca),
      );
      old = await aCertificate(withSubject('CN=old\\, legacy'), expiringIn(-2));
      await mkdir(join(dir, 'k8s'));
      await writeFile(join(dir, 'web.pem'), web.pem);
      await writeFile(join(dir, 'old.pem'), old.pem);
      await writeFile(
        join(dir, 'k8s', 'secret.yaml'),
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
      await writeFile(join(dir, 'broken.crt'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n');
      db = await dialect.create();
      custos = await aCustos(
        db.options.databaseUrl === undefined
          ? { dataDir: db.options.dataDir }
          : { databaseUrl: db.options.databaseUrl },
      );
      const scan = await custos.run('scan', 'files', dir, '--json');
      assert.equal(scan.code, 0, scan.stderr);
      const metrics = await custos.run('metrics');
      assert.equal(metrics.code, 0, metrics.stderr);
      text = metrics.stdout;
    });
    after(async () => {
      await custos?.cleanup();
      await db?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    test('x509_cert_not_after per certificate and file, as a Unix timestamp, with the exporter labels', async () => {
      const webFile = samples(text).find(
        (s) => s.name === 'x509_cert_not_after' && s.labels.filepath === join(dir, 'web.pem'),
      );
      assert.ok(webFile, text);
      assert.equal(webFile.value, Math.floor(web.x509.notAfter.getTime() / 1000));
      assert.equal(webFile.labels.filename, 'web.pem');
      assert.deepEqual(
        Object.fromEntries(
          Object.entries(webFile.labels).filter(([name]) => /^(subject|issuer)_/.test(name)),
        ),
        // No subject_ST: the exporter's _ST is the street address, and ST=Land Berlin is the province.
        {
          subject_C: 'DE',
          subject_L: 'Berlin',
          subject_O: 'Corp',
          subject_OU: 'Web',
          subject_CN: 'web.corp.example',
          issuer_C: 'DE',
          issuer_O: 'Corp Trust',
          issuer_CN: 'Corp Issuing CA',
        },
      );
      assert.equal(webFile.labels.fingerprint_sha256, web.fingerprintSha256);
      // The exporter prints Go's big.Int: the decimal of the serial `openssl x509 -serial` prints in hex.
      const { stdout } = await promisify(execFile)('openssl', [
        'x509',
        '-noout',
        '-serial',
        '-in',
        join(dir, 'web.pem'),
      ]);
      const hex = /^serial=([0-9A-F]+)$/m.exec(stdout)?.[1];
      assert.ok(hex, stdout);
      assert.equal(webFile.labels.serial_number, BigInt(`0x${hex}`).toString(10));
      assert.match(webFile.labels.serial_number ?? '', /^[1-9][0-9]*$/);
      assert.ok('owner' in webFile.labels);
    });

    test('a Kubernetes Secret manifest carries secret_namespace and secret_name', () => {
      const secret = samples(text).find(
        (s) => s.name === 'x509_cert_not_after' && s.labels.secret_name === 'web-tls',
      );
      assert.ok(secret, text);
      assert.equal(secret.labels.secret_namespace, 'shop');
      assert.equal(secret.labels.filepath, join(dir, 'k8s', 'secret.yaml'));
      assert.equal(secret.labels.filename, 'secret.yaml');
    });

    test('x509_cert_expired is 1 for the expired certificate only; escaped commas survive in subject_CN', () => {
      const expired = samples(text).filter((s) => s.name === 'x509_cert_expired');
      const byFile = new Map(expired.map((s) => [s.labels.filepath, s]));
      assert.equal(byFile.get(join(dir, 'old.pem'))?.value, 1);
      assert.equal(byFile.get(join(dir, 'old.pem'))?.labels.subject_CN, 'old, legacy');
      assert.equal(
        byFile.get(join(dir, 'old.pem'))?.labels.subject_O,
        undefined,
        'a name without O has no subject_O',
      );
      assert.equal(byFile.get(join(dir, 'web.pem'))?.value, 0);
      assert.ok(samples(text).some((s) => s.name === 'x509_cert_not_before'));
    });

    test('x509_read_errors counts the file the scan could not read', () => {
      const errors = samples(text).find((s) => s.name === 'x509_read_errors');
      assert.equal(errors?.value, 1, text);
    });

    test(
      'promtool check metrics accepts the exposition',
      { skip: !hasPromtool && 'promtool not installed' },
      async () => {
        const checked = await promtool(text);
        assert.equal(checked.code, 0, checked.output);
      },
    );

    test('--output replaces the file atomically and leaves no temp file behind', async () => {
      const out = join(dir, 'textfile');
      await mkdir(out);
      await writeFile(join(out, 'custos.prom'), 'stale\n');
      const first = await custos.run('metrics', '--output', join(out, 'custos.prom'));
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, '');
      // The same exposition, but for when it was judged.
      const judgedAt = /^custos_metrics_estate_timestamp_seconds \d+$/m;
      assert.equal(
        (await readFile(join(out, 'custos.prom'), 'utf8')).replace(judgedAt, ''),
        text.replace(judgedAt, ''),
      );
      assert.deepEqual(await readdir(out), ['custos.prom']);
      const missing = await custos.run('metrics', '--output', join(dir, 'no-such-dir', 'custos.prom'));
      assert.equal(missing.code, 3);
      assert.match(missing.stderr, /^custos: CUSTOS_OUTPUT_WRITE_FAILED: /);
    });
  });
