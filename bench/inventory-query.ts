import { spawnSync } from 'node:child_process';
/**
 * bench/inventory-query: 1,000,000 certificates in a SQLite store, then the two inventory queries the CLI makes.
 *
 *   npx tsx bench/inventory-query.ts [--count 1000000] [--bare 200000] [--refill]
 *
 * Prints the store's fill rate, then the same certificate rows (the first --bare of them) inserted by the store's
 * SQLite path, by Kysely multi-row INSERTs and by bare better-sqlite3 into the same empty schema, then
 * `listCertificates({ notAfterBefore: now + 30d })` (aim: under 1 s), `certificatesByPrefix` with a 6-hex-char
 * prefix (aim: under 10 ms), the listing use case over 30 days and its first page of 100 (aim: under 100 ms), each
 * repeated (min / median), and the CLI's whole process (aim: under 3 s for the 30-day JSON listing). The filled store stays in bench/.data/ and is reused
 * while it holds the asked count; `fillInventory` is exported for benches that time the CLI on the same data.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { AuditEventInput } from '../src/core/audit/audit-event.js';
import { evaluate } from '../src/core/evaluation/evaluate.js';
import type { FileLocation } from '../src/core/inventory/location.js';
import { listInventory } from '../src/core/list-inventory.js';
import type { ParsedCertificate } from '../src/pki/x509/parsed-certificate.js';
import { toCertificateRow } from '../src/store/certificate-rows.js';
import { KyselyRowWriter, SqliteRowWriter, type RowWriter } from '../src/store/row-writers.js';
import type { StoreDatabase } from '../src/store/schema.js';
import { openStore } from '../src/store/open-store.js';

const DAY_MS = 86_400_000;
/** Certificates per transaction: a first scan of a large tree writes about this many at once. */
const BATCH = 100_000;
const ACTOR = 'bench:inventory-query';

export function benchDataDir(count: number): string {
  return resolve('bench', '.data', `inventory-${count}`);
}

/** Pseudo-random bytes standing for certificate i's DER (the same on every run, so prefixes can be looked up). */
function syntheticDer(i: number): Buffer {
  const der = Buffer.allocUnsafe(1000 + (i % 200));
  let block = createHash('sha512').update(`custos-bench-${i}`).digest();
  for (let offset = 0; offset < der.length; offset += block.length) {
    block.copy(der, offset);
    block = createHash('sha512').update(block).digest();
  }
  return der;
}

/**
 * Certificate number `i` of a synthetic inventory: DER-sized pseudo-random bytes (about 1.1 kB, as a P-256 leaf with a
 * few names) and fields of realistic length; notAfter spread evenly over the two years after `now` (1,000,000
 * steps of 1.0512 minutes), so about 4% expire within 30 days.
 */
export function syntheticCertificate(i: number, now: Date): ParsedCertificate {
  const der = syntheticDer(i);
  const host = `service-${i}.team-${i % 97}.example.com`;
  const notAfter = new Date(now.getTime() + Math.floor(((i * 7919) % 1_000_000) * 1.0512) * 60_000);
  return {
    der,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    serialNumber: createHash('md5').update(der).digest('hex'),
    subject: `CN=${host}, OU=Team ${i % 97}, O=Example Corp, L=Springfield, C=US`,
    issuer: `CN=Example Issuing CA ${i % 4}, O=Example Corp, C=US`,
    commonName: host,
    subjectAltNames: { dns: [host, `www.${host}`], ip: [], uri: [], email: [] },
    notBefore: new Date(notAfter.getTime() - 90 * DAY_MS),
    notAfter,
    keyAlgorithm: 'ECDSA',
    keySize: 256,
    curve: 'P-256',
    signatureAlgorithm: 'ecdsa-with-SHA256',
    isCA: false,
    pathLength: null,
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    selfSigned: false,
    spiffeId: null,
    subjectKeyId: createHash('sha1').update(der).digest('hex'),
    authorityKeyId: '8f3c1a2b4d5e6f708192a3b4c5d6e7f801122334',
    publicKeySha256: createHash('sha256').update(host).digest('hex'),
    version: 3,
  };
}

const fileOf = (i: number): FileLocation => ({
  kind: 'file',
  path: `/srv/certs/team-${i % 97}/${i}/tls.crt`,
});

function batchOf(from: number, to: number, now: Date): ParsedCertificate[] {
  const certificates: ParsedCertificate[] = [];
  for (let i = from; i < to; i += 1) certificates.push(syntheticCertificate(i, now));
  return certificates;
}

/**
 * Fills a SQLite store in `dataDir` with `count` certificates, each with one open file sighting, the two audit
 * events a scan writes for it and its stored evaluation, in transactions of 100,000. Returns the seconds spent in the store.
 */
