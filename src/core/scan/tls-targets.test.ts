import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../errors.js';
import { canonicalIp } from './ip-address.js';
import { parsePortList, parseTarget, parseTargetsFile, planTlsScan } from './tls-targets.js';

test('IP addresses have one canonical text (RFC 5952)', () => {
  const cases: Array<[string, string | null]> = [
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0000:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['::', '::'],
    ['1::', '1::'],
    ['010.0.0.1', null],
    ['256.0.0.1', null],
    ['1.2.3', null],
    ['1:2:3:4:5:6:7:8:9', null],
    ['1::2::3', null],
    ['12345::', null],
    ['::1.2.3.4:1', null],
  ];
  for (const [text, want] of cases) assert.equal(canonicalIp(text)?.text ?? null, want, text);
});

test('targets: names, addresses, host:port, bracketed and bare IPv6, CIDR', () => {
  assert.deepEqual(parseTarget('API.Example.com.'), {
    kind: 'name',
    text: 'API.Example.com.',
    host: 'api.example.com',
    port: null,
  });
  assert.deepEqual(parseTarget('db.internal:5432'), {
    kind: 'name',
    text: 'db.internal:5432',
    host: 'db.internal',
    port: 5432,
  });
  assert.deepEqual(parseTarget('10.0.0.1:8443'), {
    kind: 'address',
    text: '10.0.0.1:8443',
    host: '10.0.0.1',
    port: 8443,
  });
  assert.deepEqual(parseTarget('[::1]:8443'), {
    kind: 'address',
    text: '[::1]:8443',
    host: '::1',
    port: 8443,
  });
  assert.deepEqual(parseTarget('[0::1]'), { kind: 'address', text: '[0::1]', host: '::1', port: null });
  assert.deepEqual(parseTarget('fe80::1'), { kind: 'address', text: 'fe80::1', host: 'fe80::1', port: null });
  assert.deepEqual(parseTarget('10.1.2.3/24'), {
    kind: 'range',
    text: '10.1.2.3/24',
    family: 4,
    first: BigInt(0x0a010200),
    size: 256n,
  });
  const v6 = parseTarget('2001:db8::/120');
  assert.equal(v6.kind === 'range' && v6.size, 256n);
});

test('targets that are not targets are refused, naming the target', () => {
  for (const bad of [
    '',
    'a b',
    'host:0',
    'host:70000',
    'host:x',
    '[::1',
    '[nope]:443',
    '1.2.3.4/33',
    '::1/129',
    'x/8',
    'exa$mple.com',
    '1.2.3.256',
    '-bad.example',
    'a..b',
  ]) {
    assert.throws(
      () => parseTarget(bad),
      (e: unknown) =>
        e instanceof DomainError && e.code === 'CUSTOS_INVALID_ARGUMENT' && e.message.includes(bad.trim()),
      bad,
    );
  }
});

test('ports: lists and ranges, de-duplicated; bad ports refused', () => {
  assert.deepEqual(parsePortList('443, 8443,443'), [443, 8443]);
  assert.deepEqual(parsePortList('8000-8003'), [8000, 8001, 8002, 8003]);
  for (const bad of ['', '0', '65536', '10-5', 'https']) {
    assert.throws(
      () => parsePortList(bad),
      (e: unknown) => e instanceof DomainError && e.code === 'CUSTOS_INVALID_ARGUMENT',
      bad,
    );
  }
});

test('targets file: one a line, comments and blank lines skipped', () => {
  assert.deepEqual(parseTargetsFile('# hosts\r\na.example\n\n  10.0.0.0/30  # lab\n[::1]:8443\n'), [
    'a.example',
    '10.0.0.0/30',
    '[::1]:8443',
  ]);
});

test('a plan expands ranges, ports and SNI names; SNI defaults to the name, none for addresses', () => {
  const plan = planTlsScan(
    [parseTarget('a.example'), parseTarget('10.0.0.4/31'), parseTarget('[::1]:8443')],
    {
      ports: [443, 25],
    },
  );
  const endpoints = [...plan.endpoints()];
  assert.equal(plan.total, endpoints.length);
  assert.deepEqual(endpoints, [
    { host: 'a.example', port: 443, sni: 'a.example', starttls: null },
    { host: 'a.example', port: 25, sni: 'a.example', starttls: 'smtp' },
    { host: '10.0.0.4', port: 443, sni: null, starttls: null },
    { host: '10.0.0.4', port: 25, sni: null, starttls: 'smtp' },
    { host: '10.0.0.5', port: 443, sni: null, starttls: null },
    { host: '10.0.0.5', port: 25, sni: null, starttls: 'smtp' },
    { host: '::1', port: 8443, sni: null, starttls: null },
  ]);
});

