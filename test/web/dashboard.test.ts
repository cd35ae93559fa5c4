/**
 * The dashboard in a real headless Chromium against a real `custos serve` over a store filled with real data (see
 * estate.ts): signing in through the printed one-time link, the overview's numbers against GET /v1/summary, the
 * inventory's filters, search, sort and pages against GET /v1/certificates, a certificate's page, and the owners,
 * exceptions, managed and audit views. Every step saves a screenshot in test-output/dashboard/.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { aBrowser, type TestBrowser } from '../support/browser.js';
import { aCustos, type Custos } from '../support/cli.js';
import { aServer, type ServerProcess } from '../support/server.js';
import { anEstate, type Estate } from './estate.js';

interface Listed {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
  owner: string | null;
}
interface Summary {
  certificates: number;
  expired: number;
  expiringIn7Days: number;
  expiringIn30Days: number;
  unowned: number;
  staleDeployments: number;
  openFindings: number;
  waivedByException: number;
  timeline: Array<{ total: number }>;
}

let custos: Custos;
let root: string;
let estate: Estate;
let server: ServerProcess;
let browser: TestBrowser;
let page: Page;
let errors: string[];

/** The one-time sign-in link `custos serve` prints (`dashboard: URL`). */
async function loginUrl(s: ServerProcess): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const url = /^dashboard: (\S+)$/m.exec(s.output().stdout)?.[1];
    if (url !== undefined) return url;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`custos serve printed no dashboard line:\n${s.output().stdout}`);
}

