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
