/**
 * `/metrics` of a real `custos serve` process over a real estate, as a Prometheus operator checks it: a scanned file
 * tree, a real TLS endpoint serving leaf + intermediate (the intermediate expiring first), and managed certificates
 * issued by the built-in CA (one Ready and renewed once, one whose verification endpoint serves something else).
 * `promtool check metrics` (Prometheus's own parser and linter) accepts the exposition; the families carry the names
 * and labels of x509-certificate-exporter, blackbox_exporter and cert-manager; the counters match the steps taken;
 * a read token is needed unless metrics.public is set; a token bound to an owner sees its own certificates,
 * endpoints and managed certificates only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  aCertificate,
  asCA,
  expiringIn,
  issuedBy,
  validFor,
  withDnsNames,
  withFreshKey,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import { aCustos, type Custos } from '../support/cli.js';
import { apiToken, bearer } from '../support/api-token.js';
import { aRuntime, aServer, type ServerProcess } from '../support/server.js';
import { tlsServer, type Running } from '../scan-tls/servers.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of an exposition (label values unescaped): what a PromQL query would select. */
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

const hasPromtool = await new Promise<boolean>((resolve) =>
  execFile('promtool', ['--version'], (error) => resolve(error === null)),
);

function promtool(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(text);
  });
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
const NAME = 'web.corp.example';

/** The owner `payments`: the TLS leaf (by its www name) and the identity of the managed certificate `api`. */
const PAYMENTS = `apiVersion: custos/v1
kind: Owner
metadata: {name: payments}
spec:
  contacts: {email: [payments@corp.example]}
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: payments-web}
spec:
  owner: payments
  order: 10
  match: {dnsNames: [www.${NAME}]}
---
apiVersion: custos/v1
kind: Identity
metadata: {name: api-service}
spec: {kind: service, owner: payments}
`;

function managed(name: string, dir: string, verifyPort: number | null, identity?: string): string {
  return `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: ${name}}
spec:
${identity === undefined ? '' : `  identity: ${identity}\n`}  commonName: ${name}.corp.example
  dnsNames: [${name}.corp.example]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(dir, `${name}.crt`)}, privateKey: ${join(dir, `${name}.key`)}}
${verifyPort === null ? '' : `  verify:\n    - {host: 127.0.0.1, port: ${verifyPort}, sni: ${NAME}}\n`}`;
}

