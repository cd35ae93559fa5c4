import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SUPERSEDED_GRACE_MS, managedFindings } from './managed-findings.js';
import { initialStatus, type CertificateRevision, type ManagedStatus } from './managed-status.js';

const T0 = new Date('2026-12-03T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const fp = (n: number) => String(n).repeat(64);

const revision = (n: number, createdAt: Date): CertificateRevision => ({
  name: 'web',
  revision: n,
  fingerprintSha256: fp(n),
  certificate: new Uint8Array(),
  chain: [],
  sealedPrivateKey: '',
  notBefore: createdAt,
  notAfter: new Date(createdAt.getTime() + 86_400_000),
  createdAt,
});

const status = (
  current: number,
  stale: ManagedStatus['staleEndpoints'] = [],
  updatedAt = T0,
): ManagedStatus => ({
  ...initialStatus('web', T0),
  revision: current,
  fingerprintSha256: fp(current),
  staleEndpoints: stale,
  updatedAt,
});

const B = { host: '10.0.0.6', port: 443, sni: 'web.test' };
const revisions = [revision(1, T0), revision(2, at(10))];

const CASES: Array<{
  name: string;
  status: ManagedStatus;
  now: Date;
  sighted?: Record<string, string[]>;
  expected: Record<string, Array<[string, string]>>;
}> = [
  { name: 'current everywhere: nothing', status: status(2), now: at(120), expected: {} },
  {
    name: 'an endpoint serving something else: stale-deployment on the current revision, naming it',
    status: status(2, [{ ...B, servedFingerprint: null }]),
    now: at(11),
    expected: {
      [fp(2)]: [
        [
          'stale-deployment',
          'revision 2 of managed certificate web is not served at 10.0.0.6:443 (web.test), which serves nothing',
        ],
      ],
    },
  },
  {
    name: 'an endpoint still serving the superseded revision within the grace period: only stale-deployment',
    status: status(2, [{ ...B, servedFingerprint: fp(1) }]),
    now: at(69),
    expected: {
      [fp(2)]: [
        [
          'stale-deployment',
          `revision 2 of managed certificate web is not served at 10.0.0.6:443 (web.test), which serves ${fp(1).slice(0, 16)}`,
        ],
      ],
    },
  },
  {
    name: 'after the grace period it is superseded-still-served too, on the superseded revision',
    status: status(2, [{ ...B, servedFingerprint: fp(1) }]),
    now: at(70),
    expected: {
      [fp(2)]: [
        [
          'stale-deployment',
          `revision 2 of managed certificate web is not served at 10.0.0.6:443 (web.test), which serves ${fp(1).slice(0, 16)}`,
        ],
      ],
      [fp(1)]: [
        [
          'superseded-still-served',
          'revision 1 of managed certificate web was superseded by revision 2 at 2026-12-03T10:10:00.000Z and is still at tls:10.0.0.6:443:web.test',
        ],
      ],
    },
  },
  {
    name: 'a location found by a scan (undeclared) holding the superseded revision after the grace period',
    status: status(2),
    now: at(200),
    sighted: { [fp(1)]: ['tls:10.0.0.9:8443:web.test', 'file:/srv/old/web.crt'] },
    expected: {
      [fp(1)]: [
        [
          'superseded-still-served',
          'revision 1 of managed certificate web was superseded by revision 2 at 2026-12-03T10:10:00.000Z and is still at tls:10.0.0.9:8443:web.test, file:/srv/old/web.crt',
        ],
      ],
    },
  },
  {
    name: 'rolled back to 1: revision 2 is superseded from the rollback on',
    status: status(1, [], at(30)),
    now: at(89),
    sighted: { [fp(2)]: ['tls:10.0.0.9:443:web.test'] },
    expected: {},
  },
  {
    name: 'rolled back to 1, an hour after the rollback revision 2 is still found',
    status: status(1, [], at(30)),
    now: at(90),
    sighted: { [fp(2)]: ['tls:10.0.0.9:443:web.test'] },
    expected: {
      [fp(2)]: [
        [
          'superseded-still-served',
          'revision 2 of managed certificate web was superseded by revision 1 at 2026-12-03T10:30:00.000Z and is still at tls:10.0.0.9:443:web.test',
        ],
      ],
    },
  },
];

for (const c of CASES) {
  test(`managed findings: ${c.name}`, () => {
    const found = managedFindings({
      managed: [{ status: c.status, revisions, graceMs: DEFAULT_SUPERSEDED_GRACE_MS }],
      sightedAt: (f) => c.sighted?.[f] ?? [],
      at: c.now,
    });
    const shown = Object.fromEntries(
      [...found].map(([f, list]) => [f, list.map((x) => [x.code, x.message] as [string, string])]),
    );
    assert.deepEqual(shown, c.expected);
    for (const list of found.values()) for (const f of list) assert.equal(f.severity, 'high');
  });
}

test('managed findings: a certificate never issued has none', () => {
  assert.equal(
    managedFindings({
      managed: [{ status: initialStatus('web', T0), revisions: [], graceMs: 0 }],
      sightedAt: () => ['tls:x:1:'],
      at: T0,
    }).size,
    0,
  );
});
