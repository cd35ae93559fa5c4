/**
 * The server's own certificate from the built-in CA: issued through the CA's issuance use case (checks, lints,
 * policy, inventory, audit — provisioner `custos-server`), kept in `<dataDir>/tls/server.pem` (leaf and issuing CA)
 * and `server.key` (0600), reused across restarts while it is current, and issued again at 2/3 of its lifetime,
 * when the names asked for change, or when the CA that signed it no longer signs.
 */
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { issueCertificate } from '../../core/ca/issue-certificate.js';
import { parseDuration } from '../../core/duration.js';
import { certificatesPem } from '../../pki/formats/pem-writer.js';
import { parseCertificate } from '../../pki/x509/lean-reader.js';
import type { Runtime } from '../runtime.js';
import { readTlsCredentials, type TlsCredentials } from './tls-credentials.js';

/** The provisioner the server's certificates are issued under (in the audit trail with each of them). */
export const SERVER_PROVISIONER = 'custos-server';

export interface ServerCertificate {
  credentials: TlsCredentials;
  /** When the server issues the next one (2/3 of the lifetime). */
  renewAt: Date;
  /** True when this call issued it (false: the files were current). */
  issued: boolean;
}

export const serverCertificateFiles = (dataDir: string) => {
  const dir = join(resolve(dataDir), 'tls');
  return { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key') };
};

const WILDCARD = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * The names of the server certificate: `server.tls.names` when set, else the listen host and the host of
 * `server.baseUrl`; a loopback or wildcard host adds localhost, 127.0.0.1 and ::1, a wildcard the machine's name.
 */
export function serverNames(rt: Pick<Runtime, 'config'>, listenHost: string): string[] {
  const configured = rt.config.server.tls.names;
  if (configured !== undefined && configured.length > 0) return [...new Set(configured)];
  const names = new Set<string>();
  const baseHost = new URL(rt.config.server.baseUrl).hostname.replace(/^\[|\]$/g, '');
  for (const host of [listenHost, baseHost]) {
    if (WILDCARD.has(host)) names.add(hostname().toLowerCase());
    else names.add(host.toLowerCase());
    if (WILDCARD.has(host) || LOOPBACK.test(host))
      for (const n of ['localhost', '127.0.0.1', '::1']) names.add(n);
  }
  return [...names];
}

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/** The current files when they are still good for these names and this CA, else null. */
async function current(rt: Runtime, names: readonly string[]): Promise<ServerCertificate | null> {
  const files = serverCertificateFiles(rt.config.dataDir);
  const now = rt.clock.now();
  let credentials: TlsCredentials;
  try {
    credentials = await readTlsCredentials(files.certFile, files.keyFile, now);
  } catch {
    return null;
  }
  const [leafDer, issuerDer] = pemDers(credentials.certPem);
  const authority = await rt.store.authorities.get(rt.config.server.tls.authority);
  if (leafDer === undefined || issuerDer === undefined || authority?.certificate == null) return null;
  if (Buffer.compare(Buffer.from(issuerDer), Buffer.from(authority.certificate)) !== 0) return null;
  const leaf = parseCertificate(leafDer);
  if (!sameNames([...leaf.subjectAltNames.dns, ...leaf.subjectAltNames.ip], names)) return null;
  const renewAt = renewalTime(rt, leaf.notBefore, leaf.notAfter);
  return renewAt.getTime() > now.getTime() ? { credentials, renewAt, issued: false } : null;
}

const pemDers = (pem: string): Uint8Array[] =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')),
  );

/**
 * At 2/3 of the lifetime asked for: the CA backdates notBefore a little, which is not lifetime to plan by (a
 * certificate of a few seconds would otherwise be due the moment it is issued).
 */
const renewalTime = (rt: Pick<Runtime, 'config'>, notBefore: Date, notAfter: Date): Date => {
  const lifetime = Math.min(ttlOf(rt), notAfter.getTime() - notBefore.getTime());
  return new Date(notAfter.getTime() - lifetime / 3);
};

const ttlOf = (rt: Pick<Runtime, 'config'>) =>
  parseDuration(rt.config.server.tls.duration, 'server.tls.duration');

/** The server certificate for these names: the current files, or a new certificate from the built-in CA. */
export async function serverCertificate(rt: Runtime, names: readonly string[]): Promise<ServerCertificate> {
  const kept = await current(rt, names);
  if (kept !== null) return kept;
  const keyPair = await rt.generateKeyPair('ec-p256');
  const dnsNames = names.filter((n) => isIP(n) === 0);
  const { certificate, chain } = await issueCertificate(
    { ...rt, baseUrl: rt.config.server.baseUrl },
    {
      authority: rt.config.server.tls.authority,
      csr: null,
      publicKeySpki: keyPair.publicKeySpki,
      commonName: dnsNames[0] ?? null,
      dnsNames,
      ipAddresses: names.filter((n) => isIP(n) !== 0),
      uris: [],
      ttlMs: ttlOf(rt),
      identity: null,
      provisioner: { name: SERVER_PROVISIONER, kind: 'cli', claims: {} },
    },
  );
  // The leaf and the issuing CA: a client that trusts `custos ca bundle` (or only the root) builds the path.
  const certPem = certificatesPem([certificate.der, ...chain.slice(0, 1)]);
  const files = serverCertificateFiles(rt.config.dataDir);
  await mkdir(dirname(files.keyFile), { recursive: true, mode: 0o700 });
  await rt.writeOutputFile(files.keyFile, keyPair.privateKeyPem, { mode: 0o600 });
  await rt.writeOutputFile(files.certFile, certPem);
  const credentials = await readTlsCredentials(files.certFile, files.keyFile, rt.clock.now());
  return { credentials, renewAt: renewalTime(rt, certificate.notBefore, certificate.notAfter), issued: true };
}
