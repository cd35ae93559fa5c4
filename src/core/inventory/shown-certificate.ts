import { createHash } from 'node:crypto';
import { pemBlock } from '../../pki/formats/pem-writer.js';
import { certificateExtensions, type CertificateExtensions } from '../../pki/x509/certificate-extensions.js';
import type { CertificateView } from './certificate-view.js';

/**
 * One certificate as `inventory show` (and the API's certificate page) shows it: the listing's fields plus what is
 * read from its stored DER — the SHA-1 fingerprint beside the SHA-256 one (what older tools and consoles print),
 * the extensions, and the certificate itself as PEM (`inventory show --pem`).
 */
export interface ShownCertificate extends CertificateView {
  /** SHA-1 of the DER, lower-case hex without colons. */
  fingerprintSha1: string;
  extensions: CertificateExtensions;
  /** The stored certificate, one PEM block. */
  pem: string;
}

export function shownCertificate(view: CertificateView, der: Uint8Array): ShownCertificate {
  return {
    ...view,
    fingerprintSha1: createHash('sha1').update(der).digest('hex'),
    extensions: certificateExtensions(der),
    pem: pemBlock('CERTIFICATE', der),
  };
}
