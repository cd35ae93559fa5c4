import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairKeys, type ConfiguredKeyPair } from './key-pairs.js';

const keysOf = (paths: string[], configured: ConfiguredKeyPair[] = []): Array<[string, string, string]> =>
  pairKeys(paths, configured).map((p) => [p.certificatePath, p.keyPath, p.layout]);

test('a certificate file pairs with the key file of the same stem', () => {
  assert.deepEqual(keysOf(['/etc/ssl/web.crt']), [
    ['/etc/ssl/web.crt', '/etc/ssl/web.key', 'same-stem'],
    ['/etc/ssl/web.crt', '/etc/ssl/web-key.pem', 'same-stem'],
  ]);
  assert.deepEqual(
    keysOf(['/srv/tls/web.pem']).map(([, key]) => key),
    ['/srv/tls/web.key', '/srv/tls/web-key.pem'],
  );
  assert.deepEqual(
    keysOf(['/srv/tls/web.CER']).map(([, key]) => key),
    ['/srv/tls/web.key', '/srv/tls/web-key.pem'],
  );
});

test('key files and other names pair with nothing by their stem', () => {
  assert.deepEqual(
    keysOf(['/srv/tls/web-key.pem', '/srv/tls/web.key.pem', '/srv/tls/web.key', '/srv/x.p12']),
    [],
  );
});

test('certbot lineages pair cert.pem and fullchain.pem with privkey.pem, archived versions by number', () => {
  assert.deepEqual(
    keysOf([
      '/etc/letsencrypt/live/shop.test/cert.pem',
      '/etc/letsencrypt/live/shop.test/fullchain.pem',
      '/etc/letsencrypt/live/shop.test/chain.pem',
      '/etc/letsencrypt/archive/shop.test/fullchain12.pem',
    ]),
    [
      ['/etc/letsencrypt/live/shop.test/cert.pem', '/etc/letsencrypt/live/shop.test/privkey.pem', 'certbot'],
      [
        '/etc/letsencrypt/live/shop.test/fullchain.pem',
        '/etc/letsencrypt/live/shop.test/privkey.pem',
        'certbot',
      ],
      ['/etc/letsencrypt/live/shop.test/chain.pem', '/etc/letsencrypt/live/shop.test/chain.key', 'same-stem'],
      [
        '/etc/letsencrypt/live/shop.test/chain.pem',
        '/etc/letsencrypt/live/shop.test/chain-key.pem',
        'same-stem',
      ],
      [
        '/etc/letsencrypt/archive/shop.test/fullchain12.pem',
        '/etc/letsencrypt/archive/shop.test/privkey12.pem',
        'certbot',
      ],
    ],
  );
});

test('configured pairs come first, for the certificate files asked about only, each pair once', () => {
  const configured: ConfiguredKeyPair[] = [
    {
      certificatePath: '/etc/ssl/web.crt',
      keyPath: '/etc/ssl/web.key',
      layout: 'nginx',
      source: '/etc/nginx/a.conf',
    },
    {
      certificatePath: '/etc/ssl/web.crt',
      keyPath: '/etc/ssl/old.key',
      layout: 'apache',
      source: '/etc/httpd/b.conf',
    },
    {
      certificatePath: '/etc/ssl/other.crt',
      keyPath: '/etc/ssl/o.key',
      layout: 'nginx',
      source: '/etc/nginx/a.conf',
    },
  ];
  assert.deepEqual(keysOf(['/etc/ssl/web.crt'], configured), [
    ['/etc/ssl/web.crt', '/etc/ssl/web.key', 'nginx'],
    ['/etc/ssl/web.crt', '/etc/ssl/old.key', 'apache'],
    ['/etc/ssl/web.crt', '/etc/ssl/web-key.pem', 'same-stem'],
  ]);
});
