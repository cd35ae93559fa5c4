/**
 * bench/scan-files: `scanFiles` (the use case behind `custos scan files`) over a generated tree of certificate
 * files, into a fresh SQLite store, on one core, with the machine's raw limits measured beside it on the same run.
 *
 *   npx tsx bench/scan-files.ts [--files 100000] [--regenerate]     (or CUSTOS_BENCH_FILES=10000 for a quick run)
 *   node dist/bench/scan-files.js
 *
 * The tree (bench/.data/scan-files-N/, reused while it holds N files of this generator's version) mixes formats
 * as a real server does: 80% single-certificate PEM, 8% PEM bundles of three certificates, 7% DER, 4% PKCS#7
 * (half PEM, half DER, two certificates plus the CA), 0.1% PKCS#12 (empty password, made by openssl), the rest
 * PEM with text around the block. Every certificate is distinct and really signed: the TBSCertificate is encoded
 * here and signed with one CA key by node:crypto (P-256, ~30k signatures/s), which is ten times faster than
 * @peculiar/x509's generator; generating is not part of any figure.
 *
 * Figures: certificates/s of a first scan with policies and audit (aim >= 5,000), files/s of a rescan of the
 * unchanged tree (aim >= 50,000), and beside them SHA-256 of the same DERs, a bare readFileSync and a bare statSync of every file, the
 * readers alone on the bytes in memory, and bare better-sqlite3 inserts of the same certificate rows (one
 * transaction, one prepared statement). Each raw figure but the inserts (one pass) is the best of three passes.
 *
 * Beside them, the event-loop delay during the first scan (perf_hooks.monitorEventLoopDelay, p50/p99/max; aim p99 <
 * 50 ms), because `custos serve` will scan while it answers requests. The max is the longest single block: p99 of
 * the samples hides one long block, since a block of seconds is one sample. The walk and reads do not block; the
 * store's write transaction after the walk gives the event loop a turn every 20 ms (src/store/event-loop-turns.ts).
 * Measured with 20,000 files on a 2-core machine with a fuzzer on the other core, before and after that change:
 * max 4,526 ms (the whole transaction, one sample: p99 21 ms) and max 343 ms (SQLite's COMMIT of the transaction,
 * which is one synchronous call; p99 84-92 ms, many more samples of 40-150 ms slices, among them major GCs).
 * At 100,000 files (2026-12-05, a slower 2-core machine) the p99 was 96-104 ms, nearly all of it in the transaction
 * after the walk (p99 of the walk alone: 10-12 ms): 5,461-row INSERTs of evaluations (~100 ms each), the 120,000 DERs
 * read back in one query to be linted (2.4 s), and rows made for all certificates, locations and sightings at once.
 * With those in slices of 1,000 and the DERs linted from memory: p99 38-49 ms, the longest block before the COMMIT
 * 0.4 s; the COMMIT itself is 2.5-2.8 s, ~1.5 s of it the WAL checkpoint SQLite runs inside it.
 */
import { execFile } from 'node:child_process';
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  sign,
  webcrypto,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import Database from 'better-sqlite3';
import { systemClock } from '../src/connectors/system/system-clock.js';
import { LocalFileTree } from '../src/connectors/scanner-files/local-file-tree.js';
import { scanFiles, type ScanFilesResult } from '../src/core/scan-files.js';
import { readContainer } from '../src/pki/formats/read-container.js';
import { parseCertificate } from '../src/pki/x509/lean-reader.js';
import type { ParsedCertificate } from '../src/pki/x509/parsed-certificate.js';
import { toCertificateRow } from '../src/store/certificate-rows.js';
import { loadAuditKeyring } from '../src/store/keys/audit-keyring.js';
import { openStore } from '../src/store/open-store.js';
import { aCertificate, asCA, validFor, withSubject } from '../test/support/certificates.js';

const GENERATOR_VERSION = 1;
const DAY_MS = 86_400_000;
const FILES_PER_DIR = 1000;

const { values } = parseArgs({
  options: {
    files: { type: 'string' },
    regenerate: { type: 'boolean', default: false },
    /** Only the two scans, for profiling: `node --cpu-prof dist/bench/scan-files.js --scan-only`. */
    'scan-only': { type: 'boolean', default: false },
  },
});
const FILES = Number(values.files ?? process.env.CUSTOS_BENCH_FILES ?? 100_000);
if (!Number.isInteger(FILES) || FILES < 1000) throw new Error('--files must be an integer >= 1000');

// --- DER encoding of just what a certificate needs ---------------------------------------------------------

