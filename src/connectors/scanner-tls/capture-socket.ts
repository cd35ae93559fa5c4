import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * A duplex over a connected socket that keeps a copy of every byte the server sends, up to a limit, so that the
 * server's handshake can be read as it was sent (see served-chain.ts). node:tls runs over it in place of the
 * socket. The limit bounds memory against a peer that streams forever: past it, the duplex is destroyed with
 * `onLimit`'s error.
 */
export class CaptureSocket extends Duplex {
  private readonly chunks: Buffer[] = [];
  private captured = 0;
  /** How the server's side ended, if it did before the handshake finished. */
  peerEnded = false;

  constructor(
    private readonly socket: Socket,
    maxBytes: number,
    onLimit: () => Error,
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => {
      this.captured += chunk.length;
      if (this.captured > maxBytes) {
        this.destroy(onLimit());
        return;
      }
      this.chunks.push(chunk);
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => {
      this.peerEnded = true;
      this.push(null);
    });
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  /** Everything the server sent so far. */
  received(): Buffer {
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.captured);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }
}
