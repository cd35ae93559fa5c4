/**
 * The output flags every listing takes (docs/cli.md#output), through the real CLI: `-o json` prints what `--json`
 * prints, `-o yaml` the same as YAML, `-o wide` the table with more columns, `--no-headers` the rows alone,
 * `--sort-by FIELD` / `-FIELD` sorts (the inventory in the store; the others in the CLI), and an unknown field or
 * format is exit 2 naming what is allowed. Then the same flags against a server. The inventory, findings, exceptions
 * and locations (what `apply` and `scan files` store) run on SQLite and PostgreSQL; the other listings, whose
 * fixtures take many more commands, on SQLite.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import {
  aCertificate,
  expiringIn,
  withDnsNames,
  withFreshKey,
  withSubject,
} from '../support/certificates.js';
import { aCustos, runCustos, type CliResult, type Custos } from '../support/cli.js';
import { aServer } from '../support/server.js';
import { DIALECTS, type TestDatabase } from '../store/dialects.js';
import { startHttpReceiver, type HttpReceiver } from '../notify/support/http-receiver.js';

type Item = Record<string, unknown>;
type Run = (...args: string[]) => Promise<CliResult>;

const ok = (result: CliResult, what: string): CliResult => {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
  return result;
};
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A table line that starts with these cells. */
const startsWith = (...cells: string[]): RegExp => new RegExp(`^${cells.map(escape).join('\\s+')}(\\s|$)`);
const linesOf = (result: CliResult): string[] =>
  result.stdout === '' ? [] : result.stdout.trimEnd().split('\n');

/** Whether the keys run in order (a missing key first), ascending or, with `descending`, the other way. */
function assertSorted(keys: unknown[], descending: boolean, what: string): void {
  const norm = (k: unknown) => (k === null || k === undefined ? '' : k) as string | number;
  for (let i = 1; i < keys.length; i++) {
    const [a, b] = descending ? [norm(keys[i]), norm(keys[i - 1])] : [norm(keys[i - 1]), norm(keys[i])];
    assert.ok(
      a <= b,
      `${what}: ${JSON.stringify(keys)} is not sorted ${descending ? 'descending' : 'ascending'}`,
    );
  }
}

interface ListingCase {
  /** The command, e.g. ['token', 'list']. */
  args: string[];
  /** How many rows the fixture gives it (at least 2, so that an order shows). */
  rows: number;
  /** A header the default table has, and the ones only `-o wide` adds. */
  header: string;
  wide: string[];
  /** The field sorted by, its key in the JSON, and what names the row in the table. */
  sortBy: string;
  key(item: Item): unknown;
  /** What the item's line in the table starts with (its first cells). */
  row(item: Item): RegExp;
  /** The fields the error of an unknown sort field names. */
  fields: string[];
  /** A line under the table (`3 certificates`), which --no-headers leaves out. */
  summary?: RegExp;
}

/** The items in `--sort-by` order: a stable sort by the key (a missing key first), `descending` the other way. */
function sortedBy(items: Item[], key: (item: Item) => unknown, descending: boolean): Item[] {
  const norm = (k: unknown) => (k === null || k === undefined ? '' : k) as string | number;
  const compare = (a: Item, b: Item) => {
    const [x, y] = [norm(key(a)), norm(key(b))];
    return x === y ? 0 : x < y ? -1 : 1;
  };
  return [...items].sort((a, b) => (descending ? -compare(a, b) : compare(a, b)));
}

/**
 * Checks the output flags of one listing (each CLI run costs seconds, so each run checks several things): the
 * table with and without headers, `-o wide` sorted by the field, `-o yaml` sorted the other way, and an unknown
 * sort field.
 */
