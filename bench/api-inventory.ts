/**
 * bench/api-inventory: the inventory API over HTTP at 1,000,000 certificates (the store bench/inventory-query
 * fills, reused while it holds the count). A real server (buildApp + listen on 127.0.0.1) with a bearer token;
 * one client, sequential requests, so each figure is one request's latency:
 *
 *   node dist/bench/api-inventory.js            (CUSTOS_BENCH_API_COUNT=100000 for a quick run)
 *
 * Prints p50 / p99 of `GET /v1/certificates` (first page of 50, by notAfter; aim p99 < 100 ms), a deep page (the
 * cursor of the middle of the inventory), a first page sorted by subject, a filtered first page (unowned), a
 * search, a certificate's page and `GET /v1/summary` (SQL aggregation over every certificate).
 */
import { createApiToken } from '../src/core/auth/api-tokens.js';
import { encodeCursor } from '../src/core/inventory/page-inventory.js';
import { parseCertificate } from '../src/pki/x509/lean-reader.js';
import { aCertificate, withDnsNames } from '../test/support/certificates.js';
import { syntheticCertificate } from './inventory-query.js';
import { anInventoryServer } from './support/inventory-server.js';

const DAY_MS = 86_400_000;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  const { rt, base, count, now, close } = await anInventoryServer('api-inventory');
  const { token } = await createApiToken({ ...rt, actor: 'bench:api-inventory' }, { scopes: ['read'] });
  const headers = { authorization: `Bearer ${token}` };

  const time = async (name: string, url: string, runs: number, aim = ''): Promise<void> => {
    const times: number[] = [];
    let items = 0;
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      const response = await fetch(`${base}${url}`, { headers });
      const body = (await response.json()) as { items?: unknown[] };
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
      items = Array.isArray(body.items) ? body.items.length : 1;
    }
    times.sort((a, b) => a - b);
    console.log(
      `  ${name.padEnd(44)} ${String(items).padStart(3)} items  p50 ${ms(percentile(times, 50)).padStart(8)}  p99 ${ms(percentile(times, 99)).padStart(8)}${aim}`,
    );
  };

  // A certificate's page decodes the stored DER (extensions, PEM), and the synthetic rows hold random bytes: one real
  // certificate, sighted like the others, is the page timed.
  const real = await aCertificate(withDnsNames('page.team-7.example.com'));
  await rt.store.transaction(async (tx) => {
    await tx.inventory.insertCertificates([parseCertificate(real.der)], now);
    await tx.inventory.startSightings(
      [
        {
          location: { kind: 'file', path: '/srv/certs/team-7/page/tls.crt' },
          object: { type: 'certificate', fingerprintSha256: real.fingerprintSha256 },
        },
      ],
      now,
    );
  });
  try {
    // The middle of the inventory by notAfter: synthetic notAfter values are spread evenly over two years.
    const middle = syntheticCertificate(Math.floor(count / 2), now);
    const deep = encodeCursor('notAfter', {
      key: now.getTime() + 365 * DAY_MS,
      fingerprint: middle.fingerprintSha256,
    });
    await time('warm-up', '/v1/certificates', 10);
    await time('GET /v1/certificates (first page of 50)', '/v1/certificates', 200, '  (aim p99 < 100 ms)');
    await time('first page of 500', '/v1/certificates?limit=500', 30);
    await time('deep page (cursor at one year)', `/v1/certificates?cursor=${deep}`, 200);
    await time('first page, sort=-notAfter', '/v1/certificates?sort=-notAfter', 100);
    await time('first page, sort=subject', '/v1/certificates?sort=subject', 100);
    await time('first page, unowned=true', '/v1/certificates?unowned=true', 100);
    await time('first page, finding=expiring-soon', '/v1/certificates?finding=expiring-soon', 100);
    await time('search q=team-42', '/v1/certificates?q=team-42', 10);
    await time(
      'GET /v1/certificates/{fingerprint}',
      `/v1/certificates/${real.fingerprintSha256.slice(0, 16)}`,
      50,
    );
    // The summary's first computation is one pass over every certificate; the server keeps answering meanwhile.
    const healthz: number[] = [];
    let summaryDone = false;
    const summaryStarted = performance.now();
    const summary = fetch(`${base}/v1/summary`, { headers }).then(async (response) => {
      await response.json();
      summaryDone = true;
      return performance.now() - summaryStarted;
    });
    while (!summaryDone) {
      const started = performance.now();
      await (await fetch(`${base}/healthz`)).json();
      healthz.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    healthz.sort((a, b) => a - b);
    console.log(
      `  GET /v1/summary, first computation: ${ms(await summary)}; /healthz meanwhile: ${healthz.length} answers, p50 ${ms(percentile(healthz, 50))}, max ${ms(healthz.at(-1) ?? 0)}`,
    );
    await time('GET /v1/summary (served again)', '/v1/summary', 5);
  } finally {
    await close();
  }
}

await main();