function header(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  if (length < 0x100) return Buffer.from([tag, 0x81, length]);
  if (length < 0x10000) return Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.from([tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
}
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([header(tag, body.length), body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const oid = (hex: string) => tlv(0x06, Buffer.from(hex, 'hex'));
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const utcTime = (date: Date) =>
  tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'latin1'));
const name = (cn: string, org: string) =>
  seq(tlv(0x31, seq(oid('550403'), utf8(cn))), tlv(0x31, seq(oid('55040a'), utf8(org))));
const ECDSA_WITH_SHA256 = seq(oid('2a8648ce3d040302'));

interface Signer {
  key: KeyObject;
  issuer: Buffer;
  keyId: Buffer;
}

/** Certificate number i: a leaf for host-i, valid for 90 days ending somewhere from 30 days ago to a year ahead. */
function leafDer(i: number, spki: Buffer, signer: Signer, now: number): Buffer {
  const host = `svc-${i}.team-${i % 97}.bench.example`;
  const serial = createHash('sha256').update(`serial-${i}-${now}`).digest().subarray(0, 16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const notAfter = new Date(now + (((i * 7919) % 395) - 30) * DAY_MS);
  const extensions = [
    seq(oid('551d11'), tlv(0x04, seq(tlv(0x82, Buffer.from(host)), tlv(0x82, Buffer.from(`www.${host}`))))),
    seq(oid('551d0e'), tlv(0x04, tlv(0x04, createHash('sha1').update(serial).digest()))),
    seq(oid('551d23'), tlv(0x04, seq(tlv(0x80, signer.keyId)))),
  ];
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    ECDSA_WITH_SHA256,
    signer.issuer,
    seq(utcTime(new Date(notAfter.getTime() - 90 * DAY_MS)), utcTime(notAfter)),
    name(host, `Team ${i % 97}`),
    spki,
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, signer.key);
  return seq(tbs, ECDSA_WITH_SHA256, tlv(0x03, Buffer.from([0]), signature));
}

/** A degenerate PKCS#7 SignedData holding certificates only (what `openssl crl2pkcs7 -nocrl` writes). */
const pkcs7 = (certificates: Buffer[]) =>
  seq(
    oid('2a864886f70d010702'),
    tlv(
      0xa0,
      seq(
        tlv(0x02, Buffer.from([1])),
        tlv(0x31),
        seq(oid('2a864886f70d010701')),
        tlv(0xa0, ...certificates),
        tlv(0x31),
      ),
    ),
  );

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;

// --- the tree ------------------------------------------------------------------------------------------------

interface Manifest {
  version: number;
  files: number;
  certificates: number;
  formats: Record<string, number>;
}

type Kind = 'pem' | 'pem-text' | 'bundle' | 'der' | 'p7-pem' | 'p7-der' | 'p12';

function kindOf(i: number): Kind {
  const k = i % 1000;
  if (k === 999) return 'p12';
  if (k < 800) return 'pem';
  if (k < 880) return 'bundle';
  if (k < 950) return 'der';
  if (k < 970) return 'p7-pem';
  if (k < 990) return 'p7-der';
  return 'pem-text';
}

async function generateTree(dir: string): Promise<Manifest> {
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tree'), { recursive: true });
  const ca = await aCertificate(withSubject('CN=Bench Issuing CA, O=Custos Bench'), asCA(), validFor(3650));
  const caDer = Buffer.from(ca.der);
  const signer: Signer = {
    key: createPrivateKey({
      key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', ca.keys.privateKey)),
      format: 'der',
      type: 'pkcs8',
    }),
    issuer: Buffer.from(ca.x509.subjectName.toArrayBuffer()),
    keyId: Buffer.from(createHash('sha1').update(caDer).digest()),
  };
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spkis = [ec.publicKey, ec.publicKey, ec.publicKey, rsa.publicKey].map((k) =>
    k.export({ type: 'spki', format: 'der' }),
  );
  const ecKeyPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const now = Date.now();
  const ders: Buffer[] = [];
  const next = (spki = spkis[ders.length % spkis.length]!) => {
    const der = leafDer(ders.length, spki, signer, now);
    ders.push(der);
    return der;
  };
  const formats: Record<string, number> = {};
  const p12Jobs: Array<() => Promise<void>> = [];
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, 'tree', `d${String(Math.floor(i / FILES_PER_DIR)).padStart(4, '0')}`);
    if (i % FILES_PER_DIR === 0) mkdirSync(sub);
    const kind = kindOf(i);
    formats[kind] = (formats[kind] ?? 0) + 1;
    const file = join(sub, `f${i}`);
    switch (kind) {
      case 'pem':
        writeFileSync(`${file}.pem`, pem('CERTIFICATE', next()));
        break;
      case 'pem-text':
        writeFileSync(`${file}.crt`, `subject: certificate ${i}\r\n${pem('CERTIFICATE', next())}\r\n`);
        break;
      case 'bundle':
        writeFileSync(
          `${file}-bundle.pem`,
          [next(), next(), next()].map((d) => pem('CERTIFICATE', d)).join(''),
        );
        break;
      case 'der':
        writeFileSync(`${file}.cer`, next());
        break;
      case 'p7-pem':
        writeFileSync(`${file}.p7b`, pem('PKCS7', pkcs7([next(), next(), caDer])));
        break;
      case 'p7-der':
        writeFileSync(`${file}.p7c`, pkcs7([next(), next(), caDer]));
        break;
      case 'p12': {
        const der = next(spkis[0]); // the EC key, whose private half goes in: openssl checks they match
        p12Jobs.push(async () => {
          writeFileSync(`${file}.crt.tmp`, pem('CERTIFICATE', der));
          writeFileSync(`${file}.key.tmp`, ecKeyPem);
          await promisify(execFile)('openssl', [
            'pkcs12',
            '-export',
            '-in',
            `${file}.crt.tmp`,
            '-inkey',
            `${file}.key.tmp`,
            '-passout',
            'pass:',
            '-out',
            `${file}.p12`,
          ]);
          rmSync(`${file}.crt.tmp`);
          rmSync(`${file}.key.tmp`);
        });
        break;
      }
    }
  }
  for (let i = 0; i < p12Jobs.length; i += 8) await Promise.all(p12Jobs.slice(i, i + 8).map((job) => job()));
  const lengths = Buffer.alloc(4 * ders.length);
  ders.forEach((d, i) => lengths.writeUInt32BE(d.length, 4 * i));
  writeFileSync(join(dir, 'ders.bin'), Buffer.concat([lengths, ...ders]));
  const manifest: Manifest = {
    version: GENERATOR_VERSION,
    files: FILES,
    certificates: ders.length + 1,
    formats,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  console.log(
    `  generated in ${((performance.now() - started) / 1000).toFixed(1)} s (not part of any figure)`,
  );
  return manifest;
}

function readDers(dir: string, count: number): Buffer[] {
  const all = readFileSync(join(dir, 'ders.bin'));
  const ders: Buffer[] = [];
  let offset = 4 * count;
  for (let i = 0; i < count; i++) {
    const length = all.readUInt32BE(4 * i);
    ders.push(all.subarray(offset, offset + length));
    offset += length;
  }
  return ders;
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

// --- measuring -----------------------------------------------------------------------------------------------

function best(passes: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < passes; i++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

interface Row {
  what: string;
  count: number;
  unit: string;
  seconds: number;
  aim?: number;
}

function printRows(rows: Row[]): void {
  const num = (n: number) => Math.round(n).toLocaleString('en');
  const lines = rows.map((r) => {
    const rate = r.count / r.seconds;
    const aim = r.aim === undefined ? '' : `aim >= ${num(r.aim)}: ${rate >= r.aim ? 'met' : 'NOT met'}`;
    return [
      r.what,
      `${num(r.count)} ${r.unit}`,
      `${r.seconds.toFixed(3)} s`,
      `${num(rate)} ${r.unit}/s`,
      aim,
    ];
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...lines.map((l) => l[c]!.length)));
  for (const l of lines) {
    console.log(
      `  ${l[0]!.padEnd(widths[0]!)}  ${l[1]!.padStart(widths[1]!)}  ${l[2]!.padStart(widths[2]!)}  ${l[3]!.padStart(widths[3]!)}  ${l[4]}`,
    );
  }
}

/** How long the event loop waited behind the scan (what a request to `custos serve` would wait), in ms. */
interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

async function timedScan(
  storeDir: string,
  root: string,
): Promise<{ seconds: number; result: ScanFilesResult; loopDelay: LoopDelay }> {
  const auditKeys = await loadAuditKeyring({ dataDir: storeDir });
  const store = await openStore({ dataDir: storeDir, auditKeys });
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  try {
    histogram.enable();
    const started = performance.now();
    const result = await scanFiles(
      { store, clock: systemClock, files: new LocalFileTree(), auditKeys },
      { paths: [root], passwords: [], actor: 'bench:scan-files' },
    );
    const seconds = (performance.now() - started) / 1000;
    // A timer turn, so that a block at the very end of the scan (the store's transaction) is sampled too.
    await new Promise((resolve) => setTimeout(resolve, 20));
    histogram.disable();
    const ms = (ns: number) => ns / 1e6;
    const loopDelay = {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    };
    return { seconds, result, loopDelay };
  } finally {
    histogram.disable();
    await store.close();
  }
}

/** The machine's limits on the same tree and certificates; the first readFileSync pass warms the page cache. */
async function rawLimits(dir: string, root: string, manifest: Manifest): Promise<Row[]> {
  const paths = listFiles(root);
  const ders = readDers(dir, manifest.certificates - 1);
  const rows: Row[] = [];
  const add = (what: string, count: number, unit: string, work: () => void) =>
    rows.push({ what, count, unit, seconds: best(3, work) });
  add('raw: readFileSync of every file', paths.length, 'files', () => {
    for (const p of paths) readFileSync(p);
  });
  add('raw: statSync of every file', paths.length, 'files', () => {
    for (const p of paths) statSync(p);
  });
  add('raw: SHA-256 of the DERs', ders.length, 'certs', () => {
    for (const d of ders) createHash('sha256').update(d).digest();
  });
  const contents = paths.map((p) => readFileSync(p));
  let parsed: ParsedCertificate[] = [];
  add('readContainer + lean reader, in memory', ders.length, 'certs', () => {
    parsed = [];
    for (const bytes of contents)
      for (const c of readContainer(bytes, { passwords: [] }).certificates)
        parsed.push(parseCertificate(c.der));
  });
  const pkcs12 = contents.filter((_, i) => paths[i]!.endsWith('.p12'));
  add(`  of which the ${pkcs12.length} PKCS#12 files alone`, pkcs12.length, 'files', () => {
    for (const bytes of pkcs12) readContainer(bytes, { passwords: [] });
  });
  const certificates = [...new Map(parsed.map((c) => [c.fingerprintSha256, c])).values()];
  const storeDir = join(dir, `raw-store-${process.pid}`);
  try {
    await (await openStore({ dataDir: storeDir })).close();
    const db = new Database(join(storeDir, 'custos.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536'); // as the store opens it
    const certificateRows = certificates.map((c) => toCertificateRow(c, Date.now()));
    const columns = Object.keys(certificateRows[0] ?? {});
    const insert = db.prepare(
      `insert into certificates (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    const started = performance.now();
    db.transaction(() => certificateRows.forEach((row) => insert.run(row)))();
    rows.push({
      what: 'raw: better-sqlite3 inserts of the certificate rows',
      count: certificateRows.length,
      unit: 'rows',
      seconds: (performance.now() - started) / 1000,
    });
    db.close();
  } finally {
    rmSync(storeDir, { recursive: true, force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = resolve('bench', '.data', `scan-files-${FILES}`);
  const root = join(dir, 'tree');
  console.log(`bench/scan-files: ${FILES.toLocaleString('en')} files in ${root}`);
  console.log(
    `  node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(2)} (one core used)`,
  );
  let manifest: Manifest | undefined;
  if (!values.regenerate && existsSync(join(dir, 'manifest.json'))) {
    const found = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (found.version === GENERATOR_VERSION && found.files === FILES) manifest = found;
  }
  if (manifest) console.log('  reusing the generated tree (--regenerate to make it again)');
  else manifest = await generateTree(dir);
  console.log(
    `  formats: ${Object.entries(manifest.formats)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );

  const raw = values['scan-only'] ? [] : await rawLimits(dir, root, manifest);
  const storeDir = join(dir, `store-${process.pid}`);
  try {
    const first = await timedScan(storeDir, root);
    const again = await timedScan(storeDir, root);
    const { certificates, files } = first.result;
    printRows([
      {
        what: 'first scan (scanFiles into SQLite)',
        count: certificates,
        unit: 'certs',
        seconds: first.seconds,
        aim: 5_000,
      },
      { what: 'first scan, the same in files', count: files, unit: 'files', seconds: first.seconds },
      {
        what: 'rescan of the unchanged tree',
        count: again.result.files,
        unit: 'files',
        seconds: again.seconds,
        aim: 50_000,
      },
      ...raw,
    ]);
    const delay = first.loopDelay;
    console.log(
      `  event-loop delay during the first scan (monitorEventLoopDelay, 10 ms resolution): p50 ${delay.p50.toFixed(1)} ms, ` +
        `p99 ${delay.p99.toFixed(1)} ms (aim < 50 ms: ${delay.p99 < 50 ? 'met' : 'NOT met'}), ` +
        `max ${delay.max.toFixed(1)} ms (the longest single block)`,
    );
    const problems = first.result.errors.length;
    console.log(
      `  first scan: ${files} files, ${certificates} certificates (${first.result.new} new), ${problems} errors; ` +
        `rescan: ${again.result.unchanged} unchanged, ${again.result.new} new`,
    );
    if (certificates !== manifest.certificates || problems > 0)
      console.log(`  WARNING: expected ${manifest.certificates} certificates and no errors`);
  } finally {
    rmSync(storeDir, { recursive: true, force: true });
  }
}

await main();
