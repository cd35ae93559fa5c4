import { createDecipheriv, createHmac } from 'node:crypto';

/**
 * Removes TLS 1.3 record protection (RFC 8446 section 5.2) from the server's handshake records, with the server
 * handshake traffic secret Node hands out through the `keylog` event. Used only to read the server's
 * Certificate message as it was sent, since TLS 1.3 encrypts it and OpenSSL does not expose it unchanged.
 */
interface Suite {
  hash: 'sha256' | 'sha384';
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  keyLength: number;
}

/** The TLS 1.3 suites Node offers by default; a server cannot choose another. */
const SUITES: Record<string, Suite> = {
  TLS_AES_128_GCM_SHA256: { hash: 'sha256', cipher: 'aes-128-gcm', keyLength: 16 },
  TLS_AES_256_GCM_SHA384: { hash: 'sha384', cipher: 'aes-256-gcm', keyLength: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { hash: 'sha256', cipher: 'chacha20-poly1305', keyLength: 32 },
};

const TAG_LENGTH = 16;

/** HKDF-Expand (RFC 5869) of at most one block per call site here (key, iv <= 32 bytes <= hash length). */
function hkdfExpandLabel(hash: Suite['hash'], secret: Buffer, label: string, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 255, fullLabel.length]),
    fullLabel,
    Buffer.from([0]), // empty context
  ]);
  return createHmac(hash, secret)
    .update(Buffer.concat([info, Buffer.from([1])]))
    .digest()
    .subarray(0, length);
}

export interface RecordDecrypter {
  /** Decrypts the next protected record (header + payload); returns the inner content type and plaintext. */
  open(header: Buffer, payload: Buffer): { type: number; content: Buffer };
}

/** A decrypter for records sent under `secret`, or a message saying why there is none. */
export function recordDecrypter(cipherSuite: string, secret: Buffer): RecordDecrypter | string {
  const suite = SUITES[cipherSuite];
  if (!suite)
    return `cipher suite ${cipherSuite} is not one Custos can read a TLS 1.3 Certificate message under`;
  const key = hkdfExpandLabel(suite.hash, secret, 'key', suite.keyLength);
  const iv = hkdfExpandLabel(suite.hash, secret, 'iv', 12);
  let sequence = 0n;
  return {
    open(header, payload) {
      if (payload.length < TAG_LENGTH + 1) throw new Error('a protected record is shorter than its tag');
      const nonce = Buffer.from(iv);
      for (let i = 0; i < 8; i++) nonce[11 - i] ^= Number((sequence >> BigInt(8 * i)) & 0xffn);
      sequence++;
      const options = { authTagLength: TAG_LENGTH };
      const decipher =
        suite.cipher === 'chacha20-poly1305'
          ? createDecipheriv(suite.cipher, key, nonce, options)
          : createDecipheriv(suite.cipher, key, nonce, options);
      decipher.setAAD(header, { plaintextLength: payload.length - TAG_LENGTH });
      decipher.setAuthTag(payload.subarray(payload.length - TAG_LENGTH));
      const inner = Buffer.concat([
        decipher.update(payload.subarray(0, payload.length - TAG_LENGTH)),
        decipher.final(),
      ]);
      let end = inner.length;
      while (end > 0 && inner[end - 1] === 0) end--;
      if (end === 0) throw new Error('a protected record holds no content type');
      return { type: inner[end - 1] as number, content: inner.subarray(0, end - 1) };
    },
  };
}