async function checkListing(run: Run, c: ListingCase): Promise<void> {
  const what = c.args.join(' ');
  const items = ok(await run(...c.args, '--json'), what).json<Item[]>();
  assert.equal(items.length, c.rows, `${what}: the fixture's rows`);

  // The table: a header line, a row per item (and the summary); --no-headers: the rows alone.
  const table = linesOf(ok(await run(...c.args), what));
  assert.match(table[0] ?? '', new RegExp(`(^|\\s)${c.header}(\\s|$)`), `${what}: header line`);
  for (const header of c.wide) assert.ok(!table[0]?.includes(header), `${what}: ${header} only in -o wide`);
  if (c.summary) assert.match(table.at(-1) ?? '', c.summary, `${what}: the summary line`);
  const bare = linesOf(ok(await run(...c.args, '--no-headers'), what));
  assert.equal(
    bare.length,
    c.rows,
    `${what} --no-headers: one line per row, nothing else:\n${bare.join('\n')}`,
  );
  assert.ok(!bare.some((l) => l.includes(c.header)), `${what} --no-headers: no header`);
  // The same rows, aligned to their own widths.
  const cells = (l: string) => l.replace(/\s+/g, ' ');
  assert.deepEqual(
    bare.map(cells),
    table.slice(1, 1 + c.rows).map(cells),
    `${what} --no-headers: the same rows`,
  );

  // -o wide --sort-by FIELD: every column of the table and the wide ones, the rows in that order.
  const wide = linesOf(ok(await run(...c.args, '-o', 'wide', '--sort-by', c.sortBy), what));
  for (const header of [c.header, ...c.wide])
    assert.ok(wide[0]?.includes(header), `${what} -o wide: ${header}`);
  const ascending = sortedBy(items, c.key, false);
  assert.deepEqual(
    wide.slice(1, 1 + c.rows).map((line) => ascending.findIndex((item) => c.row(item).test(line))),
    ascending.map((_, i) => i),
    `${what} -o wide --sort-by ${c.sortBy}:\n${wide.join('\n')}`,
  );

  // -o yaml --sort-by -FIELD: the rows of --json, parsed by the yaml package, the other way round.
  const yaml = parse(
    ok(await run(...c.args, '-o', 'yaml', '--sort-by', `-${c.sortBy}`), what).stdout,
  ) as Item[];
  assert.deepEqual(yaml, sortedBy(items, c.key, true), `${what} -o yaml --sort-by -${c.sortBy}`);

  // An unknown field: exit 2, one line, the code, and the fields it takes.
  const unknown = await run(...c.args, '--sort-by', 'colour');
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /^custos: CUSTOS_INVALID_ARGUMENT: --sort-by: "colour" is not a field/);
  for (const f of c.fields)
    assert.ok(unknown.stderr.includes(f), `${what}: the error names ${f}: ${unknown.stderr}`);
  assert.equal(unknown.stderr.trimEnd().split('\n').length, 1);
}

/** Files of three certificates: a (60 days, owner zeta), b (10 days, owner alpha), c (20 days, nobody's). */
async function inventoryTree(
  root: string,
): Promise<{ manifest: string; fingerprints: Record<string, string> }> {
  const fingerprints: Record<string, string> = {};
  for (const [name, days, dir] of [
    ['a', 60, 'zeta'],
    ['b', 10, 'alpha'],
    ['c', 20, 'none'],
  ] as const) {
    const cert = await aCertificate(
      withSubject(`CN=${name}.listing.test`),
      withDnsNames(`${name}.listing.test`),
      expiringIn(days),
      withFreshKey(),
    );
    fingerprints[name] = cert.fingerprintSha256;
    await mkdir(join(root, 'tree', dir), { recursive: true });
    await writeFile(join(root, 'tree', dir, `${name}.pem`), cert.pem);
  }
  return { manifest: join(root, 'objects.yaml'), fingerprints };
}

function objects(root: string, hook: string, fingerprintC: string): string {
  const day = 86_400_000;
  const now = Date.now();
  const owner = (name: string) => `apiVersion: custos/v1
kind: Owner
metadata: {name: ${name}, labels: {team: ${name}}}
spec:
  contacts:
    webhooks: [{url: "${hook}/${name}", secret: "listing-secret"}]
---
apiVersion: custos/v1
kind: OwnershipRule
metadata: {name: ${name}-files}
spec:
  owner: ${name}
  order: 10
  match:
    paths: ["${root}/tree/${name}/**"]
---
`;
  const exception = (name: string, days: number) => `apiVersion: custos/v1
kind: Exception
metadata: {name: ${name}}
spec:
  waives: [self-signed]
  scope: {fingerprints: ["${fingerprintC.slice(0, 12)}"]}
  reason: "lab certificate"
  compensatingControl: "reachable from the lab network only"
  approver: ciso@corp.example
  expires: "${new Date(now + days * day).toISOString()}"
---
`;
  const managed = (name: string) => `apiVersion: custos/v1
kind: ManagedCertificate
metadata: {name: ${name}}
spec:
  dnsNames: [${name}.corp.example]
  duration: 24h
  issuerRef: {name: default}
  destinations:
    - file: {certificate: ${join(root, `${name}.crt`)}, privateKey: ${join(root, `${name}.key`)}}
---
`;
  return [
    owner('zeta'),
    owner('alpha'),
    exception('old-waiver', 5),
    exception('new-waiver', 100),
    managed('web-b'),
    managed('web-a'),
  ].join('');
}

