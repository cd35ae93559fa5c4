import { recordDecrypter, type RecordDecrypter } from './tls13-record-protection.js';

/**
 * Reads the server's Certificate message from the bytes it sent, so the chain is recorded exactly as served:
 * every certificate, in the server's order. Node's `getPeerCertificate(true)` cannot give this: it rebuilds an
 * issuer path (reordered, dropping certificates outside the path, adding roots from the local store).
 *
 * TLS 1.2 and earlier send the Certificate message in plain handshake records. TLS 1.3 encrypts it under the
 * server handshake traffic secret, which Node reports through the `keylog` event; the records are opened with
 * it (RFC 8446 sections 4.4.2, 5.2, 7.3).
 */

const CONTENT_CHANGE_CIPHER_SPEC = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;
const HANDSHAKE_CERTIFICATE = 11;
const HANDSHAKE_COMPRESSED_CERTIFICATE = 25;
const MAX_RECORD_PAYLOAD = 16_384 + 2_048;

export type ServedChain = { chain: Uint8Array[] } | { problem: string };

export interface ServerFlight {
  /** Every byte the server sent, from its first record on (possibly more than the handshake). */
  bytes: Buffer;
  /** `TLSv1.3`, `TLSv1.2`, ... as negotiated. */
  protocol: string;
  /** The negotiated suite's IANA name. */
  cipherSuite: string;
  /** TLS 1.3: the SERVER_HANDSHAKE_TRAFFIC_SECRET from the key log. */
  serverHandshakeSecret: Buffer | null;
}

/** Splits a handshake byte stream into messages as they complete. */
class HandshakeStream {
  private buffered: Buffer = Buffer.alloc(0);
  /** Record payloads not yet joined: a message split into many tiny records is joined once, not once per record. */
  private pending: Buffer[] = [];
  private pendingLength = 0;

  push(bytes: Buffer): Array<{ type: number; body: Buffer }> {
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    const available = this.buffered.length + this.pendingLength;
    const needed = this.buffered.length >= 4 ? 4 + this.buffered.readUIntBE(1, 3) : 4;
    if (available < needed) return [];
    this.buffered = Buffer.concat([this.buffered, ...this.pending], available);
    this.pending = [];
    this.pendingLength = 0;
    const messages: Array<{ type: number; body: Buffer }> = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUIntBE(1, 3);
      if (this.buffered.length < 4 + length) break;
      messages.push({ type: this.buffered[0] as number, body: this.buffered.subarray(4, 4 + length) });
      this.buffered = this.buffered.subarray(4 + length);
    }
    return messages;
  }
}

/** Reads a 24-bit-length-prefixed list of DER certificates; TLS 1.3 entries also carry extensions. */
function certificateList(body: Buffer, tls13: boolean): ServedChain {
  let offset = 0;
  if (tls13) offset = 1 + (body[0] ?? 0); // certificate_request_context
  if (body.length < offset + 3) return { problem: 'the Certificate message is truncated' };
  const end = offset + 3 + body.readUIntBE(offset, 3);
  if (end !== body.length) return { problem: 'the Certificate message length does not match its list' };
  offset += 3;
  const chain: Uint8Array[] = [];
  while (offset < end) {
    if (offset + 3 > end) return { problem: 'a certificate entry is truncated' };
    const length = body.readUIntBE(offset, 3);
    offset += 3;
    if (length === 0 || offset + length > end) return { problem: 'a certificate entry is truncated' };
    chain.push(new Uint8Array(body.subarray(offset, offset + length)));
    offset += length;
    if (tls13) {
      if (offset + 2 > end) return { problem: 'a certificate entry is truncated' };
      offset += 2 + body.readUInt16BE(offset);
    }
  }
  if (offset !== end) return { problem: 'a certificate entry runs past the list' };
  if (chain.length === 0) return { problem: 'the server sent an empty Certificate message' };
  return { chain };
}

/** Finds the Certificate message in what the server sent and returns its certificates in order. */
export function readServedChain(flight: ServerFlight): ServedChain {
  const tls13 = flight.protocol === 'TLSv1.3';
  let decrypter: RecordDecrypter | null = null;
  if (tls13) {
    if (!flight.serverHandshakeSecret) return { problem: 'no server handshake secret was logged' };
    const made = recordDecrypter(flight.cipherSuite, flight.serverHandshakeSecret);
    if (typeof made === 'string') return { problem: made };
    decrypter = made;
  }
  const plain = new HandshakeStream();
  const protectedStream = new HandshakeStream();
  const bytes = flight.bytes;
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    const type = bytes[offset] as number;
    const length = bytes.readUInt16BE(offset + 3);
    if (length > MAX_RECORD_PAYLOAD) return { problem: `a record claims ${length} bytes` };
    if (offset + 5 + length > bytes.length) break;
    const header = bytes.subarray(offset, offset + 5);
    const payload = bytes.subarray(offset + 5, offset + 5 + length);
    offset += 5 + length;

    let messages: Array<{ type: number; body: Buffer }> = [];
    if (type === CONTENT_HANDSHAKE) {
      messages = plain.push(payload);
      // In TLS 1.3 the plain handshake records are the ServerHello (and HelloRetryRequest) only.
      if (tls13) continue;
    } else if (type === CONTENT_APPLICATION_DATA && decrypter) {
      let opened: { type: number; content: Buffer };
      try {
        opened = decrypter.open(header, payload);
      } catch (error) {
        return { problem: `a handshake record did not decrypt: ${(error as Error).message}` };
      }
      if (opened.type !== CONTENT_HANDSHAKE)
        return { problem: 'the server sent data before its certificate' };
      messages = protectedStream.push(opened.content);
    } else if (type === CONTENT_CHANGE_CIPHER_SPEC) {
      // TLS 1.3 sends a dummy one for middlebox compatibility; in TLS 1.2 it ends the plain handshake.
      if (!tls13) return { problem: 'the handshake had no Certificate message (a resumed session)' };
      continue;
    } else if (type === CONTENT_ALERT) {
      return { problem: 'the server sent an alert before its certificate' };
    } else {
      return { problem: `unexpected record type ${type} before the certificate` };
    }
    for (const message of messages) {
      if (message.type === HANDSHAKE_CERTIFICATE) return certificateList(message.body, tls13);
      if (message.type === HANDSHAKE_COMPRESSED_CERTIFICATE) {
        return { problem: 'the server compressed its certificate (RFC 8879), which Custos does not read' };
      }
    }
  }
  return { problem: 'the server sent no Certificate message' };
}
