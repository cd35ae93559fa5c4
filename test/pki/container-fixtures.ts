/**
 * Certificate containers made by the real tools — openssl and Java's keytool — in a fresh temp dir, with the
 * truth about each taken from the same tools (`openssl x509 -fingerprint -sha256`, `-pubkey`), not from the
 * code under test. Generated at run time; nothing is committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolCertificate {
  pemPath: string;
  /** SHA-256 of the DER as openssl prints it, lower-case hex without colons. */
  fingerprintSha256: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, from `openssl x509 -pubkey`. */
  publicKeySha256: string;
}

export const PASSWORD = 's3cret-Pässword';

export function hasKeytool(): boolean {
  return spawnSync('keytool', ['-help'], { stdio: 'ignore' }).status === 0;
}

export class ToolFixtures {
  readonly dir = mkdtempSync(join(tmpdir(), 'custos-formats-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  write(name: string, content: string | Uint8Array): string {
    writeFileSync(this.path(name), content);
    return this.path(name);
  }

  openssl(...args: string[]): string {
    return execFileSync('openssl', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  keytool(...args: string[]): string {
    return execFileSync('keytool', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** A self-signed certificate (or one issued by `issuer`) with its key in `<name>.key` (PKCS#8 PEM). */
  certificate(
    name: string,
    options: { key?: 'ec' | 'rsa'; issuer?: string; subject?: string } = {},
  ): ToolCertificate {
    const keyArgs = options.key === 'rsa' ? ['rsa:2048'] : ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    const subject = options.subject ?? `/CN=${name}.example`;
    if (options.issuer) {
      this.openssl(
        'req',
        '-new',
        '-newkey',
        ...keyArgs,
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        subject,
      );
      this.openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${options.issuer}.pem`,
        '-CAkey',
        `${options.issuer}.key`,
        '-CAcreateserial',
        '-days',
        '30',
        '-out',
        `${name}.pem`,
      );
    } else {
      this.openssl(
        'req',
        '-x509',
        '-newkey',
        ...keyArgs,
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-subj',
        subject,
        '-days',
        '30',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
      );
    }
    return this.describe(`${name}.pem`);
  }

  /** The fingerprint and public-key hash of a PEM certificate file, as openssl computes them. */
  describe(pemName: string): ToolCertificate {
    const pemPath = this.path(pemName);
    const fingerprint = this.openssl('x509', '-in', pemPath, '-noout', '-fingerprint', '-sha256');
    const publicKeyPem = this.openssl('x509', '-in', pemPath, '-noout', '-pubkey');
    return {
      pemPath,
      fingerprintSha256: fingerprint.trim().split('=')[1]!.replace(/:/g, '').toLowerCase(),
      publicKeySha256: createHash('sha256').update(pemBody(publicKeyPem)).digest('hex'),
    };
  }

  /** Every certificate of a keystore, by alias, as `keytool -list -rfc` prints them. */
  keystoreCertificates(store: string, storetype: string, storepass: string): Map<string, ToolCertificate[]> {
    const listing = this.keytool(
      '-list',
      '-rfc',
      '-keystore',
      store,
      '-storetype',
      storetype,
      '-storepass',
      storepass,
    );
    const byAlias = new Map<string, ToolCertificate[]>();
    let alias = '';
    let index = 0;
    for (const block of listing.split(/(?=Alias name: )|(?=-----BEGIN CERTIFICATE-----)/)) {
      const name = /^Alias name: (.*)$/m.exec(block);
      if (name) alias = name[1]!.trim();
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(block);
      if (!pem) continue;
      const file = `${store}-${index++}.pem`;
      this.write(file, `${pem[0]}\n`);
      byAlias.set(alias, [...(byAlias.get(alias) ?? []), this.describe(file)]);
    }
    return byAlias;
  }
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64');
}

/**
 * One of every container the real tools make (openssl; keytool when there is a JRE), by name: the seed
 * corpus of the container fuzz targets (bench/fuzz/targets.ts).
 */
export function containerSeeds(): Map<string, Buffer> {
  const f = new ToolFixtures();
  f.certificate('ca');
  f.certificate('leaf', { issuer: 'ca' });
  f.certificate('rsa', { key: 'rsa' });
  f.openssl(
    'pkcs8',
    '-topk8',
    '-in',
    'leaf.key',
    '-v2',
    'aes256',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    'enc.key',
  );
  f.openssl(
    'pkey',
    '-in',
    'rsa.key',
    '-traditional',
    '-aes128',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    'rsa-enc.key',
  );
  f.openssl('x509', '-in', 'rsa.pem', '-outform', 'DER', '-out', 'rsa.der');
  f.openssl('x509', '-in', 'ca.pem', '-addtrust', 'serverAuth', '-out', 'trusted.pem');
  f.openssl('crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-certfile', 'ca.pem', '-out', 'bundle.p7b');
  f.openssl('crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-outform', 'DER', '-out', 'bundle.p7c');
  const p12 = (file: string, ...extra: string[]): Buffer => {
    f.openssl(
      'pkcs12',
      '-export',
      '-in',
      'leaf.pem',
      '-inkey',
      'leaf.key',
      '-certfile',
      'ca.pem',
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      file,
      ...extra,
    );
    return f.read(file);
  };
  const pem = (...names: string[]): Buffer => Buffer.concat(names.map((name) => f.read(name)));
  const secret = (name: string): string =>
    `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}, namespace: ns}\ndata:\n` +
    `  tls.crt: ${pem('leaf.pem', 'ca.pem').toString('base64')}\n  tls.key: ${f.read('leaf.key').toString('base64')}\n`;
  const fixtures = new Map<string, Buffer>([
    ['PEM bundle with keys', pem('leaf.pem', 'leaf.key', 'ca.pem', 'rsa.pem', 'rsa.key')],
    ['PEM with encrypted keys', pem('leaf.pem', 'enc.key', 'rsa-enc.key')],
    ['TRUSTED CERTIFICATE', f.read('trusted.pem')],
    ['DER certificate', f.read('rsa.der')],
    ['PKCS#7 PEM', f.read('bundle.p7b')],
    ['PKCS#7 DER', f.read('bundle.p7c')],
    ['PKCS#12 modern', p12('modern.p12')],
    ['PKCS#12 legacy', p12('legacy.p12', '-legacy')],
    ['PKCS#12 without MAC', p12('nomac.p12', '-nomac')],
    ['Kubernetes Secrets YAML', Buffer.from(`${secret('a')}---\n${secret('b')}`)],
    [
      'Kubernetes Secret JSON',
      Buffer.from(
        JSON.stringify({
          kind: 'Secret',
          metadata: { name: 'j' },
          stringData: { 'tls.crt': pem('leaf.pem').toString() },
        }),
      ),
    ],
  ]);
  if (hasKeytool()) {
    const store = ['-keystore', 'store.jks', '-storetype', 'JKS', '-storepass', PASSWORD];
    f.keytool(
      '-genkeypair',
      '-alias',
      'server',
      '-keyalg',
      'EC',
      '-dname',
      'CN=server.example',
      '-keypass',
      PASSWORD,
      ...store,
    );
    f.keytool('-importcert', '-noprompt', '-alias', 'trusted-ca', '-file', 'ca.pem', ...store);
    fixtures.set('JKS', f.read('store.jks'));
  }
  return fixtures;
}