test('several SNI names make several endpoints; --starttls forces the upgrade on every port', () => {
  const plan = planTlsScan([parseTarget('127.0.0.1:5432'), parseTarget('db.example:6000')], {
    sni: ['One.example', 'two.example'],
    starttls: 'postgres',
  });
  assert.deepEqual(
    [...plan.endpoints()].map((e) => `${e.host}:${e.port}:${e.sni}:${e.starttls}`),
    [
      '127.0.0.1:5432:one.example:postgres',
      '127.0.0.1:5432:two.example:postgres',
      'db.example:6000:one.example:postgres',
      'db.example:6000:two.example:postgres',
    ],
  );
  assert.throws(() => planTlsScan([], { sni: ['not a name'] }), /--sni/);
});

test('a range above the limit is refused before anything is scanned; a /16 is generated lazily', () => {
  assert.throws(
    () => planTlsScan([parseTarget('a.example'), parseTarget('10.0.0.0/15')]),
    (e: unknown) =>
      e instanceof DomainError &&
      e.code === 'CUSTOS_SCAN_RANGE_TOO_LARGE' &&
      e.message === 'range 10.0.0.0/15 holds 131,072 addresses, more than the 65,536 one scan accepts',
  );
  assert.throws(() => planTlsScan([parseTarget('2001:db8::/64')]), /18,446,744,073,709,551,616 addresses/);
  assert.equal(
    planTlsScan([parseTarget('10.0.0.0/15')], { maxRangeAddresses: 1 << 17, maxEndpoints: 1 << 17 }).total,
    131_072,
  );

  const plan = planTlsScan([parseTarget('10.7.0.0/16')]);
  assert.equal(plan.total, 65_536);
  const it = plan.endpoints();
  assert.deepEqual(it.next().value, { host: '10.7.0.0', port: 443, sni: null, starttls: null });
  let last = '';
  for (const e of it) last = e.host;
  assert.equal(last, '10.7.255.255');
  const v6 = [...planTlsScan([parseTarget('2001:db8::fe/127')]).endpoints()].map((e) => e.host);
  assert.deepEqual(v6, ['2001:db8::fe', '2001:db8::ff']);
});

test('ranges skip addresses that are never a unicast destination, and count them', () => {
  const wide = planTlsScan([parseTarget('192.0.0.0/2')], {
    maxRangeAddresses: 2 ** 30,
    maxEndpoints: 2 ** 30,
  });
  assert.equal(wide.skippedAddresses, 2 ** 29, '224.0.0.0/4 and 240.0.0.0/4');
  assert.equal(wide.total, 2 ** 29);
  const hosts = (text: string, limit = 4): string[] => {
    const out: string[] = [];
    for (const e of planTlsScan([parseTarget(text)], {
      maxRangeAddresses: 2 ** 26,
      maxEndpoints: 2 ** 26,
    }).endpoints()) {
      out.push(e.host);
      if (out.length === limit) break;
    }
    return out;
  };
  assert.deepEqual(hosts('0.0.0.0/7', 2), ['1.0.0.0', '1.0.0.1']);
  assert.deepEqual(hosts('224.0.0.0/30'), []);
  assert.deepEqual(hosts('255.255.255.255/32'), []);
  assert.deepEqual(hosts('::/126'), ['::1', '::2', '::3']);
  assert.deepEqual(hosts('ff02::/120'), []);
  const plan = planTlsScan([
    parseTarget('0.0.0.0/30'),
    parseTarget('127.0.0.0/30'),
    parseTarget('ff02::1/128'),
  ]);
  assert.equal(plan.skippedAddresses, 5);
  assert.equal(plan.total, 4);
  assert.deepEqual(
    [...plan.endpoints()].map((e) => e.host),
    ['127.0.0.0', '127.0.0.1', '127.0.0.2', '127.0.0.3'],
  );
});

test('the whole scan has an upper bound on its endpoints, as a range has on its addresses', () => {
  assert.throws(
    () => planTlsScan([parseTarget('10.0.0.0/16')], { ports: [443, 8443] }),
    (e: unknown) =>
      e instanceof DomainError &&
      e.code === 'CUSTOS_SCAN_RANGE_TOO_LARGE' &&
      e.message ===
        'the scan would probe 131,072 endpoints (addresses x ports x SNI names), more than the 65,536 one scan accepts',
  );
  assert.throws(
    () => planTlsScan([parseTarget('10.0.0.0/24'), parseTarget('10.0.1.0/24')], { maxEndpoints: 500 }),
    /512 endpoints/,
  );
  assert.equal(
    planTlsScan([parseTarget('10.0.0.0/16')], { ports: [443, 8443], maxEndpoints: 1 << 17 }).total,
    131_072,
  );
});
