import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, type GlobKind } from './glob.js';

test('glob table: * stays within a label or a directory, ** crosses them', () => {
  const table: Array<[GlobKind, string, string, boolean]> = [
    ['name', 'api*.corp.example', 'api.corp.example', true],
    ['name', 'api*.corp.example', 'api-2.corp.example', true],
    ['name', 'api*.corp.example', 'API-2.Corp.Example', true],
    ['name', 'api*.corp.example', 'api.eu.corp.example', false],
    ['name', 'api*.corp.example', 'www.api.corp.example', false],
    ['name', '*.corp.example', 'www.corp.example', true],
    ['name', '*.corp.example', 'a.b.corp.example', false],
    ['name', '*.corp.example', '*.corp.example', true],
    ['name', '**.corp.example', 'a.b.corp.example', true],
    ['name', '**.corp.example', 'corp.example', false],
    ['name', '**', 'anything.at.all', true],
    ['name', '10.1.2.*', '10.1.2.77', true],
    ['name', '10.1.2.*', '10.1.20.7', false],
    ['name', 'a+b(c).example', 'a+b(c).example', true],
    ['name', 'a.example', 'aXexample', false],
    ['path', '/etc/ssl/payments/**', '/etc/ssl/payments/api/tls.crt', true],
    ['path', '/etc/ssl/payments/**', '/etc/ssl/payments/tls.crt', true],
    ['path', '/etc/ssl/payments/**', '/etc/ssl/paymentsX/tls.crt', false],
    ['path', '/etc/ssl/*.pem', '/etc/ssl/a.pem', true],
    ['path', '/etc/ssl/*.pem', '/etc/ssl/sub/a.pem', false],
    ['path', '/etc/ssl/**/*.pem', '/etc/ssl/sub/deeper/a.pem', true],
    ['path', '/etc/SSL/*.pem', '/etc/ssl/a.pem', false],
    ['path', '/srv/*/tls.crt', '/srv/a.b/tls.crt', true],
  ];
  for (const [kind, pattern, value, expected] of table) {
    assert.equal(compileGlob(pattern, kind)(value), expected, `${kind} ${pattern} ~ ${value}`);
  }
});
