/**
 * Real local servers for the TLS scanner tests, each on 127.0.0.1 (or ::1) and a port the OS picks: TLS servers serving a
 * given chain (or per-SNI chains), and misbehaving peers (plain HTTP, silent, garbage, reset, endless bytes),
 * a STARTTLS SMTP server and a PostgreSQL SSLRequest responder.
 */
import { createSocket as createUdpSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  createSecureContext,
  createServer as createTlsServer,
  TLSSocket,
  type SecureContextOptions,
} from 'node:tls';
import type { BuiltCertificate } from '../support/certificates.js';

export interface Running {
  port: number;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 and tracks its sockets so `close()` ends them all. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A served chain: the leaf's key and the certificates in the order the server sends them. */
export interface Served {
  key: BuiltCertificate;
  chain: BuiltCertificate[];
}

export function contextOptions(served: Served, extra: SecureContextOptions = {}): SecureContextOptions {
  return { key: served.key.privateKeyPem, cert: served.chain.map((c) => c.pem).join(''), ...extra };
}

/** A TLS server that sends `served.chain` as given; `perSni` chooses another chain by SNI name. */
export function tlsServer(
  served: Served,
  options: { perSni?: Record<string, Served>; tls?: SecureContextOptions; port?: number; host?: string } = {},
): Promise<Running> {
  const contexts = new Map(
    Object.entries(options.perSni ?? {}).map(([name, s]) => [
      name,
      createSecureContext(contextOptions(s, options.tls)),
    ]),
  );
  const server = createTlsServer({
    ...contextOptions(served, options.tls),
    SNICallback: (name, callback) => callback(null, contexts.get(name)),
  });
  server.on('tlsClientError', () => undefined);
  server.on('secureConnection', (s) => s.end());
  return listen(server as unknown as Server, options.port, options.host);
}

/** A TCP server that runs `onConnection` for each client. */
export function tcpServer(onConnection: (socket: Socket) => void): Promise<Running> {
  return listen(createNetServer(onConnection));
}

/** A port that was open a moment ago and is closed now: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const running = await tcpServer(() => undefined);
  await running.close();
  return running.port;
}

/**
 * A minimal SMTP server offering STARTTLS (RFC 3207): 220 greeting, EHLO reply listing STARTTLS, 220 to
 * STARTTLS, then TLS on the same socket with `served`. `offerStartTls: false` leaves STARTTLS out of EHLO.
 */
export function smtpServer(served: Served, options: { offerStartTls?: boolean } = {}): Promise<Running> {
  const context = createSecureContext(contextOptions(served));
  return tcpServer((socket) => {
    socket.write('220 mail.test ESMTP ready\r\n');
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (/^EHLO /i.test(line)) {
          const extensions =
            options.offerStartTls === false ? ['SIZE 1000000'] : ['SIZE 1000000', 'STARTTLS'];
          socket.write(
            [
              '250-mail.test greets you',
              ...extensions.map((e, i) => `250${i === extensions.length - 1 ? ' ' : '-'}${e}`),
            ].join('\r\n') + '\r\n',
          );
        } else if (/^STARTTLS$/i.test(line) && options.offerStartTls !== false) {
          socket.off('data', onData);
          socket.write('220 2.0.0 Ready to start TLS\r\n');
          const secure = new TLSSocket(socket, { isServer: true, secureContext: context });
          secure.on('error', () => undefined);
          secure.on('secure', () => secure.end());
          return;
        } else {
          socket.write('502 5.5.2 command not recognised\r\n');
        }
      }
    };
    socket.on('data', onData);
  });
}

/** Answers a PostgreSQL SSLRequest with 'S' and a TLS handshake serving `served`, or with 'N' when given none. */
export function postgresResponder(served: Served | null): Promise<Running> {
  const context = served ? createSecureContext(contextOptions(served)) : null;
  return tcpServer((socket) => {
    socket.once('data', (request: Buffer) => {
      if (request.length !== 8 || request.readUInt32BE(0) !== 8 || request.readUInt32BE(4) !== 80877103) {
        socket.destroy();
        return;
      }
      if (!context) {
        socket.write('N');
        return;
      }
      socket.write('S');
      const secure = new TLSSocket(socket, { isServer: true, secureContext: context });
      secure.on('error', () => undefined);
      secure.on('secure', () => secure.end());
    });
  });
}

/**
 * A DNS server on 127.0.0.1 (UDP) that knows `records` (name -> IPv4 address): it answers A queries for them,
 * NOERROR with no answer for other types of known names, and NXDOMAIN for every other name.
 */
export async function dnsServer(
  records: Record<string, string>,
): Promise<{ server: string; close(): Promise<void> }> {
  const socket = createUdpSocket('udp4');
  socket.on('message', (query, peer) => {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      const length = query[offset] as number;
      labels.push(query.toString('latin1', offset + 1, offset + 1 + length));
      offset += 1 + length;
    }
    const question = query.subarray(12, offset + 5);
    const type = query.readUInt16BE(offset + 1);
    const address = records[labels.join('.').toLowerCase()];
    const answers =
      address !== undefined && type === 1
        ? [Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address.split('.').map(Number)])]
        : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    header.writeUInt16BE(0x8180 | (address === undefined ? 3 : 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, question, ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * A TLS endpoint that serves the key and certificate files deployed at these paths, read at each handshake (so a
 * deployment needs no reload), and the placeholder while the files are missing (before a deploy, after a removal).
 */
export function servingFiles(files: { key: string; cert: string }, placeholder: Served): Promise<Running> {
  const fallback = createSecureContext(contextOptions(placeholder));
  const server = createTlsServer({
    ...contextOptions(placeholder),
    SNICallback: (_name, done) => {
      Promise.all([readFile(files.key), readFile(files.cert)]).then(
        ([key, cert]) => done(null, createSecureContext({ key, cert })),
        () => done(null, fallback),
      );
    },
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}