describe('/metrics on custos serve', () => {
  let dir: string;
  let custos: Custos;
  let endpoint: Running;
  let root: BuiltCertificate;
  let intermediate: BuiltCertificate;
  let leaf: BuiltCertificate;
  let file: BuiltCertificate;
  let server: ServerProcess;
  let readToken: string;
  let ownerToken: string;
  let text: string;

  const run = async (...args: string[]) => {
    const result = await custos.run(...args);
    assert.equal(result.code, 0, `custos ${args.join(' ')}: ${result.stdout}${result.stderr}`);
    return result;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custos-metrics-server-'));
    root = await aCertificate(withSubject('CN=Metrics Root CA'), asCA(), validFor(3650));
    intermediate = await aCertificate(
      withSubject('CN=Metrics Issuing CA'),
      asCA({ pathLength: 0 }),
      expiringIn(10),
      withFreshKey(),
      issuedBy(root),
    );
    leaf = await aCertificate(
      withSubject(`CN=${NAME}`),
      withDnsNames(NAME, `www.${NAME}`),
      expiringIn(20),
      withFreshKey(),
      issuedBy(intermediate),
    );
    endpoint = await tlsServer({ key: leaf, chain: [leaf, intermediate] });
    file = await aCertificate(withSubject('CN=files.corp.example'), withDnsNames('files.corp.example'));
    await mkdir(join(dir, 'tree'));
    await mkdir(join(dir, 'deploy'));
    await writeFile(join(dir, 'tree', 'files.pem'), file.pem);
    await writeFile(join(dir, 'root.pem'), root.pem);

    custos = await aCustos();
    await writeFile(join(dir, 'payments.yaml'), PAYMENTS);
    await run('apply', '-f', join(dir, 'payments.yaml'));
    await run('scan', 'files', join(dir, 'tree'));
    await run('scan', 'tls', `127.0.0.1:${endpoint.port}`, '--sni', NAME, '--trust', join(dir, 'root.pem'));
    await run('ca', 'init');
    const manifests = [
      managed('web', join(dir, 'deploy'), null),
      managed('api', join(dir, 'deploy'), endpoint.port, 'api-service'),
    ];
    await writeFile(join(dir, 'managed.yaml'), manifests.join('---\n'));
    await run('apply', '-f', join(dir, 'managed.yaml'));
    // Exit 1: api is not Ready (its endpoint serves another leaf), as intended.
    const reconcile = async () =>
      assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 1);
    await reconcile();
    await run('managed', 'renew', 'web');
    await reconcile();

    const rt = await aRuntime(custos.dataDir as string);
    try {
      readToken = await apiToken(rt, { scopes: ['read'] });
      ownerToken = await apiToken(rt, { scopes: ['read'], owner: 'payments' });
    } finally {
      await rt.store.close();
    }
    server = await aServer([...custos.stateFlags, '--no-workers']);
    const response = await fetch(`${server.url}/metrics`, { headers: bearer(readToken) });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    text = await response.text();
  });

  after(async () => {
    await server?.stop();
    await endpoint?.close();
    await custos?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('without a token: 401 problem+json', async () => {
    const anonymous = await fetch(`${server.url}/metrics`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'CUSTOS_UNAUTHENTICATED');
  });

  test("a token bound to an owner sees that owner's series only, and promtool accepts them", async () => {
    const response = await fetch(`${server.url}/metrics`, { headers: bearer(ownerToken) });
    assert.equal(response.status, 200);
    const own = await response.text();
    const of = (name: string) => samples(own).filter((s) => s.name === name);
    const x509 = of('x509_cert_not_after');
    assert.deepEqual([...new Set(x509.map((s) => s.labels.owner))], ['payments']);
    const fingerprints = new Set(x509.map((s) => s.labels.fingerprint_sha256));
    assert.ok(fingerprints.has(leaf.fingerprintSha256), 'the TLS leaf (its rule)');
    for (const other of [file, intermediate, root])
      assert.ok(!fingerprints.has(other.fingerprintSha256), `not ${other.x509.subject}`);
    assert.ok(
      samples(text).some(
        (s) => s.name === 'x509_cert_not_after' && s.labels.fingerprint_sha256 === file.fingerprintSha256,
      ),
      'the unbound token sees the file',
    );
    const [earliest] = of('probe_ssl_earliest_cert_expiry');
    assert.equal(of('probe_ssl_earliest_cert_expiry').length, 1);
    assert.equal(earliest?.labels.instance, `127.0.0.1:${endpoint.port}`);
    assert.equal(
      earliest?.value,
      seconds(intermediate.x509.notAfter),
      'still the earliest of the whole chain',
    );
    assert.deepEqual(
      of('probe_ssl_last_chain_info').map((s) => s.labels.fingerprint_sha256),
      [leaf.fingerprintSha256],
    );
    assert.deepEqual(
      [...new Set(of('certmanager_certificate_ready_status').map((s) => s.labels.name))],
      ['api'],
      'the managed certificate of its identity, not web',
    );
    const expiringSoon = (exposition: string) =>
      samples(exposition)
        .filter((s) => s.name === 'custos_findings' && s.labels.code === 'expiring-soon')
        .reduce((sum, s) => sum + s.value, 0);
    assert.equal(expiringSoon(own), 1, 'its leaf, not the intermediate');
    assert.equal(expiringSoon(text), 2, 'the leaf and the intermediate');
    for (const global of [
      'x509_read_errors',
      'custos_certificates_issued_total',
      'custos_renewals_total',
      'custos_metrics_series_dropped_total',
    ])
      assert.equal(of(global).length, 0, `${global} is about the whole estate`);
    assert.equal(of('custos_metrics_estate_timestamp_seconds').length, 1);
    if (hasPromtool) {
      const checked = await promtool(own);
      assert.equal(checked.code, 0, checked.output);
    }
  });

  test('promtool check metrics accepts the exposition', { skip: !hasPromtool && 'no promtool' }, async () => {
    const checked = await promtool(text);
    assert.equal(checked.code, 0, checked.output);
  });

  test("x509-certificate-exporter's families name the scanned file, with owner and fingerprint_sha256", () => {
    const series = samples(text).find(
      (s) => s.name === 'x509_cert_not_after' && s.labels.fingerprint_sha256 === file.fingerprintSha256,
    );
    assert.ok(series, text);
    assert.equal(series.labels.filepath, join(dir, 'tree', 'files.pem'));
    assert.equal(series.labels.filename, 'files.pem');
    assert.equal(series.labels.subject_CN, 'files.corp.example');
    // Decimal, as the exporter prints Go's big.Int (custos metrics is the same exposition: test/cli/metrics.test.ts).
    assert.equal(series.labels.serial_number, BigInt(`0x${file.x509.serialNumber}`).toString(10));
    assert.ok('owner' in series.labels);
    assert.equal(series.value, seconds(file.x509.notAfter));
  });

  test('blackbox: the earliest expiry of the served chain (the intermediate) apart from the leaf', () => {
    const instance = `127.0.0.1:${endpoint.port}`;
    const at = (name: string) =>
      samples(text).filter((s) => s.name === name && s.labels.instance === instance && s.labels.sni === NAME);
    const [earliest] = at('probe_ssl_earliest_cert_expiry');
    assert.equal(earliest?.value, seconds(intermediate.x509.notAfter));
    const [own] = at('custos_tls_leaf_not_after_timestamp_seconds');
    assert.equal(own?.value, seconds(leaf.x509.notAfter));
    assert.equal(own?.labels.fingerprint_sha256, leaf.fingerprintSha256);
    const [info] = at('probe_ssl_last_chain_info');
    assert.equal(info?.value, 1);
    assert.equal(info?.labels.fingerprint_sha256, leaf.fingerprintSha256);
    assert.equal(info?.labels.subject, `CN=${NAME}`);
    assert.equal(info?.labels.issuer, 'CN=Metrics Issuing CA');
    assert.equal(info?.labels.subjectalternative, `${NAME},www.${NAME}`);
    assert.equal(info?.labels.serialnumber, leaf.x509.serialNumber.toLowerCase());
  });

  test("cert-manager's families: expiry, renewal and the Ready condition of each managed certificate", () => {
    const of = (name: string, metric: string) =>
      samples(text).filter((s) => s.name === metric && s.labels.name === name);
    const [expiry] = of('web', 'certmanager_certificate_expiration_timestamp_seconds');
    const [renewal] = of('web', 'certmanager_certificate_renewal_timestamp_seconds');
    assert.ok(expiry && renewal, text);
    assert.ok(renewal.value < expiry.value);
    assert.deepEqual(
      { ...expiry.labels },
      { name: 'web', namespace: '', issuer_name: 'default', issuer_kind: 'Issuer', issuer_group: 'custos' },
    );
    const ready = (name: string) =>
      Object.fromEntries(
        of(name, 'certmanager_certificate_ready_status').map((s) => [s.labels.condition, s.value]),
      );
    assert.deepEqual(ready('web'), { True: 1, False: 0, Unknown: 0 });
    assert.deepEqual(ready('api'), { True: 0, False: 1, Unknown: 0 }, 'its endpoint serves another leaf');
  });

  test('counters from the audit trail: issuance, renewal, deployments and verifications by result', () => {
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples(text)
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0);
    assert.equal(value('custos_certificates_issued_total', { ca: 'default' }), 3, 'web twice, api once');
    assert.equal(value('custos_renewals_total', { result: 'success' }), 1);
    assert.equal(value('custos_renewals_total', { result: 'failure' }), 0);
    assert.equal(value('custos_deployments_total', { result: 'success' }), 3);
    assert.ok(value('custos_verifications_total', { result: 'failure' }) >= 1);
    assert.equal(
      value('custos_verifications_total', { result: 'success' }),
      2,
      'web has no endpoint to check',
    );
    assert.ok(value('custos_findings', { code: 'expiring-soon' }) >= 1, 'the TLS leaf expires in 20 days');
    assert.equal(value('custos_metrics_series_dropped_total'), 0);
  });

  test('metrics.public opens /metrics to scrapers without a token; metrics.maxSeries caps each family', async () => {
    const open = await aServer([...custos.stateFlags, '--no-workers'], {
      env: { CUSTOS_METRICS_PUBLIC: 'true', CUSTOS_METRICS_MAX_SERIES: '2' },
    });
    try {
      const response = await fetch(`${open.url}/metrics`);
      assert.equal(response.status, 200);
      const capped = samples(await response.text());
      assert.equal(capped.filter((s) => s.name === 'x509_cert_not_after').length, 2);
      const all = samples(text).filter((s) => s.name === 'x509_cert_not_after').length;
      const dropped = capped.find(
        (s) => s.name === 'custos_metrics_series_dropped_total' && s.labels.family === 'x509_cert_not_after',
      );
      assert.equal(dropped?.value, all - 2);
      // What is kept is what expires first.
      const kept = capped.filter((s) => s.name === 'x509_cert_not_after').map((s) => s.value);
      const first = samples(text)
        .filter((s) => s.name === 'x509_cert_not_after')
        .map((s) => s.value)
        .sort((a, b) => a - b)
        .slice(0, 2);
      assert.deepEqual(kept, first);
    } finally {
      await open.stop();
    }
  });

  test('counters are read incrementally: a renewal by another process shows at the next scrape', async () => {
    const renewals = async () =>
      samples(await (await fetch(`${server.url}/metrics`, { headers: bearer(readToken) })).text()).find(
        (s) => s.name === 'custos_renewals_total' && s.labels.result === 'success',
      )?.value;
    assert.equal(await renewals(), 1);
    await run('managed', 'renew', 'web');
    assert.equal((await custos.run('managed', 'reconcile', '--timeout', '60s')).code, 1);
    assert.equal(await renewals(), 2);
  });
});