export async function fillInventory(options: { dataDir: string; count: number; now: Date }): Promise<number> {
  await rm(options.dataDir, { recursive: true, force: true });
  const store = await openStore({ dataDir: options.dataDir });
  let seconds = 0;
  try {
    for (let from = 0; from < options.count; from += BATCH) {
      const to = Math.min(options.count, from + BATCH);
      const certificates = batchOf(from, to, options.now);
      const sightings = certificates.map((certificate, n) => ({
        location: fileOf(from + n),
        object: { type: 'certificate' as const, fingerprintSha256: certificate.fingerprintSha256 },
      }));
      const events: AuditEventInput[] = certificates.flatMap((certificate, n) => [
        {
          type: 'certificate.discovered',
          actor: ACTOR,
          subject: certificate.fingerprintSha256,
          at: options.now,
          data: { subject: certificate.subject, notAfter: certificate.notAfter.toISOString() },
        },
        {
          type: 'sighting.started',
          actor: ACTOR,
          subject: certificate.fingerprintSha256,
          at: options.now,
          data: { object: 'certificate', location: fileOf(from + n) },
        },
      ]);
      const started = performance.now();
      await store.transaction(async (tx) => {
        const known = await tx.inventory.knownCertificates(certificates.map((c) => c.fingerprintSha256));
        await tx.inventory.insertCertificates(
          certificates.filter((c) => !known.has(c.fingerprintSha256)),
          options.now,
        );
        await tx.inventory.startSightings(sightings, options.now);
        await tx.appendAudit(events);
        // What a scan does with the certificates it starts sightings of: evaluated and stored in its transaction.
        await evaluate(
          { tx, at: options.now, actor: ACTOR },
          sightings.map((s) => s.object.fingerprintSha256),
        );
      });
      seconds += (performance.now() - started) / 1000;
      process.stdout.write(`\r  filled ${to.toLocaleString('en')} / ${options.count.toLocaleString('en')}`);
    }
    process.stdout.write('\n');
  } finally {
    await store.close();
  }
  return seconds;
}