/** GET from /v1 with the browser's own session cookie, as the dashboard's scripts do. */
async function api<T>(path: string): Promise<T> {
  const response = await page.request.get(new URL(path, server.url).toString());
  assert.equal(response.status(), 200, `${path}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every certificate the API lists with these parameters, following the cursors. */
async function listAll(params: Record<string, string>): Promise<Listed[]> {
  const items: Listed[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const search = new URLSearchParams({ ...params, limit: '50', ...(cursor === '' ? {} : { cursor }) });
    const pageOf: { items: Listed[]; nextCursor: string | null } = await api(`/v1/certificates?${search}`);
    items.push(...pageOf.items);
    cursor = pageOf.nextCursor;
  }
  return items;
}

const rowFingerprints = (): Promise<string[]> =>
  page
    .locator('table.inventory tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-fingerprint') ?? ''));

/** Does what the user does, then waits until the inventory shows the answer of the request it made. */
async function listed(action: () => Promise<unknown>): Promise<void> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/certificates');
  await action();
  await answered;
  await page.waitForSelector('table.inventory[aria-busy="false"]');
}

before(async () => {
  custos = await aCustos();
  root = await mkdtemp(join(tmpdir(), 'custos-dashboard-'));
  estate = await anEstate(custos, root);
  server = await aServer([...custos.stateFlags, '--no-workers']);
  browser = await aBrowser();
  ({ page, errors } = await browser.aPage());
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await custos?.cleanup();
  await rm(root, { recursive: true, force: true });
});

describe('the dashboard in Chromium', () => {
  test('a browser without a session is told how to sign in', async () => {
    const { page: stranger } = await browser.aPage();
    await stranger.goto(server.url);
    await stranger.getByRole('heading', { name: 'Sign in to Custos' }).waitFor();
    assert.match(await stranger.locator('main').innerText(), /custos token login-code/);
    await browser.screenshot(stranger, '01-sign-in');
    await stranger.context().close();
  });

  test('the printed link signs the browser in; the overview shows the numbers of /v1/summary', async () => {
    await page.goto(await loginUrl(server));
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.waitForLoadState('networkidle');
    const summary = await api<Summary>('/v1/summary');
    assert.equal(summary.expired, estate.expired);
    const headlines = [
      'expired',
      'expiringIn7Days',
      'expiringIn30Days',
      'unowned',
      'staleDeployments',
      'openFindings',
      'waivedByException',
    ] as const;
    for (const key of headlines) {
      const shown = await page.getByTestId(`headline-${key}`).locator('.value').innerText();
      assert.equal(shown, summary[key].toLocaleString('en'), key);
    }
    // The headline counts every waived finding `custos findings --json` (GET /v1/findings) marks: policy findings
    // and built-in ones (expiring-soon, judged when read) alike.
    const findings = await api<Array<{ code: string; waivedBy?: string }>>('/v1/findings');
    const waived = findings.filter((f) => f.waivedBy !== undefined);
    assert.equal(summary.waivedByException, waived.length);
    assert.deepEqual([...new Set(waived.map((f) => `${f.waivedBy}:${f.code}`))].sort(), [
      'legacy-plc:key-type-not-allowed',
      'web-freeze:expiring-soon',
    ]);
    assert.equal(waived.filter((f) => f.code === 'expiring-soon').length, 3, "the web team's three");
    const chartTotal = Number(await page.getByTestId('timeline').getAttribute('data-total'));
    assert.equal(
      chartTotal,
      summary.timeline.reduce((n, w) => n + w.total, 0),
    );
    assert.ok(chartTotal > 0, 'certificates expire in the next 26 weeks');
    await browser.screenshot(page, '02-overview');
    await page.getByRole('button', { name: 'severity' }).click();
    await browser.screenshot(page, '03-overview-by-severity');
  });

  test('the inventory pages through every certificate, 50 at a time, in the order of the API', async () => {
    await listed(() => page.getByRole('link', { name: 'Inventory' }).click());
    const all = await listAll({ sort: 'notAfter' });
    assert.ok(all.length > 50, `${all.length} certificates`);
    const shown: string[] = [];
    shown.push(...(await rowFingerprints()));
    assert.equal(shown.length, 50);
    await browser.screenshot(page, '04-inventory');
    while (await page.getByRole('button', { name: 'Next →' }).isEnabled()) {
      await listed(() => page.getByRole('button', { name: 'Next →' }).click());
      shown.push(...(await rowFingerprints()));
    }
    assert.deepEqual(
      shown,
      all.map((c) => c.fingerprintSha256),
    );
    await listed(() => page.getByRole('button', { name: '← Previous' }).click());
    assert.deepEqual(
      await rowFingerprints(),
      all.slice(0, 50).map((c) => c.fingerprintSha256),
    );
  });

  test('filters, search and sort are answered by the server', async () => {
    await page.goto(`${server.url}/#/certificates`);
    await page.waitForSelector('table.inventory[aria-busy="false"]');
    await page.getByLabel('Owner').fill('web');
    await listed(() => page.getByLabel('Owner').press('Enter'));
    const web = await listAll({ owner: 'web', sort: 'notAfter' });
    assert.equal(web.length, 25);
    assert.deepEqual(
      await rowFingerprints(),
      web.map((c) => c.fingerprintSha256),
    );
    await browser.screenshot(page, '05-inventory-owner-web');

    await listed(() => page.getByLabel('Expiring within').selectOption('7d'));
    const soon = await listAll({ owner: 'web', expiringWithin: '7d', sort: 'notAfter' });
    assert.equal(soon.length, 2);
    assert.deepEqual(
      await rowFingerprints(),
      soon.map((c) => c.fingerprintSha256),
    );

    await listed(() => page.getByRole('link', { name: 'clear filters' }).click());
    const target = estate.leaves.get('api-7.payments.corp.example');
    assert.ok(target !== undefined);
    await page
      .getByPlaceholder('Search name, fingerprint or owner')
      .fill(target.fingerprintSha256.slice(0, 10));
    await listed(() => page.getByRole('button', { name: 'Search' }).click());
    assert.deepEqual(await rowFingerprints(), [target.fingerprintSha256]);
    await browser.screenshot(page, '06-inventory-search');

    await listed(() => page.getByRole('link', { name: 'clear filters' }).click());
    await page.getByLabel('Finding').fill('expired');
    await listed(() => page.getByLabel('Finding').press('Enter'));
    const expired = await listAll({ finding: 'expired', sort: 'notAfter' });
    assert.equal(expired.length, estate.expired);
    assert.deepEqual(
      await rowFingerprints(),
      expired.map((c) => c.fingerprintSha256),
    );

    await listed(() => page.getByRole('link', { name: 'clear filters' }).click());
    await listed(() => page.getByRole('button', { name: /Not after/ }).click());
    const latest = await listAll({ sort: '-notAfter' });
    assert.deepEqual(
      await rowFingerprints(),
      latest.slice(0, 50).map((c) => c.fingerprintSha256),
    );
  });

  test('a certificate page shows its chain, locations, findings, owner, escalation and audit trail', async () => {
    const target = estate.leaves.get('api-0.payments.corp.example');
    assert.ok(target !== undefined);
    await listed(() => page.goto(`${server.url}/#/certificates?q=api-0.payments`));
    await page.getByRole('link', { name: 'api-0.payments.corp.example' }).click();
    await page.getByTestId('certificate-name').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByTestId('fingerprint').innerText(), target.fingerprintSha256);
    assert.equal(await page.getByTestId('owner').innerText(), 'payments');
    const text = await page.locator('main').innerText();
    assert.match(text, /CN=Corp Issuing CA/, 'the chain names the issuing CA');
    assert.match(
      text,
      new RegExp(`${root}/payments/api-0\\.payments\\.corp\\.example\\.pem`),
      'the file location',
    );
    assert.match(text, /expired/, 'the expired finding');
    assert.match(text, /payments-lead@corp\.example/, 'the escalation path');
    assert.match(text, /certificate\.discovered/, 'the audit trail');
    await browser.screenshot(page, '07-certificate');
  });

  test('owners, exceptions, managed certificates and the audit trail', async () => {
    await page.getByRole('link', { name: 'Owners' }).click();
    await page.locator('table.owners').waitFor();
    assert.deepEqual(
      await page
        .locator('table.owners tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-owner'))),
      ['payments', 'web'],
    );
    assert.match(await page.locator('table.owners').innerText(), /payments-oncall@corp\.example/);
    await browser.screenshot(page, '08-owners');
    await listed(() => page.locator('table.owners').getByRole('link', { name: 'payments' }).click());
    const payments = await listAll({ owner: 'payments', sort: 'notAfter' });
    assert.equal(
      await page.getByTestId('page-count').innerText(),
      `${Math.min(50, payments.length)} certificates on this page`,
    );

    await page.getByRole('link', { name: 'Exceptions' }).click();
    await page.locator('table.exceptions').waitFor();
    assert.match(await page.locator('table.exceptions').innerText(), /legacy-plc[\s\S]*weak-key/);
    await browser.screenshot(page, '09-exceptions');

    await page.getByRole('link', { name: 'Managed' }).click();
    await page.locator('table.managed').waitFor();
    assert.match(await page.locator('table.managed').innerText(), /shop-web\s+True\s+Ready/);
    await browser.screenshot(page, '10-managed');

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.locator('table.audit').waitFor();
    await page.getByLabel('Event type').fill('scan');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('table.audit').getByText('scan.completed').waitFor();
    await browser.screenshot(page, '11-audit');
  });

  test("a managed certificate's page shows its conditions; renew and acknowledge are audited as the session", async () => {
    await page.getByRole('link', { name: 'Managed' }).click();
    await page.locator('table.managed tr[data-managed="shop-web"] a').click();
    await page.getByRole('heading', { name: /Managed: shop-web/ }).waitFor();
    assert.match(await page.locator('table.conditions').innerText(), /Ready\s+True\s+Ready/);
    const fingerprint = await page.getByTestId('fingerprint').innerText();

    await page.getByRole('button', { name: 'Renew now' }).click();
    await page
      .getByRole('status')
      .getByText(/Renewal of shop-web requested/)
      .waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page
      .getByRole('status')
      .getByText(/Acknowledged/)
      .waitFor();
    await page.getByText('notice.acknowledged').waitFor();
    await browser.screenshot(page, '12-managed-certificate');

    const me = await api<{ id: string }>('/v1/me');
    const renewals = await api<{ items: Array<{ actor: string; subject: string }> }>(
      '/v1/audit?type=managed.renew-requested',
    );
    assert.deepEqual(
      renewals.items.map((e) => [e.actor, e.subject]),
      [[`dashboard:${me.id}`, 'ManagedCertificate/shop-web']],
    );
    const acks = await api<{ items: Array<{ actor: string }> }>(
      `/v1/audit?type=notice.acknowledged&subject=${fingerprint}`,
    );
    assert.deepEqual(
      acks.items.map((e) => e.actor),
      [`dashboard:${me.id}`],
    );
  });

  test('assign owner: the page and the API agree, and the assignment is audited as the session', async () => {
    const target = estate.leaves.get('legacy-3.corp.example');
    assert.ok(target !== undefined);
    const fingerprint = target.fingerprintSha256;
    await page.goto(`${server.url}/#/certificates/${fingerprint}`);
    // The previous test left another certificate's page open; going to a new hash only re-renders, so wait
    // for this certificate's fingerprint rather than for any certificate page.
    await page.getByTestId('fingerprint').getByText(fingerprint, { exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.match(await page.locator('main').innerText(), /Unowned/);
    await page.getByLabel('New owner').selectOption('web');
    await page.getByRole('button', { name: 'Assign owner' }).click();
    await page
      .getByRole('status')
      .getByText(/Owner set to web/)
      .waitFor();
    await page.getByTestId('owner').getByText('web').waitFor();
    await page.getByText('owner.assigned').waitFor();
    await browser.screenshot(page, '13-assign-owner');

    const detail = await api<{ owner: string | null }>(`/v1/certificates/${fingerprint}`);
    assert.equal(detail.owner, 'web');
    const me = await api<{ id: string }>('/v1/me');
    const assigned = await api<{ items: Array<{ actor: string }> }>(
      `/v1/audit?type=owner.assigned&subject=${fingerprint}`,
    );
    assert.deepEqual(
      assigned.items.map((e) => e.actor),
      [`dashboard:${me.id}`],
    );
    assert.deepEqual(errors, [], 'no script error on any page');
  });
});
