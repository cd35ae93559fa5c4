import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostMatches, parseReferenceIdentity, type PresentedIdentities } from './hostname.js';
import { formatIpAddress, parseIpAddress } from '../ip-address.js';

const ip = (text: string): Uint8Array => {
  const bytes = parseIpAddress(text);
  assert.ok(bytes, `${text} parses`);
  return bytes;
};
const sans = (dns: string[], ips: string[] = []): PresentedIdentities => ({ dns, ip: ips.map(ip) });

/** [presented dNSNames, presented IPs, reference host, expected match, why] */
const CASES: [string[], string[], string, boolean, string][] = [
  [['api.example.com'], [], 'api.example.com', true, 'exact name'],
  [['API.Example.COM'], [], 'api.example.com', true, 'ASCII case-insensitive (presented)'],
  [['api.example.com'], [], 'Api.EXAMPLE.com', true, 'ASCII case-insensitive (reference)'],
  [['api.example.com.'], [], 'api.example.com', true, 'trailing dot on the presented name ignored'],
  [['api.example.com'], [], 'api.example.com.', true, 'trailing dot on the reference ignored'],
  [['api.example.com'], [], 'www.example.com', false, 'another name'],
  [['example.com'], [], 'api.example.com', false, 'a parent name does not cover a subdomain'],
  [['*.example.com'], [], 'api.example.com', true, 'wildcard covers one left-most label'],
  [['*.example.com'], [], 'a.b.example.com', false, 'wildcard covers exactly one label'],
  [['*.example.com'], [], 'example.com', false, 'wildcard does not cover the bare base'],
  [['*.example.com'], [], '.example.com', false, 'wildcard does not cover an empty label'],
  [['*.Example.Com'], [], 'API.example.com', true, 'wildcard compared case-insensitively'],
  [['f*.example.com'], [], 'foo.example.com', false, 'partial wildcard refused (prefix)'],
  [['*o.example.com'], [], 'foo.example.com', false, 'partial wildcard refused (suffix)'],
  [['f*o.example.com'], [], 'foo.example.com', false, 'partial wildcard refused (inside)'],
  [['api.*.example.com'], [], 'api.x.example.com', false, 'wildcard only in the left-most label'],
  [['*.*.example.com'], [], 'a.b.example.com', false, 'two wildcards refused'],
  [['*'], [], 'localhost', false, 'bare wildcard refused'],
  [['*.com'], [], 'example.com', false, 'wildcard over a 2-label name (*.com) refused'],
  [['*.co'], [], 'example.co', false, 'wildcard over a 2-label name (*.co) refused'],
  [['*.example.co.uk'], [], 'shop.example.co.uk', true, 'wildcard under a 3-label base'],
  [['xn--bcher-kva.example'], [], 'xn--bcher-kva.example', true, 'A-label compared as ASCII'],
  [['xn--bcher-kva.example'], [], 'bücher.example', true, 'U-label reference converted to its A-label'],
  [['XN--BCHER-KVA.example'], [], 'bücher.example', true, 'A-label case-insensitive'],
  [['bücher.example'], [], 'bücher.example', false, 'a presented U-label (not IA5) never matches'],
  [['*.example.com'], [], 'xn--bcher-kva.example.com', true, 'wildcard covers an A-label'],
  [['xn--*.example.com'], [], 'xn--bcher-kva.example.com', false, 'wildcard inside an A-label refused'],
  [['*.example.com'], [], 'bücher.example.com', true, 'wildcard covers a U-label reference via its A-label'],
  [[], ['192.0.2.10'], '192.0.2.10', true, 'IPv4 against an IP SAN'],
  [[], ['192.0.2.10'], '192.0.2.11', false, 'another IPv4'],
  [['192.0.2.10'], [], '192.0.2.10', false, 'IPv4 never against a dNSName'],
  [['*.2.10'], ['192.0.2.11'], '192.0.2.10', false, 'IPv4 never against a wildcard'],
  [[], ['192.0.2.10'], '0192.0.2.10', false, 'leading-zero (octal-looking) IPv4 is no address'],
  [[], ['2001:db8::1'], '2001:db8::1', true, 'IPv6 compressed'],
  [[], ['2001:db8::1'], '2001:0DB8:0000:0000:0000:0000:0000:0001', true, 'IPv6 full form, upper case'],
  [[], ['2001:db8::1'], '[2001:db8::1]', true, 'IPv6 in brackets'],
  [[], ['2001:db8:0:0:0:0:0:1'], '2001:db8::1', true, 'presented IPv6 in another text form'],
  [[], ['::ffff:192.0.2.10'], '::ffff:c000:20a', true, 'IPv4-mapped IPv6, dotted and hex tails'],
  [[], ['192.0.2.10'], '::ffff:192.0.2.10', false, 'IPv4-mapped IPv6 is not the IPv4 address'],
  [[], ['::1'], '::1', true, 'IPv6 loopback'],
  [[], ['::1'], 'fe80::1%eth0', false, 'zone ids refused'],
  [['localhost'], [], '::1', false, 'IPv6 never against a dNSName'],
];

for (const [dns, ips, host, expected, why] of CASES) {
  test(`hostname: ${why} (${[...dns, ...ips].join(', ') || '-'} vs ${host})`, () => {
    assert.equal(hostMatches(sans(dns, ips), host), expected);
  });
}

test('hostname: the CN is never a name — an identity without SANs matches nothing', () => {
  // A certificate with CN=api.example.com and no subjectAltName presents no identities at all.
  assert.equal(hostMatches(sans([]), 'api.example.com'), false);
});

test('hostname: reference identities parse strictly', () => {
  assert.deepEqual(parseReferenceIdentity('API.example.COM.'), { kind: 'dns', name: 'api.example.com' });
  assert.equal(parseReferenceIdentity(''), null);
  assert.equal(parseReferenceIdentity('a..example'), null);
  assert.equal(parseReferenceIdentity('-a.example'), null);
  assert.equal(parseReferenceIdentity('a b.example'), null);
  assert.equal(parseReferenceIdentity(`${'a'.repeat(64)}.example`), null);
  assert.equal(parseReferenceIdentity('1.2.3.4')?.kind, 'ip');
  assert.equal(parseReferenceIdentity('1.2.3.256')?.kind, 'dns');
});

test('ip-address: RFC 5952 text for IPv6, dotted for IPv4', () => {
  assert.equal(formatIpAddress(ip('2001:0db8:0000:0000:0001:0000:0000:0001')), '2001:db8::1:0:0:1');
  assert.equal(formatIpAddress(ip('2001:db8:0:1:1:1:1:1')), '2001:db8:0:1:1:1:1:1');
  assert.equal(formatIpAddress(ip('::')), '::');
  assert.equal(formatIpAddress(ip('::1')), '::1');
  assert.equal(formatIpAddress(ip('10.0.0.1')), '10.0.0.1');
  assert.equal(parseIpAddress('1:2:3:4:5:6:7:8:9'), null);
  assert.equal(parseIpAddress('1::2::3'), null);
  assert.equal(parseIpAddress('12345::1'), null);
});
