import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createTlsProber } from '../../src/connectors/scanner-tls/tls-prober.js';
import type { ProbeResult, TlsEndpoint } from '../../src/core/ports/tls-prober.js';
import {
  aCertificate,
  aChain,
  asCA,
  issuedBy,
  withDnsNames,
  withSubject,
  type BuiltCertificate,
} from '../support/certificates.js';
import {
  closedPort,
  dnsServer,
  postgresResponder,
  smtpServer,
  tcpServer,
  tlsServer,
  type Running,
  type Served,
} from './servers.js';

const fingerprint = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');
const fingerprints = (result: ProbeResult): string[] => {
  assert.equal(result.ok, true, result.ok ? '' : `${result.code}: ${result.message}`);
  return result.ok ? result.chain.map(fingerprint) : [];
};
const endpoint = (
  port: number,
  sni: string | null = null,
  starttls: TlsEndpoint['starttls'] = null,
): TlsEndpoint => ({
  host: '127.0.0.1',
  port,
  sni,
  starttls,
});
const fps = (...certs: BuiltCertificate[]): string[] => certs.map((c) => c.fingerprintSha256);

describe('the TLS prober against real local servers', () => {
  const running: Running[] = [];
  const start = async (server: Promise<Running>): Promise<number> => {
    const r = await server;
    running.push(r);
    return r.port;
  };
  let chain: { root: BuiltCertificate; intermediate: BuiltCertificate; leaf: BuiltCertificate };
  let served: Served;
  const prober = createTlsProber({ timeoutMs: 2_000 });

  before(async () => {
    chain = await aChain(withSubject('CN=a.example'), withDnsNames('a.example'));
    served = { key: chain.leaf, chain: [chain.leaf, chain.intermediate] };
  });
  after(async () => {
    await Promise.all(running.map((r) => r.close()));
  });

  test('reads the chain as served, with TLS version, cipher, address and SNI (TLS 1.3 and 1.2)', async () => {
    const port13 = await start(tlsServer(served));
    const result = await prober.probe(endpoint(port13, 'a.example'));
    assert.deepEqual(fingerprints(result), fps(chain.leaf, chain.intermediate));
    assert.ok(result.ok);
    assert.equal(result.tlsVersion, 'TLSv1.3');
    assert.match(result.cipher, /^TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/);
    assert.equal(result.address, '127.0.0.1');
    assert.deepEqual(result.endpoint, endpoint(port13, 'a.example'));
    assert.ok(result.at instanceof Date);

    const port12 = await start(tlsServer(served, { tls: { maxVersion: 'TLSv1.2' } }));
    const result12 = await prober.probe(endpoint(port12, 'a.example'));
    assert.deepEqual(fingerprints(result12), fps(chain.leaf, chain.intermediate));
    assert.equal(result12.ok && result12.tlsVersion, 'TLSv1.2');
    assert.match(result12.ok ? result12.cipher : '', /^TLS_ECDHE_ECDSA_WITH_/);
  });

  test('keeps a wrong order and extra certificates exactly as the server sends them', async () => {
    const stranger = await aCertificate(withSubject('CN=Unrelated CA'), asCA());
    const messy: Served = { key: chain.leaf, chain: [chain.leaf, chain.root, stranger, chain.intermediate] };
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const port = await start(tlsServer(messy, { tls: { maxVersion } }));
      assert.deepEqual(
        fingerprints(await prober.probe(endpoint(port))),
        fps(chain.leaf, chain.root, stranger, chain.intermediate),
        maxVersion,
      );
    }
  });

  test('the chain read is the one `openssl s_client -showcerts` prints, on TLS 1.3 and 1.2', async () => {
    const messy: Served = { key: chain.leaf, chain: [chain.leaf, chain.root, chain.intermediate] };
    for (const version of ['-tls1_3', '-tls1_2']) {
      const port = await start(tlsServer(messy));
      const shown = await opensslShowcerts(port, version);
      assert.equal(shown.length, 3, version);
      assert.deepEqual(fingerprints(await prober.probe(endpoint(port))), shown, version);
    }
  });

  test('a different certificate per SNI name; no SNI gets the default', async () => {
    const other = await aCertificate(withSubject('CN=b.example'), issuedBy(chain.intermediate));
    const port = await start(
      tlsServer(served, { perSni: { 'b.example': { key: other, chain: [other, chain.intermediate] } } }),
    );
    const [a, b, none] = await Promise.all([
      prober.probe(endpoint(port, 'a.example')),
      prober.probe(endpoint(port, 'b.example')),
      prober.probe(endpoint(port, null)),
    ]);
    assert.deepEqual(fingerprints(a), fps(chain.leaf, chain.intermediate));
    assert.deepEqual(fingerprints(b), fps(other, chain.intermediate));
    assert.deepEqual(fingerprints(none), fps(chain.leaf, chain.intermediate));
    assert.equal(b.endpoint.sni, 'b.example');
  });

  test('host names resolve (the address is recorded); a name that does not resolve is dns', async () => {
    const dns = await dnsServer({ 'a.example': '127.0.0.1' });
    try {
      const port = await start(tlsServer(served));
      const withDns = createTlsProber({ nameServers: [dns.server], timeoutMs: 2_000 });
      const a = await withDns.probe({ host: 'a.example', port, sni: 'a.example', starttls: null });
      assert.deepEqual(fingerprints(a), fps(chain.leaf, chain.intermediate));
      assert.equal(a.address, '127.0.0.1');
      const missing = await withDns.probe({
        host: 'nowhere.example',
        port,
        sni: 'nowhere.example',
        starttls: null,
      });
      assert.equal(!missing.ok && missing.code, 'dns');
      assert.equal(missing.address, null);
      assert.match(!missing.ok ? missing.message : '', /^the name did not resolve: .*ENOTFOUND/);
      const local = await prober.probe({ host: 'localhost', port, sni: null, starttls: null });
      assert.deepEqual(fingerprints(local), fps(chain.leaf, chain.intermediate));
    } finally {
      await dns.close();
    }
  });

  test('an IPv6 endpoint: the address is recorded in canonical form', async () => {
    const port = await start(tlsServer(served, { host: '::1' }));
    const result = await prober.probe({ host: '::1', port, sni: 'a.example', starttls: null });
    assert.deepEqual(fingerprints(result), fps(chain.leaf, chain.intermediate));
    assert.equal(result.address, '::1');
  });

  test('a closed port is refused', async () => {
    const result = await prober.probe(endpoint(await closedPort()));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, 'refused');
    assert.equal(result.address, '127.0.0.1');
  });

  test('a plain HTTP port is not-tls, and says what it sent', async () => {
    const port = await start(
      tcpServer((s) =>
        s.once('data', () =>
          s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
        ),
      ),
    );
    const result = await prober.probe(endpoint(port));
    assert.equal(!result.ok && result.code, 'not-tls');
    assert.match(!result.ok ? result.message : '', /HTTP\/1\.1 400 Bad Request/);
  });

  test('a silent port times out at the deadline', async () => {
    const port = await start(tcpServer(() => undefined));
    const quick = createTlsProber({ timeoutMs: 500 });
    const result = await quick.probe(endpoint(port));
    assert.equal(!result.ok && result.code, 'timeout');
    assert.equal(!result.ok && result.message, 'no answer within 500 ms while the TLS handshake');
  });

  test('garbage then close is not-tls; a reset is reset; a hang-up is handshake-failed', async () => {
    const garbage = await start(
      tcpServer((s) => s.end(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x42, 0x42]))),
    );
    const g = await prober.probe(endpoint(garbage));
    assert.equal(!g.ok && g.code, 'not-tls');
    assert.match(!g.ok ? g.message : '', /0x00ff1337424242/);

    const reset = await start(tcpServer((s) => s.once('data', () => s.resetAndDestroy())));
    const r = await prober.probe(endpoint(reset));
    assert.equal(!r.ok && r.code, 'reset', !r.ok ? r.message : '');

    const hangUp = await start(tcpServer((s) => s.once('data', () => s.end())));
    const h = await prober.probe(endpoint(hangUp));
    assert.equal(!h.ok && h.code, 'handshake-failed');
    assert.equal(!h.ok && h.message, 'the server closed the connection without answering the ClientHello');
  });

  test('a gigantic chain or an endless stream is cut off, never hangs', async () => {
    const names = Array.from({ length: 4000 }, (_, i) => `host-${i}.a-rather-long-subdomain.example`);
    const huge = await aCertificate(
      withSubject('CN=huge.example'),
      withDnsNames(...names),
      issuedBy(chain.intermediate),
    );
    const hugePort = await start(tlsServer({ key: huge, chain: [huge, chain.intermediate] }));
    const h = await prober.probe(endpoint(hugePort));
    assert.equal(!h.ok && h.code, 'handshake-failed', !h.ok ? h.message : 'read a 180 kB certificate');

    // A peer that answers the ClientHello with an endless handshake record stream.
    const endless = await start(
      tcpServer((s) => {
        const chunk = Buffer.alloc(16_389, 0);
        chunk.set([22, 3, 3, 0x40, 0x00, 2, 0xff, 0xff, 0xff]);
        const pump = (): void => {
          while (!s.destroyed && s.write(chunk));
        };
        s.once('data', () => {
          s.on('drain', pump);
          pump();
        });
      }),
    );
    const e = await prober.probe(endpoint(endless));
    assert.equal(!e.ok && e.code, 'handshake-failed', !e.ok ? e.message : '');

    // The byte bound itself: a normal server whose handshake exceeds a small limit.
    const mid = await aCertificate(withSubject('CN=mid.example'), withDnsNames(...names.slice(0, 200)));
    const midPort = await start(tlsServer({ key: mid, chain: [mid] }));
    const bounded = createTlsProber({ maxHandshakeBytes: 4096 });
    const b = await bounded.probe(endpoint(midPort));
    assert.equal(!b.ok && b.code, 'handshake-failed');
    assert.equal(!b.ok && b.message, 'the server sent more than 4096 bytes without completing the handshake');
    assert.deepEqual(fingerprints(await prober.probe(endpoint(midPort))), fps(mid));
  });

  test('STARTTLS SMTP reads the chain after the upgrade; a server without STARTTLS is not-tls', async () => {
    const port = await start(smtpServer(served));
    assert.deepEqual(
      fingerprints(await prober.probe(endpoint(port, 'a.example', 'smtp'))),
      fps(chain.leaf, chain.intermediate),
    );

    const plain = await start(smtpServer(served, { offerStartTls: false }));
    const p = await prober.probe(endpoint(plain, null, 'smtp'));
    assert.equal(!p.ok && p.code, 'not-tls');
    assert.equal(!p.ok && p.message, 'the SMTP server does not offer STARTTLS');

    // SMTP spoken where TLS was expected is not-tls too.
    const direct = await prober.probe(endpoint(port));
    assert.equal(!direct.ok && direct.code, 'not-tls');
    assert.match(!direct.ok ? direct.message : '', /220 mail\.test ESMTP ready/);
  });

  test('PostgreSQL SSLRequest: S then TLS reads the chain; N is not-tls', async () => {
    const port = await start(postgresResponder(served));
    assert.deepEqual(
      fingerprints(await prober.probe(endpoint(port, null, 'postgres'))),
      fps(chain.leaf, chain.intermediate),
    );
    const refusing = await start(postgresResponder(null));
    const n = await prober.probe(endpoint(refusing, null, 'postgres'));
    assert.equal(!n.ok && n.code, 'not-tls');
    assert.equal(!n.ok && n.message, 'the PostgreSQL server does not accept SSL');
  });

  test('the real local PostgreSQL answers the SSLRequest', async (t) => {
    if (!process.env['CUSTOS_TEST_DATABASE_URL']) {
      t.skip('set CUSTOS_TEST_DATABASE_URL to run on PostgreSQL');
      return;
    }
    const url = new URL(process.env['CUSTOS_TEST_DATABASE_URL']);
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname)) {
      t.skip('the test database is not on this machine: tests probe loopback only');
      return;
    }
    const result = await prober.probe({
      host: url.hostname,
      port: Number(url.port || 5432),
      sni: null,
      starttls: 'postgres',
    });
    // The local server runs with ssl = off: it refuses the upgrade. With ssl = on it serves its certificate.
    if (result.ok) assert.ok(result.chain.length >= 1);
    else
      assert.deepEqual(
        [result.code, result.message],
        ['not-tls', 'the PostgreSQL server does not accept SSL'],
      );
  });
});

/** The certificates `openssl s_client -showcerts` prints for an endpoint, as fingerprints, in its order. */
function opensslShowcerts(port: number, version: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-showcerts', version], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
    child.on('error', reject);
    child.on('close', () => {
      const blocks = out.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
      resolve(
        blocks.map((pem) => fingerprint(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'))),
      );
    });
    child.stdin.end();
  });
}
