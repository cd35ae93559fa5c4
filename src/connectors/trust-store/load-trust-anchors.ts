import { rootCertificates } from 'node:tls';
import { readContainer } from '../../pki/formats/read-container.js';
import { readCertificateFile } from './read-certificate-file.js';

export interface LoadTrustAnchorsInput {
  /** Trust store files (PEM bundles or any format readCertificateFile reads); every certificate is an anchor. */
  files: string[];
  /** Add the system roots: the Mozilla CA store Node is built with (`tls.rootCertificates`). */
  includeSystem: boolean;
}

let systemRoots: Uint8Array[] | undefined;

/** Node's bundled root store, DER; read once per process. */
export function systemTrustAnchors(): Uint8Array[] {
  systemRoots ??= rootCertificates.flatMap((pem) =>
    readContainer(new TextEncoder().encode(pem), { passwords: [] }).certificates.map((c) => c.der),
  );
  return systemRoots;
}

/**
 * The trust anchors (DER) for path validation: the certificates of the given files, plus the system roots when
 * asked, each once. Throws DomainError (exit 2) for a file that cannot be read or holds no certificate.
 */
export async function loadTrustAnchors(input: LoadTrustAnchorsInput): Promise<Uint8Array[]> {
  const anchors = input.includeSystem ? [...systemTrustAnchors()] : [];
  for (const file of input.files) anchors.push(...(await readCertificateFile(file, [], '--trust')));
  const seen = new Set<string>();
  return anchors.filter((der) => {
    const key = Buffer.from(der).toString('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