/** A fresh, empty copy of the store's schema, opened bare with better-sqlite3 as the store opens it. */
async function emptySchema(dataDir: string): Promise<Database.Database> {
  await rm(dataDir, { recursive: true, force: true });
  await (await openStore({ dataDir })).close();
  const db = new Database(join(dataDir, 'custos.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  return db;
}

/**
 * The same certificate rows inserted three ways into an empty schema, one transaction each: the store's SQLite
 * path (statements prepared once, a row per run), Kysely multi-row INSERTs in chunks under the parameter limit
 * (the path PostgreSQL takes), and bare better-sqlite3 (a hand-written prepared INSERT, the raw limit).
 */
async function compareRowWriters(dir: string, count: number, now: Date): Promise<Record<string, number>> {
  const rows = batchOf(0, count, now).map((certificate) => toCertificateRow(certificate, now.getTime()));
  const seconds: Record<string, number> = {};
  const viaWriter = async (
    name: string,
    writer: (raw: Database.Database, db: Kysely<StoreDatabase>) => RowWriter,
  ) => {
    const raw = await emptySchema(dir);
    const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: raw }) });
    const started = performance.now();
    raw.exec('BEGIN IMMEDIATE');
    await writer(raw, db).insertCertificates(rows);
    raw.exec('COMMIT');
    seconds[name] = (performance.now() - started) / 1000;
    await db.destroy();
  };
  await viaWriter('store (prepared once, row by row)', (raw, db) => new SqliteRowWriter(raw, db));
  await viaWriter('Kysely multi-row INSERTs', (_raw, db) => new KyselyRowWriter(db, 32766));
  const raw = await emptySchema(dir);
  const columns = Object.keys(rows[0] ?? {});
  const insert = raw.prepare(
    `insert into certificates (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
  );
  const started = performance.now();
  raw.transaction(() => rows.forEach((row) => insert.run(row)))();
  seconds['bare better-sqlite3'] = (performance.now() - started) / 1000;
  raw.close();
  await rm(dir, { recursive: true, force: true });
  return seconds;
}

async function timed<T>(
  runs: number,
  work: (run: number) => Promise<T>,
): Promise<{ min: number; median: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    result = await work(run);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { min: times[0] ?? 0, median: times[Math.floor(times.length / 2)] ?? 0, result: result as T };
}

/** A raw limit of this machine at this moment: SHA-256 over the DER of 20,000 synthetic certificates. */
function hashRate(): string {
  const ders = Array.from({ length: 20_000 }, (_, i) => syntheticDer(i));
  const started = performance.now();
  for (const der of ders) createHash('sha256').update(der).digest();
  return `SHA-256 of the DER ${rate(ders.length, (performance.now() - started) / 1000)}`;
}

const rate = (count: number, seconds: number) =>
  `${Math.round(count / seconds).toLocaleString('en')} certificates/s`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000000' },
      bare: { type: 'string', default: '200000' },
      refill: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  const bareCount = Math.min(count, Number(values.bare));
  const dataDir = benchDataDir(count);
  const metaFile = join(dataDir, 'bench.json');
  console.log(`bench/inventory-query: ${count.toLocaleString('en')} certificates in SQLite (${dataDir})`);
  console.log(
    `  load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}; ${hashRate()}`,
  );

  if (!values.refill && existsSync(metaFile)) {
    console.log('  reusing the filled store (--refill to fill it again)');
  } else {
    const now = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const seconds = await fillInventory({ dataDir, count, now });
    await writeFile(metaFile, JSON.stringify({ now: now.toISOString(), count, seconds }));
    console.log(
      `  store fill       ${rate(count, seconds)}  (certificate + location + sighting + 2 audit events each)`,
    );
    const comparison = await compareRowWriters(
      join(resolve('bench', '.data'), 'row-writers'),
      bareCount,
      now,
    );
    console.log(`  certificate rows alone (${bareCount.toLocaleString('en')}, one transaction):`);
    for (const [name, taken] of Object.entries(comparison))
      console.log(`    ${name.padEnd(36)} ${rate(bareCount, taken)}`);
  }
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { now: string };
  const now = new Date(meta.now);

  const store = await openStore({ dataDir });
  try {
    const expiring = await timed(5, () =>
      store.inventory.listCertificates({ notAfterBefore: new Date(now.getTime() + 30 * DAY_MS) }),
    );
    console.log(
      `  listCertificates(notAfterBefore now+30d): ${expiring.result.length.toLocaleString('en')} certificates,` +
        ` min ${ms(expiring.min)}, median ${ms(expiring.median)}  (aim < 1000 ms)`,
    );
    const prefixes = Array.from({ length: 21 }, (_, i) =>
      syntheticCertificate((i * 45_007) % count, now).fingerprintSha256.slice(0, 6),
    );
    const lookup = await timed(prefixes.length, (run) =>
      store.inventory.certificatesByPrefix(prefixes[run] ?? ''),
    );
    console.log(
      `  certificatesByPrefix(6 hex chars): ${lookup.result.length} found, min ${ms(lookup.min)}, median ${ms(lookup.median)}  (aim < 10 ms)`,
    );
    // The use case the CLI and the server call: the listing with its findings, owners and policy findings (read
    // from the stored evaluations), expiry judged now.
    const clock = { now: () => now };
    const judged = await timed(3, () => listInventory({ store, clock }, { expiringWithinMs: 30 * DAY_MS }));
    console.log(
      `  listInventory(expiring within 30d): ${judged.result.length.toLocaleString('en')} certificates, min ${ms(judged.min)}, median ${ms(judged.median)}`,
    );
    const page = await timed(5, () => listInventory({ store, clock }, { limit: 100 }));
    console.log(
      `  listInventory(first page, limit 100 by notAfter): ${page.result.length} certificates, min ${ms(page.min)}, median ${ms(page.median)}  (aim < 100 ms)`,
    );
  } finally {
    await store.close();
  }

  // The same questions through the command a user types: a new process, the listing judged (findings, owners,
  // the default policies) and printed as JSON.
  const cli = (args: string[]) => {
    const started = performance.now();
    const run = spawnSync(process.execPath, [resolve('bin', 'custos'), '--data-dir', dataDir, ...args], {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`custos ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    return { seconds: (performance.now() - started) / 1000, stdout: run.stdout };
  };
  const listing = cli(['inventory', 'list', '--expiring-within', '30d', '--json']);
  const listed = (JSON.parse(listing.stdout) as unknown[]).length;
  console.log(
    `  custos inventory list --expiring-within 30d --json: ${listed.toLocaleString('en')} certificates in ${ms(listing.seconds * 1000)} (whole process; aim < 3000 ms)`,
  );
  const firstPage = cli(['inventory', 'list', '--limit', '100', '--json']);
  console.log(
    `  custos inventory list --limit 100 --json: ${(JSON.parse(firstPage.stdout) as unknown[]).length} certificates in ${ms(firstPage.seconds * 1000)} (whole process)`,
  );
  // (`inventory show` is not timed here: it decodes the DER, and these rows hold DER-sized random bytes.)
  const version = cli(['--version']);
  console.log(
    `  custos --version: ${ms(version.seconds * 1000)} (Node start-up, the floor of every command above)`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
