/**
 * bench/hostile-files: the worst files known for the container readers, each beside a normal file of the same
 * size, read as `custos scan files` reads one file (readContainer, then the lean X.509 reader on each certificate).
 * Each case runs in a child process of its own, so its peak RSS is its own.
 *
 *   node dist/bench/hostile-files.js [--scale 0.25]     (npm run bench -- hostile-files)
 *
 * Hostile files (issue 10): a Kubernetes Secret with 80,000 keys (yaml's duplicate-key check was quadratic),
 * `kind: Secret` followed by 4,000,000 `---` lines, and a PEM bundle of 28,000 distinct certificates (the
 * collector compared each with every earlier one). Their normal twins: a manifest of ordinary Secrets (one
 * tls.crt each), padded with a comment to the same size, and the same bundle size made of one certificate
 * repeated (kept once).
 *
 * Figures on this 2-core machine (shared, load ~3), scale 1:
 *   before (e43d464): secret-80000-keys 38 s, kind-secret-4m-separators 83 s, pem-28000-distinct 68 s / 500 MB
 *   after:            see the report of the hostile branch; the per-file budget (10 s, 50,000 certificates) caps
 *                     anything slower with CUSTOS_FILE_WORK_EXCEEDED.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { children, readTlv } from '../src/pki/asn1/tlv.js';
import { readContainer } from '../src/pki/formats/read-container.js';
import { parseCertificate } from '../src/pki/x509/lean-reader.js';
import { aCertificate } from '../test/support/certificates.js';

const { values } = parseArgs({ options: { scale: { type: 'string' }, case: { type: 'string' } } });
const SCALE = Number(values.scale ?? 1);

const pem = (der: Uint8Array): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

/** `count` distinct certificates: one real one with its serial number rewritten (the readers check no signature). */
function distinctCertificates(template: Uint8Array, count: number): Buffer[] {
  const certificate = readTlv(template, 0);
  const [tbs] = children(template, certificate);
  const [, serial] = children(template, tbs!);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const der = Buffer.from(template);
    createHash('sha256')
      .update(String(i))
      .digest()
      .copy(der, serial!.contentStart + 1, 0, serial!.contentEnd - serial!.contentStart - 1);
    out.push(der);
  }
  return out;
}

function padTo(text: string, size: number): string {
  return text.length >= size ? text : `${text}#${'x'.repeat(size - text.length - 2)}\n`;
}

async function build(name: string): Promise<Buffer> {
  const template = (await aCertificate()).der;
  const certificatePem = pem(template);
  switch (name) {
    case 'secret-80000-keys': {
      const keys = Math.round(80_000 * SCALE);
      const lines = ['apiVersion: v1', 'kind: Secret', 'metadata: {name: many}', 'stringData:'];
      for (let i = 0; i < keys; i++) lines.push(`  key-${i}: "value ${i}"`);
      return Buffer.from(`${lines.join('\n')}\n`);
    }
    case 'kind-secret-4m-separators':
      return Buffer.from(`kind: Secret\n${'---\n'.repeat(Math.round(4_000_000 * SCALE))}`);
    case 'pem-28000-distinct':
      return Buffer.from(
        distinctCertificates(template, Math.round(28_000 * SCALE))
          .map(pem)
          .join(''),
      );
    default: {
      const [kind, sizeText] = name.split(':') as [string, string];
      const size = Number(sizeText);
      if (kind === 'normal-manifest') {
        const base64 = Buffer.from(certificatePem).toString('base64');
        const secrets: string[] = [];
        let length = 0;
        for (let i = 0; length < size * 0.9; i++) {
          const doc = `apiVersion: v1\nkind: Secret\nmetadata: {name: tls-${i}, namespace: apps}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${base64}\n---\n`;
          secrets.push(doc);
          length += doc.length;
        }
        return Buffer.from(padTo(secrets.join(''), size));
      }
      if (kind === 'normal-pem')
        return Buffer.from(certificatePem.repeat(Math.ceil(size / certificatePem.length)));
      throw new Error(`unknown case ${name}`);
    }
  }
}

function runCase(bytes: Buffer): { ms: number; certificates: number; problems: string[] } {
  const started = performance.now();
  const result = readContainer(bytes, { passwords: [], limits: { now: () => performance.now() } });
  let certificates = 0;
  for (const entry of result.certificates) {
    parseCertificate(entry.der);
    certificates += 1;
  }
  return {
    ms: performance.now() - started,
    certificates,
    problems: [...new Set(result.problems.map((p) => p.code))],
  };
}

if (values.case !== undefined) {
  const bytes = await build(values.case);
  const figures = runCase(bytes);
  process.stdout.write(
    JSON.stringify({ ...figures, bytes: bytes.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
} else {
  const child = (name: string) => {
    const run = spawnSync(process.execPath, [process.argv[1]!, '--case', name, '--scale', String(SCALE)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`case ${name} failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as {
      ms: number;
      certificates: number;
      problems: string[];
      bytes: number;
      maxRssMb: number;
    };
  };
  const row = (label: string, r: ReturnType<typeof child>) =>
    console.log(
      `${label.padEnd(34)} ${(r.bytes / 1e6).toFixed(1).padStart(6)} MB  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ` +
        `peak RSS ${r.maxRssMb.toFixed(0).padStart(5)} MB  ${String(r.certificates).padStart(6)} certificates  ${r.problems.join(' ') || '-'}`,
    );
  console.log(`hostile-files, scale ${SCALE} (each case in its own process)`);
  for (const [hostile, normal] of [
    ['secret-80000-keys', 'normal-manifest'],
    ['kind-secret-4m-separators', 'normal-manifest'],
    ['pem-28000-distinct', 'normal-pem'],
  ] as const) {
    const h = child(hostile);
    row(hostile, h);
    row(`  ${normal} (same size)`, child(`${normal}:${h.bytes}`));
  }
}