for (const dialect of DIALECTS) {
  describe(`listing output flags on ${dialect.name}`, () => {
    if (dialect.unavailable !== null) {
      it('runs when its database is available', (t) => t.skip(dialect.unavailable ?? undefined));
      return;
    }
    let db: TestDatabase;
    let custos: Custos;
    let root: string;
    let hook: HttpReceiver;
    let run: Run;
    before(async () => {
      db = await dialect.create();
      custos = await aCustos(
        db.options.databaseUrl === undefined
          ? { dataDir: db.options.dataDir }
          : { databaseUrl: db.options.databaseUrl },
      );
      run = (...args) => custos.run(...args);
      root = await mkdtemp(join(tmpdir(), 'custos-listing-'));
      hook = await startHttpReceiver();
      const { manifest, fingerprints } = await inventoryTree(root);
      await writeFile(manifest, objects(root, hook.url, fingerprints['c'] as string));
      ok(await run('apply', '-f', manifest), 'apply');
      ok(await run('scan', 'files', join(root, 'tree')), 'scan');
      // The inventory, findings, exceptions and locations run on every dialect; the other fixtures on SQLite.
      if (dialect.name !== 'sqlite') return;
      ok(await run('notify', 'run'), 'notify run');
      for (const name of ['tok-b', 'tok-a'])
        ok(await run('token', 'create', '--scopes', 'read', '--name', name), name);
      for (const name of ['zulu', 'alpha']) ok(await run('ca', 'init', '--name', name), `ca init ${name}`);
      for (const name of ['web-b', 'web-a']) ok(await run('managed', 'renew', name), `renew ${name}`);
    });
    after(async () => {
      await hook?.close();
      await custos?.cleanup();
      await db?.dispose();
      await rm(root, { recursive: true, force: true });
    });

    it('inventory list: sorted by the store, --limit keeping the first in that order', async () => {
      const subjectKey = (i: Item) => i['subject'];
      await checkListing(run, {
        args: ['inventory', 'list'],
        rows: 3,
        header: 'FINGERPRINT',
        wide: ['ISSUER', 'KEY', 'LOCATION COUNT'],
        sortBy: 'subject',
        key: subjectKey,
        row: (i) => startsWith(i['fingerprintSha256'] as string),
        fields: ['notAfter', 'subject', 'owner'],
        summary: /^3 certificates$/,
      });
      const names = async (...args: string[]) =>
        ok(await run('inventory', 'list', ...args, '--json'), args.join(' '))
          .json<Item[]>()
          .map((i) => (i['subject'] as string).slice(3, 4));
      assert.deepEqual(await names(), ['b', 'c', 'a'], 'by notAfter by default');
      assert.deepEqual(await names('--sort-by', 'owner'), ['c', 'b', 'a'], 'unowned first, then alpha, zeta');
      assert.deepEqual(
        await names('--sort-by', '-owner', '--limit', '2'),
        ['a', 'b'],
        'the first two of -owner',
      );
      assert.deepEqual(await names('--sort-by', '{.notAfter}', '--limit', '1'), ['b'], "kubectl's {.FIELD}");
      assert.deepEqual(await names('--sort-by', '-notAfter', '--limit', '1'), ['a']);

      // -o json is --json, byte for byte; two formats, or one it does not know, are exit 2.
      const json = ok(await run('inventory', 'list', '--json'), 'inventory list --json');
      assert.equal(ok(await run('inventory', 'list', '-o', 'json'), '-o json').stdout, json.stdout);
      const format = await run('inventory', 'list', '-o', 'xml');
      assert.equal(format.code, 2);
      assert.match(
        format.stderr,
        /^custos: CUSTOS_INVALID_ARGUMENT: -o: "xml" is not an output format \(use one of json, yaml, wide/,
      );
      const both = await run('inventory', 'list', '--json', '-o', 'yaml');
      assert.equal(both.code, 2);
      assert.match(both.stderr, /^custos: CUSTOS_USAGE: --json and -o yaml ask for two formats/);
    });

    it('findings, exceptions list, locations list', async () => {
      const findings = ok(await run('findings', '--json'), 'findings').json<Item[]>();
      await checkListing(run, {
        args: ['findings'],
        rows: findings.length,
        header: 'SEVERITY',
        wide: ['LOCATIONS'],
        sortBy: 'code',
        key: (i) => i['code'],
        row: (i) =>
          startsWith(i['severity'] as string, i['code'] as string, i['fingerprintSha256'] as string),
        fields: ['severity', 'code', 'fingerprintSha256', 'subject'],
        summary: /\(\d+ waived\) on 3 certificates$/,
      });
      await checkListing(run, {
        args: ['exceptions', 'list'],
        rows: 2,
        header: 'APPROVER',
        wide: ['SCOPE', 'COMPENSATING CONTROL'],
        sortBy: 'expires',
        key: (i) => i['expires'],
        row: (i) => startsWith(i['name'] as string),
        fields: ['name', 'state', 'expires', 'approver'],
        summary: /^2 exceptions$/,
      });
      await checkListing(run, {
        args: ['locations', 'list'],
        rows: 3,
        header: 'LAST SEEN',
        wide: ['KIND', 'FIRST SEEN'],
        sortBy: 'locationKey',
        key: (i) => i['locationKey'],
        row: (i) => startsWith(i['locationKey'] as string),
        fields: ['locationKey', 'kind', 'certificates', 'lastSeen'],
        summary: /^3 locations$/,
      });
    });

    if (dialect.name !== 'sqlite') return;

    it('token list, ca list, managed list, jobs list, notify log, get', async () => {
      await checkListing(run, {
        args: ['token', 'list'],
        rows: 2,
        header: 'SCOPES',
        wide: ['CREATED BY', 'REVOKED'],
        sortBy: 'name',
        key: (i) => i['name'],
        row: (i) => startsWith(i['id'] as string),
        fields: ['id', 'name', 'owner', 'expiresAt'],
      });
      await checkListing(run, {
        args: ['ca', 'list'],
        rows: 2,
        header: 'BACKEND',
        wide: ['CERTIFICATES', 'SIGNS FROM', 'CREATED'],
        sortBy: 'name',
        key: (i) => i['name'],
        row: (i) => startsWith(i['name'] as string),
        fields: ['name', 'status', 'notAfter'],
      });
      await checkListing(run, {
        args: ['managed', 'list'],
        rows: 2,
        header: 'READY',
        wide: ['ISSUER'],
        sortBy: 'name',
        key: (i) => i['name'],
        row: (i) => startsWith(i['name'] as string),
        fields: ['name', 'ready', 'renewalTime', 'issuer'],
        summary: /^2 managed certificates, 0 ready$/,
      });
      await checkListing(run, {
        args: ['jobs', 'list'],
        rows: 2,
        header: 'ATTEMPTS',
        wide: ['DEDUP KEY', 'CREATED'],
        sortBy: 'id',
        key: (i) => i['id'],
        row: (i) => startsWith(String(i['id'])),
        fields: ['id', 'kind', 'status', 'nextRunAt'],
        summary: /^2 jobs: 2 queued/,
      });
      const deliveries = ok(await run('notify', 'log', '--json'), 'notify log').json<Item[]>();
      assert.ok(deliveries.length >= 2, `deliveries to both owners: ${JSON.stringify(deliveries)}`);
      await checkListing(run, {
        args: ['notify', 'log'],
        rows: deliveries.length,
        header: 'CONTACT',
        wide: ['NOTICE', 'FIRST ATTEMPT'],
        sortBy: 'owner',
        key: (i) => i['owner'],
        row: (i) => new RegExp(`\\s${escape(i['notice'] as string)}$`),
        fields: ['lastAttemptAt', 'owner', 'reason'],
        summary: /deliveries: \d+ sent, 0 failed$/,
      });

      // get: the table flags; -o yaml stays documents that `apply -f` takes back.
      const owners = ok(await run('get', 'owners', '-o', 'json'), 'get owners').json<Item[]>();
      const name = (o: Item) => (o['metadata'] as { name: string }).name;
      const yaml = ok(await run('get', 'owners', '-o', 'yaml', '--sort-by', '-name'), 'get -o yaml').stdout;
      const documents = parseAllDocuments(yaml).map((d) => d.toJS() as Item);
      assert.deepEqual(documents.map(name), ['zeta', 'alpha']);
      assert.deepEqual(
        documents,
        ['zeta', 'alpha'].map((n) => owners.find((o) => name(o) === n)),
      );
      const bare = linesOf(ok(await run('get', 'owners', '--no-headers', '--sort-by', 'name'), 'get'));
      assert.deepEqual(
        bare.map((l) => l.split(' ')[0]),
        ['alpha', 'zeta'],
      );
      const wide = linesOf(ok(await run('get', 'owners', '-o', 'wide'), 'get -o wide'));
      assert.match(wide[0] ?? '', /^NAME\s+KIND\s+LABELS\s+SUMMARY$/);
      assert.match(wide[1] ?? '', /^alpha\s+Owner\s+team=alpha\s/);
      // The summaries count in words: "0 escalation levels", "1 destination" (not "level(s)").
      assert.match(wide[1] ?? '', /\s-; 0 escalation levels$/);
      const managedObjects = linesOf(
        ok(await run('get', 'managedcertificates', '--sort-by', 'name'), 'get managed'),
      );
      assert.match(
        managedObjects[1] ?? '',
        /^web-a\s+web-a\.corp\.example from default, 24h, 1 destination$/,
      );
      const unknown = await run('get', 'owners', '--sort-by', 'colour');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /CUSTOS_INVALID_ARGUMENT: --sort-by: "colour" .*sort by one of name;/);
    });

    it('the same flags against a server (--server), the inventory sorted by the server', async () => {
      const admin = ok(await run('token', 'create', '--scopes', 'admin', '--json'), 'admin token').json<{
        token: string;
      }>().token;
      const server = await aServer(custos.stateFlags, { timeoutMs: 60_000 });
      try {
        const remote: Run = (...args) =>
          runCustos(args, { cwd: root, env: { CUSTOS_SERVER: server.url, CUSTOS_TOKEN: admin } });
        // The server's JSON has the same fields (a location's in another order).
        for (const args of [
          ['inventory', 'list', '--sort-by', '-owner', '--json'],
          ['inventory', 'list', '--sort-by', 'subject', '--limit', '2', '-o', 'yaml'],
          ['findings', '--sort-by', 'code', '-o', 'yaml'],
        ]) {
          const there = parse(ok(await remote(...args), `remote ${args.join(' ')}`).stdout) as unknown;
          assert.deepEqual(there, parse(ok(await run(...args), args.join(' ')).stdout), args.join(' '));
        }
        for (const args of [
          ['inventory', 'list', '--sort-by', '-notAfter', '--no-headers'],
          ['findings', '--sort-by', '-severity', '-o', 'wide'],
          ['ca', 'list', '-o', 'wide', '--sort-by', '-name'],
          ['managed', 'list', '--no-headers', '--sort-by', '-name'],
          ['get', 'owners', '-o', 'wide', '--sort-by', '-name'],
        ]) {
          const there = ok(await remote(...args), `remote ${args.join(' ')}`);
          const here = ok(await run(...args), args.join(' '));
          assert.equal(there.stdout, here.stdout, args.join(' '));
        }
        const tokens = linesOf(
          ok(await remote('token', 'list', '--no-headers', '--sort-by', 'name'), 'tokens'),
        );
        const names = tokens.map((l) => l.split(/\s+/)[1] as string);
        assert.equal(names.length, 3, 'tok-a, tok-b and the admin token');
        assertSorted(names, false, 'remote token list --sort-by name');
        assert.ok(names.indexOf('tok-a') < names.indexOf('tok-b'));
        const bad = await remote('inventory', 'list', '--sort-by', 'colour');
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /CUSTOS_INVALID_ARGUMENT: --sort-by: "colour"/);
      } finally {
        await server.stop();
      }
    });
  });
}
