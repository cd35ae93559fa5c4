import type { Socket } from 'node:net';
import type { StartTlsMode } from '../../core/ports/tls-prober.js';
import { describeBytes, ProbeError } from './probe-error.js';

/** The most a server may say in plain text before the upgrade (greetings and EHLO replies are small). */
const MAX_PLAIN_BYTES = 64 * 1024;

/**
 * Reads what a server says in plain text before the TLS upgrade. Rejects with the socket's own error (so a reset
 * stays a reset), or a ProbeError when the server closes or says too much.
 */
class PlainReader {
  private buffered = Buffer.alloc(0);
  private total = 0;
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  private readonly onData = (chunk: Buffer): void => {
    this.total += chunk.length;
    if (this.total > MAX_PLAIN_BYTES) {
      this.fail(
        new ProbeError('not-tls', `the server sent over ${MAX_PLAIN_BYTES} bytes before the upgrade`),
      );
      return;
    }
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake();
  };
  private readonly onEnd = (): void =>
    this.fail(new ProbeError('not-tls', 'the server closed the connection before the TLS upgrade'));
  private readonly onError = (error: Error): void => this.fail(error);

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Waits until `take` finds a complete unit in the buffer, and consumes it. */
  async read<T>(take: (buffered: Buffer) => { value: T; used: number } | null): Promise<T> {
    for (;;) {
      const got = take(this.buffered);
      if (got) {
        this.buffered = this.buffered.subarray(got.used);
        return got.value;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Hands the socket over to TLS: the plain listeners go; bytes the server sent ahead of the handshake fail it. */
  release(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    if (this.buffered.length > 0) {
      throw new ProbeError(
        'handshake-failed',
        `the server sent ${describeBytes(this.buffered)} after accepting the upgrade, before the TLS handshake`,
      );
    }
  }
}

/** One SMTP reply: lines `250-...` continued until `250 ...` (RFC 5321 section 4.2). */
function smtpReply(buffered: Buffer): { value: { code: number; lines: string[] }; used: number } | null {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = buffered.indexOf('\n', start);
    if (end < 0) return null;
    const line = buffered.toString('latin1', start, end).replace(/\r$/, '');
    start = end + 1;
    const match = /^(\d{3})([ -])(.*)$/.exec(line) ?? /^(\d{3})()$/.exec(line);
    if (!match) {
      throw new ProbeError('not-tls', `the server does not speak SMTP (it sent ${describeBytes(buffered)})`);
    }
    lines.push(match[3] ?? '');
    if (match[2] !== '-') return { value: { code: Number(match[1]), lines }, used: start };
  }
}

async function smtp(socket: Socket, reader: PlainReader): Promise<void> {
  const greeting = await reader.read(smtpReply);
  if (greeting.code !== 220) {
    throw new ProbeError(
      'not-tls',
      `the SMTP server refused the session: ${greeting.code} ${greeting.lines[0]}`,
    );
  }
  const local = socket.localAddress ?? '127.0.0.1';
  socket.write(`EHLO ${local.includes(':') ? `[IPv6:${local}]` : `[${local}]`}\r\n`);
  const ehlo = await reader.read(smtpReply);
  if (ehlo.code !== 250) {
    throw new ProbeError('not-tls', `the SMTP server refused EHLO: ${ehlo.code} ${ehlo.lines[0]}`);
  }
  if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l))) {
    throw new ProbeError('not-tls', 'the SMTP server does not offer STARTTLS');
  }
  socket.write('STARTTLS\r\n');
  const ready = await reader.read(smtpReply);
  if (ready.code !== 220) {
    throw new ProbeError('not-tls', `the SMTP server refused STARTTLS: ${ready.code} ${ready.lines[0]}`);
  }
}

/** The SSLRequest message: length 8, request code 80877103 (PostgreSQL protocol, section 55.2.10). */
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

async function postgres(socket: Socket, reader: PlainReader): Promise<void> {
  socket.write(SSL_REQUEST);
  const answer = await reader.read((b) => (b.length > 0 ? { value: b[0] as number, used: 1 } : null));
  if (answer === 0x53 /* S */) return;
  if (answer === 0x4e /* N */) throw new ProbeError('not-tls', 'the PostgreSQL server does not accept SSL');
  if (answer === 0x45 /* E */) {
    throw new ProbeError('not-tls', 'the server answered the PostgreSQL SSLRequest with an error');
  }
  throw new ProbeError('not-tls', 'the server does not answer the PostgreSQL SSLRequest');
}

/**
 * Runs the plain-text part of a STARTTLS protocol on a connected socket, leaving it ready for the TLS handshake.
 * A server that refuses or does not offer the upgrade fails with `not-tls`.
 */
export async function startTls(socket: Socket, mode: StartTlsMode): Promise<void> {
  const reader = new PlainReader(socket);
  if (mode === 'smtp') await smtp(socket, reader);
  else await postgres(socket, reader);
  reader.release();
}
