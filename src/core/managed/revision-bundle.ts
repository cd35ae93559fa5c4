import type { RevisionBundle } from '../ports/destination.js';
import type { SecretCipher } from '../ports/secret-cipher.js';
import type { CertificateRevision } from './managed-status.js';

/** PEM (RFC 7468): the label, the DER in base64 lines of 64 characters. */
export function certificatePem(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A revision as destinations install it: the key opened from its seal, in memory only. */
export function revisionBundle(revision: CertificateRevision, secrets: SecretCipher): RevisionBundle {
  const leaf = certificatePem(revision.certificate);
  const chain = revision.chain.map(certificatePem).join('');
  return {
    name: revision.name,
    revision: revision.revision,
    fingerprintSha256: revision.fingerprintSha256,
    certificatePem: leaf,
    chainPem: chain,
    fullchainPem: leaf + chain,
    privateKeyPem: secrets.open(revision.sealedPrivateKey),
  };
}
