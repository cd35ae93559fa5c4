/**
 * `/v1/certificates` and `/v1/summary` over a real store with real scanned files, through inject() with real
 * bearer tokens: the listing answers what `custos inventory list --json` prints, cursor pages walk every
 * certificate exactly once (ties on notAfter included) in every sort, filters agree with the CLI's, an owner-bound
 * token sees its owner's certificates only, and a certificate's page carries its chain, sightings and owner.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { aCertificate, withDnsNames } from '../support/certificates.js';
import { apiToken, bearer } from '../support/api-token.js';
import { anEstate, type Estate } from './v1-estate.js';

interface Item {
  fingerprintSha256: string;
  notAfter: string;
  subject: string;
  owner: string | null;
  findings: Array<{ code: string }>;
  locations: Array<{ kind: string }>;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

describe('GET /v1/certificates', () => {
  let estate: Estate;
  let reader: string;
  let alphaReader: string;

  const get = async (url: string, token = reader) => {
    const response = await estate.t.app.inject({ method: 'GET', url, headers: bearer(token) });
    return { status: response.statusCode, type: response.headers['content-type'], body: response.json() };
  };
  const cli = async (...args: string[]): Promise<unknown> => {
    const result = await estate.custos.run(...args);
    assert.equal(result.code, 0, result.stderr);
    return result.json();
  };
  /** Every item of a listing, page by page, and how many pages it took. */
  const walk = async (query: string, token = reader): Promise<{ items: Item[]; pages: number }> => {
    const items: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const { status, body } = await get(`/v1/certificates?${query}${suffix}`, token);
      assert.equal(status, 200, JSON.stringify(body));
      const page = body as Page;
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
      assert.ok(pages < 100, 'the cursor does not advance');
    } while (cursor !== null);
    return { items, pages };
  };

  before(async () => {
    estate = await anEstate();
    reader = await apiToken(estate.t.rt, { scopes: ['read'] });
    alphaReader = await apiToken(estate.t.rt, { scopes: ['read'], owner: 'alpha' });
  });
  after(async () => {
    await estate?.cleanup();
  });

  test('a first page answers what `inventory list --json` prints, with a null nextCursor when it is all', async () => {
    const { status, body } = await get('/v1/certificates?limit=500');
    assert.equal(status, 200);
    const listed = await cli('inventory', 'list', '--json');
    assert.deepEqual((body as Page).items, listed);
    assert.equal((body as Page).nextCursor, null);
    // 7 alpha + 3 chain + 5 beta + 4 nobody.
    assert.equal((body as Page).items.length, 19);
  });

  test('cursor pages of 3 walk every certificate exactly once, in every sort, ties on notAfter included', async () => {
    const all = ((await get('/v1/certificates?limit=500')).body as Page).items;
    for (const sort of ['notAfter', '-notAfter', 'subject', 'owner']) {
      const { items, pages } = await walk(`limit=3&sort=${sort}`);
      assert.equal(pages, Math.ceil(all.length / 3), sort);
      const fingerprints = items.map((i) => i.fingerprintSha256);
      assert.equal(new Set(fingerprints).size, fingerprints.length, `${sort}: a certificate twice`);
      assert.deepEqual([...fingerprints].sort(), all.map((i) => i.fingerprintSha256).sort(), sort);
      const one = ((await get(`/v1/certificates?limit=500&sort=${sort}`)).body as Page).items;
      assert.deepEqual(
        fingerprints,
        one.map((i) => i.fingerprintSha256),
        `${sort}: pages in the listing's order`,
      );
    }
    const byNotAfter = (await walk('limit=3')).items.map((i) => i.notAfter);
    assert.deepEqual(byNotAfter, [...byNotAfter].sort());
    const descending = (await walk('limit=4&sort=-notAfter')).items.map((i) => i.notAfter);
    assert.deepEqual(descending, [...descending].sort().reverse());
  });

  test('filters answer as the CLI does: owner, finding, expiringWithin, unowned', async () => {
    for (const [query, args] of [
      ['owner=alpha', ['--owner', 'alpha']],
      ['finding=expired', ['--finding', 'expired']],
      ['finding=unowned', ['--finding', 'unowned']],
      ['finding=expiring-soon', ['--finding', 'expiring-soon']],
      ['expiringWithin=30d', ['--expiring-within', '30d']],
      ['unowned=true', ['--unowned']],
    ] as const) {
      const listed = await cli('inventory', 'list', '--json', ...args);
      const { items } = await walk(`limit=2&${query}`);
      assert.deepEqual(items, listed, query);
    }
    const expired = (await walk('limit=50&finding=expired')).items;
    assert.deepEqual(
      expired.map((i) => i.fingerprintSha256),
      [estate.nobody[0]?.fingerprintSha256],
    );
  });

  test('q searches names, fingerprint prefixes and owners; locationKind and environment filter', async () => {
    const byName = (await walk('limit=50&q=TIE1.')).items.map((i) => i.subject + i.owner);
    assert.equal(byName.length, 2, JSON.stringify(byName));
    const target = estate.beta[2]?.fingerprintSha256 as string;
    const byPrefix = (await walk(`limit=50&q=${target.slice(0, 10)}`)).items;
    assert.deepEqual(
      byPrefix.map((i) => i.fingerprintSha256),
      [target],
    );
    const byOwner = (await walk('limit=50&q=beta')).items;
    assert.ok(byOwner.length >= 5 && byOwner.every((i) => i.owner === 'beta' || i.subject.includes('beta')));
    assert.equal((await walk('limit=50&locationKind=file')).items.length, 19);
    assert.equal((await walk('limit=50&locationKind=tls')).items.length, 0);
    assert.equal((await walk('limit=50&environment=prod')).items.length, 0);
  });

  test('an owner-bound token sees its owner certificates only, whatever it asks', async () => {
    const mine = (await walk('limit=2', alphaReader)).items;
    assert.equal(mine.length, 10);
    assert.ok(mine.every((i) => i.owner === 'alpha'));
    assert.deepEqual((await walk('limit=5&owner=beta', alphaReader)).items, []);
    assert.deepEqual((await walk('limit=5&unowned=true', alphaReader)).items, []);
    const other = estate.beta[0]?.fingerprintSha256 as string;
    const hidden = await get(`/v1/certificates/${other}`, alphaReader);
    assert.equal(hidden.status, 404);
    assert.equal((hidden.body as { code: string }).code, 'CUSTOS_NOT_FOUND');
    assert.match(String(hidden.type), /^application\/problem\+json/);
  });

  test('invalid input is problem+json with the CLI codes', async () => {
    for (const url of [
      '/v1/certificates?limit=501',
      '/v1/certificates?sort=issuer',
      '/v1/certificates?cursor=bm90LWEtY3Vyc29y',
      '/v1/certificates?expiringWithin=soon',
    ]) {
      const { status, type, body } = await get(url);
      assert.equal(status, 400, url);
      assert.match(String(type), /^application\/problem\+json/);
      assert.equal((body as { code: string }).code, 'CUSTOS_INVALID_ARGUMENT', url);
    }
    const anonymous = await estate.t.app.inject({ method: 'GET', url: '/v1/certificates' });
    assert.equal(anonymous.statusCode, 401);
    const malformed = await get('/v1/certificates/zzzz');
    assert.equal(malformed.status, 400);
  });

  test('a certificate page: the listing fields, its chain, sightings, owner with escalation, audit trail', async () => {
    const { leaf, intermediate, root } = estate.chain;
    const { status, body } = await get(`/v1/certificates/${leaf.fingerprintSha256.slice(0, 12)}`);
    assert.equal(status, 200, JSON.stringify(body));
    const shown = (await cli('inventory', 'show', leaf.fingerprintSha256, '--json')) as Record<
      string,
      unknown
    >;
    const detail = body as Record<string, unknown> & {
      chain: Array<{ fingerprintSha256: string; subject: string }>;
      sightings: Array<{ kind: string; path: string; endedAt: string | null }>;
      ownerDetail: { metadata: { name: string }; spec: { escalation: unknown[] } };
      audit: Array<{ type: string; subject: string }>;
      managed: unknown;
    };
    for (const [key, value] of Object.entries(shown)) assert.deepEqual(detail[key], value, key);
    assert.deepEqual(
      detail.chain.map((c) => c.fingerprintSha256),
      [intermediate.fingerprintSha256, root.fingerprintSha256],
    );
    assert.equal(detail.sightings.length, 1);
    assert.equal(detail.sightings[0]?.endedAt, null);
    assert.ok(detail.sightings[0]?.path.endsWith('chained.pem'));
    assert.equal(detail.ownerDetail.metadata.name, 'alpha');
    assert.equal(detail.ownerDetail.spec.escalation.length, 1);
    assert.ok(detail.audit.some((e) => e.type === 'certificate.discovered'));
    assert.ok(detail.audit.every((e) => e.subject === leaf.fingerprintSha256));
    assert.equal(detail.managed, null);
  });

  test('the summary counts what the listing shows, and its timeline stacks by owner and severity', async () => {
    const { status, body } = await get('/v1/summary');
    assert.equal(status, 200, JSON.stringify(body));
    const summary = body as {
      certificates: number;
      expired: number;
      expiringIn7Days: number;
      expiringIn30Days: number;
      unowned: number;
      openFindings: number;
      timeline: Array<{ total: number; byOwner: Record<string, number>; bySeverity: Record<string, number> }>;
    };
    const all = ((await get('/v1/certificates?limit=500')).body as Page).items;
    const now = Date.now();
    const within = (days: number) =>
      all.filter((i) => {
        const t = Date.parse(i.notAfter);
        return t > now && t <= now + days * 86_400_000;
      }).length;
    assert.equal(summary.certificates, all.length);
    assert.equal(summary.expired, 1);
    assert.equal(summary.expiringIn7Days, within(7));
    assert.equal(summary.expiringIn30Days, within(30));
    assert.equal(summary.unowned, all.filter((i) => i.owner === null).length);
    assert.ok(summary.openFindings >= all.filter((i) => i.findings.length > 0).length);
    assert.equal(summary.timeline.length, 26);
    const inTimeline = summary.timeline.reduce((n, w) => n + w.total, 0);
    assert.equal(inTimeline, within(26 * 7));
    for (const week of summary.timeline) {
      assert.equal(
        Object.values(week.byOwner).reduce((n, c) => n + c, 0),
        week.total,
      );
      assert.equal(
        Object.values(week.bySeverity).reduce((n, c) => n + c, 0),
        week.total,
      );
    }
    const tieWeek = summary.timeline.find((w) => (w.byOwner.alpha ?? 0) >= 4);
    assert.ok(tieWeek !== undefined && (tieWeek.bySeverity.high ?? 0) >= 6, JSON.stringify(summary.timeline));
    const alpha = (await get('/v1/summary', alphaReader)).body as typeof summary;
    assert.equal(alpha.certificates, 10);
    assert.equal(alpha.unowned, 0);
  });

  test('/openapi.json documents the /v1 routes', async () => {
    const response = await estate.t.app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    for (const path of ['/v1/certificates', '/v1/certificates/{fingerprint}', '/v1/summary'])
      assert.ok(paths.includes(path), path);
  });

  // Last: it scans one more certificate into the estate.
  test('the summary is served again until something is recorded, and a scan shows in it at once', async () => {
    const first = (await get('/v1/summary')).body as { at: string; certificates: number };
    const again = (await get('/v1/summary')).body as { at: string; certificates: number };
    assert.equal(again.at, first.at, 'nothing recorded in between: the same summary');
    const dir = await mkdtemp(join(tmpdir(), 'custos-v1-summary-'));
    try {
      await writeFile(join(dir, 'new.pem'), (await aCertificate(withDnsNames('new.example'))).pem);
      await cli('scan', 'files', dir, '--json');
      const after = (await get('/v1/summary')).body as { at: string; certificates: number };
      assert.equal(after.certificates, first.certificates + 1);
      assert.notEqual(after.at, first.at);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
