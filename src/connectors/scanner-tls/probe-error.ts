import type { ProbeFailureCode } from '../../core/ports/tls-prober.js';

/** A probe failure already classified where it was seen (a STARTTLS refusal, a byte limit). */
export class ProbeError extends Error {
  constructor(
    readonly code: ProbeFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** Where the connection was when it failed: the timeout message names it. */
export type ProbePhase = 'resolving the name' | 'connecting' | 'STARTTLS' | 'the TLS handshake';

const errnoOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

/** The first bytes of a TLS record: a content type 20-23 and protocol major version 3. */
export function looksLikeTls(firstBytes: Buffer): boolean {
  if (firstBytes.length === 0) return true;
  const type = firstBytes[0] as number;
  return type >= 20 && type <= 23 && (firstBytes.length < 2 || firstBytes[1] === 3);
}

/**
 * Maps what went wrong to a stable code. `received` is what the server sent on the TLS leg (null before it):
 * a peer whose first bytes are not a TLS record is `not-tls`, whatever happened next (OpenSSL's error, a close,
 * a reset, silence).
 */
export function classifyFailure(
  error: unknown,
  phase: ProbePhase,
  received: Buffer | null,
): { code: ProbeFailureCode; message: string } {
  if (received !== null && received.length > 0 && !looksLikeTls(received)) {
    return {
      code: 'not-tls',
      message: `the server does not speak TLS here (it sent ${describeBytes(received)})`,
    };
  }
  if (error instanceof ProbeError) return { code: error.code, message: error.message };
  const errno = errnoOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (phase === 'resolving the name') return { code: 'dns', message: `the name did not resolve: ${detail}` };
  if (errno === 'ECONNREFUSED') return { code: 'refused', message: 'the connection was refused' };
  // No route to the network or host: nothing answered at all, which is not a refusal by a listening host.
  if (errno === 'ENETUNREACH' || errno === 'EHOSTUNREACH' || errno === 'EADDRNOTAVAIL') {
    return { code: 'unreachable', message: `the address is unreachable from here (${errno})` };
  }
  if (errno === 'ETIMEDOUT') return { code: 'timeout', message: `timed out while ${phase} (${detail})` };
  if (errno === 'ECONNRESET' || errno === 'EPIPE') {
    return { code: 'reset', message: `the connection was reset during ${phase}` };
  }
  if (phase === 'connecting') return { code: 'refused', message: `could not connect: ${detail}` };
  return { code: 'handshake-failed', message: `the TLS handshake failed: ${detail}` };
}

/** A short, printable view of what a peer sent, for messages ("HTTP/1.1 400 Bad Request", or hex). */
export function describeBytes(bytes: Buffer): string {
  const head = bytes.subarray(0, 40);
  const text = head.toString('latin1');
  if (/^[\x20-\x7e\r\n\t]+$/.test(text)) {
    const line = text.split(/\r?\n/)[0] ?? '';
    return JSON.stringify(line.length < text.length || bytes.length > head.length ? `${line}...` : line);
  }
  return `0x${head.subarray(0, 16).toString('hex')}${bytes.length > 16 ? '...' : ''}`;
}
