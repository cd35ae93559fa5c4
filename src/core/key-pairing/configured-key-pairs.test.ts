import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configuredKeyPairs } from './configured-key-pairs.js';

const pairsOf = (text: string, path: string): Array<[string, string, string]> =>
  configuredKeyPairs(text, path).map((p) => {
    assert.equal(p.source, path);
    return [p.layout, p.certificatePath, p.keyPath];
  });

test('nginx: each server block pairs its ssl_certificate with its ssl_certificate_key, in order', () => {
  const conf = `
    # ssl_certificate /commented/out.crt;
    http {
      ssl_certificate_key /etc/ssl/default.key;
      server {
        listen 443 ssl;
        ssl_certificate /etc/ssl/rsa.crt;
        ssl_certificate_key /etc/ssl/rsa.key;
        ssl_certificate "/etc/ssl/ec dsa.crt";
        ssl_certificate_key '/etc/ssl/ec dsa.key';
        location / { root /srv; }
      }
      server { ssl_certificate certs/inherits.crt; }
      server { ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; }
      server { ssl_certificate /etc/ssl/engine.crt; ssl_certificate_key engine:pkcs11:key; }
    }`;
  assert.deepEqual(pairsOf(conf, '/etc/nginx/nginx.conf'), [
    ['nginx', '/etc/ssl/rsa.crt', '/etc/ssl/rsa.key'],
    ['nginx', '/etc/ssl/ec dsa.crt', '/etc/ssl/ec dsa.key'],
    ['nginx', '/etc/nginx/certs/inherits.crt', '/etc/ssl/default.key'],
  ]);
});

test('Apache: SSLCertificateFile with SSLCertificateKeyFile per section, case-insensitive, ServerRoot-relative', () => {
  const conf = [
    'ServerRoot "/etc/httpd"',
    '# SSLCertificateKeyFile /commented/out.key',
    '<IfModule mod_ssl.c>',
    '  <VirtualHost *:443>',
    '    SSLCertificateFile conf/ssl/www.crt',
    '    sslcertificatekeyfile "/etc/pki/private/www key.pem"',
    '  </VirtualHost>',
    '  <VirtualHost *:8443>',
    '    SSLCertificateFile /etc/pki/both.pem',
    '  </VirtualHost>',
    '  <VirtualHost *:9443>',
    '    SSLCertificateFile \\',
    '      /etc/pki/continued.crt',
    '    SSLCertificateKeyFile ../pki/./continued.key',
    '  </VirtualHost>',
    '</IfModule>',
  ].join('\n');
  assert.deepEqual(pairsOf(conf, '/etc/httpd/conf.d/ssl.conf'), [
    ['apache', '/etc/httpd/conf/ssl/www.crt', '/etc/pki/private/www key.pem'],
    ['apache', '/etc/pki/continued.crt', '/etc/pki/continued.key'],
  ]);
});

test('a file without those directives declares nothing', () => {
  assert.deepEqual(pairsOf('server { listen 80; }\n', '/etc/nginx/plain.conf'), []);
  assert.deepEqual(pairsOf('SSLCertificateFile /etc/pki/both.pem\n', '/etc/httpd/x.conf'), []);
  assert.deepEqual(pairsOf('just some text mentioning ssl_certificate_key', '/README'), []);
});
