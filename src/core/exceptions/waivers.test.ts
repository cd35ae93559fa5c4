import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExceptionObject, IdentityObject } from '../declarative/objects.js';
import type { Finding } from '../findings/finding.js';
import { exceptionState, exceptionsExpiringWithin, waiver, type WaiverSubject } from './waivers.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const fp = 'ab12cd34'.padEnd(64, '0');

function anException(
  name: string,
  expires: Date,
  scope: ExceptionObject['spec']['scope'],
  waives = ['weak-key'],
): ExceptionObject {
  return {
    apiVersion: 'custos/v1',
    kind: 'Exception',
    metadata: { name },
    spec: {
      waives,
      scope,
      reason: 'r',
      compensatingControl: 'c',
      approver: 'a',
      expires: expires.toISOString(),
    },
  };
}

const plc: IdentityObject = {
  apiVersion: 'custos/v1',
  kind: 'Identity',
  metadata: { name: 'plc-7' },
  spec: { kind: 'device', owner: 'ot', labels: { site: 'lyon', family: 'plc' } },
};

const findings: Finding[] = [
  { code: 'weak-key', severity: 'high', message: 'RSA key of 1024 bits' },
  { code: 'expired', severity: 'critical', message: 'expired' },
];

test('an exception waives its codes for its scope; other codes and other certificates stay unwaived', () => {
  const table: Array<[string, ExceptionObject['spec']['scope'], string, IdentityObject | null, boolean]> = [
    ['fingerprint prefix', { fingerprints: ['AB:12:CD:34'] }, fp, null, true],
    ['other fingerprint', { fingerprints: ['ab12cd35'] }, fp, null, false],
    ['identity', { identities: ['plc-7'] }, fp, plc, true],
    ['identity, none linked', { identities: ['plc-7'] }, fp, null, false],
    ['selector', { selector: { labels: { family: 'plc' } } }, fp, plc, true],
    ['selector, other label', { selector: { labels: { family: 'hmi' } } }, fp, plc, false],
    ['all keys must match', { fingerprints: ['ab12cd34'], identities: ['other'] }, fp, plc, false],
  ];
  for (const [label, scope, fingerprint, identity, waived] of table) {
    const marked = waiver([anException('legacy-plc-7', new Date(NOW.getTime() + 30 * DAY), scope)], NOW)(
      findings,
      {
        fingerprintSha256: fingerprint,
        identity,
      },
    );
    assert.equal(marked[0]?.waivedBy, waived ? 'legacy-plc-7' : undefined, label);
    assert.equal(marked[1]?.waivedBy, undefined, label);
    assert.equal(marked.length, 2, `${label}: waived findings stay visible`);
  }
});

test('an expired exception stops waiving; expiry is exclusive', () => {
  const expires = new Date(NOW.getTime() + 1000);
  const e = anException('soon', expires, { fingerprints: [fp] });
  const subject = { fingerprintSha256: fp, identity: null };
  assert.equal(waiver([e], NOW)(findings, subject)[0]?.waivedBy, 'soon');
  assert.equal(waiver([e], expires)(findings, subject)[0]?.waivedBy, undefined);
  assert.equal(waiver([e], new Date(expires.getTime() + DAY))(findings, subject)[0]?.waivedBy, undefined);
});

test('states and the 14-day expiring query', () => {
  const table: Array<[number, 'active' | 'expiring' | 'expired']> = [
    [30 * DAY, 'active'],
    [14 * DAY + 1, 'active'],
    [14 * DAY, 'expiring'],
    [1, 'expiring'],
    [0, 'expired'],
    [-DAY, 'expired'],
  ];
  const all = table.map(([offset], i) =>
    anException(`e${i}`, new Date(NOW.getTime() + offset), { fingerprints: [fp] }),
  );
  table.forEach(([, state], i) =>
    assert.equal(exceptionState(all[i] as ExceptionObject, NOW), state, `e${i}`),
  );
  assert.deepEqual(
    exceptionsExpiringWithin(all, NOW).map((e) => e.metadata.name),
    ['e2', 'e3'],
  );
});

test('location scopes waive only a certificate found nowhere else', () => {
  const trustStore = (path: string) => ({ kind: 'file', path }) as const;
  const endpoint = (host: string, port: number, address: string | null = null) =>
    ({ kind: 'tls', host, port, sni: host, address }) as const;
  const table: Array<[string, ExceptionObject['spec']['scope'], WaiverSubject['locations'], boolean]> = [
    [
      'every file under the glob',
      { paths: ['/etc/ssl/certs/**'] },
      [trustStore('/etc/ssl/certs/a/b.pem')],
      true,
    ],
    [
      'also served elsewhere',
      { paths: ['/etc/ssl/certs/**'] },
      [trustStore('/etc/ssl/certs/b.pem'), endpoint('web.corp.example', 443)],
      false,
    ],
    ['no location at all', { paths: ['/etc/ssl/certs/**'] }, [], false],
    ['one * does not cross /', { paths: ['/etc/ssl/*.pem'] }, [trustStore('/etc/ssl/x/b.pem')], false],
    ['endpoint name glob and port', { endpoints: ['*.plc.corp:502'] }, [endpoint('a.plc.corp', 502)], true],
    ['endpoint other port', { endpoints: ['*.plc.corp:502'] }, [endpoint('a.plc.corp', 443)], false],
    [
      'endpoint any port by address',
      { endpoints: ['10.0.0.5:*'] },
      [endpoint('plc', 8443, '10.0.0.5')],
      true,
    ],
    ['IPv6 in brackets', { endpoints: ['[::1]:8443'] }, [endpoint('::1', 8443)], true],
    [
      'paths and endpoints together cover both',
      { paths: ['/opt/plc/**'], endpoints: ['plc:443'] },
      [trustStore('/opt/plc/cert.pem'), endpoint('plc', 443)],
      true,
    ],
  ];
  for (const [label, scope, locations, waived] of table) {
    const marked = waiver([anException('site', new Date(NOW.getTime() + 30 * DAY), scope)], NOW)(findings, {
      fingerprintSha256: fp,
      identity: null,
      locations,
    });
    assert.equal(marked[0]?.waivedBy, waived ? 'site' : undefined, label);
  }
});
