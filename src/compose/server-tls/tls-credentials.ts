import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DomainError } from '../../core/errors.js';

/** What the server's TLS context is made of: the certificate chain and its key (PEM), and what the log names. */
export interface TlsCredentials {
  /** The leaf, then the certificates above it (PEM). */
  certPem: string;
  /** The leaf's private key (PEM). */
  keyPem: string;
  fingerprintSha256: string;
  notAfter: Date;
}

const invalid = (message: string, cause?: unknown) =>
  new DomainError('CUSTOS_SERVER_TLS_INVALID', message, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'Give --tls-cert a PEM file with the leaf first and --tls-key its private key (PEM), or use --tls for a certificate from the built-in CA.',
  });

/** Checks that the key is the leaf's and the leaf is valid now; CUSTOS_SERVER_TLS_INVALID otherwise. */
export function tlsCredentials(certPem: string, keyPem: string, now: Date, where: string): TlsCredentials {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch (cause) {
    throw invalid(`${where}: no PEM certificate to serve.`, cause);
  }
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(keyPem));
  } catch (cause) {
    throw invalid(`${where}: the private key cannot be read (PEM, not encrypted).`, cause);
  }
  if (!matches) throw invalid(`${where}: the private key is not the key of the certificate.`);
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() <= now.getTime())
    throw invalid(`${where}: the certificate expired at ${notAfter.toISOString()}.`);
  return {
    certPem,
    keyPem,
    fingerprintSha256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    notAfter,
  };
}

/** Reads `--tls-cert` and `--tls-key` (or the built-in CA's files) and checks them. */
export async function readTlsCredentials(
  certFile: string,
  keyFile: string,
  now: Date,
): Promise<TlsCredentials> {
  const read = async (file: string) => {
    try {
      return await readFile(file, 'utf8');
    } catch (cause) {
      throw invalid(
        `${file} cannot be read: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}.`,
        cause,
      );
    }
  };
  const [certPem, keyPem] = await Promise.all([read(certFile), read(keyFile)]);
  return tlsCredentials(certPem, keyPem, now, `${certFile} and ${keyFile}`);
}
