import { lookup, Resolver } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { DomainError } from '../../core/errors.js';
import type { ProbeResult, TlsEndpoint, TlsProber } from '../../core/ports/tls-prober.js';
import { CaptureSocket } from './capture-socket.js';
import { classifyFailure, ProbeError, type ProbePhase } from './probe-error.js';
import { readServedChain } from './served-chain.js';
import { startTls } from './starttls.js';

export interface TlsProberOptions {
  /** One deadline per connection, covering name resolution, TCP, STARTTLS and the handshake (default 5 s). */
  timeoutMs?: number;
  /** The most bytes read from a server before its handshake completes (default 1 MiB). */
  maxHandshakeBytes?: number;
  /**
   * DNS servers (`IP` or `IP:port`) to resolve host names with, A then AAAA; default: the system's resolver
   * (getaddrinfo, so /etc/hosts applies).
   */
  nameServers?: string[];
  /** The clock stamping results (default: the system clock). */
  now?: () => Date;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_HANDSHAKE_BYTES = 1024 * 1024;

const SERVER_HANDSHAKE_SECRET = 'SERVER_HANDSHAKE_TRAFFIC_SECRET ';

/**
 * The client's TLS settings, shared by every connection. Certificates are read, never trusted or refused here
 * (`rejectUnauthorized: false`): judging them is the path validator's job. Old protocol versions and ciphers are
 * allowed so that legacy servers still show what they serve.
 */
function scannerContext(): SecureContext {
  return createSecureContext({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
}

/** Reads what TLS endpoints serve, over node:net and node:tls. */
export function createTlsProber(options: TlsProberOptions = {}): TlsProber {
  const settings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    maxBytes: options.maxHandshakeBytes ?? DEFAULT_MAX_HANDSHAKE_BYTES,
    now: options.now ?? (() => new Date()),
    context: scannerContext(),
    resolve: options.nameServers ? resolverOf(options.nameServers) : systemResolve,
  };
  return { probe: (endpoint) => probe(endpoint, settings) };
}

interface Settings {
  timeoutMs: number;
  maxBytes: number;
  now: () => Date;
  context: SecureContext;
  resolve: (host: string) => Promise<string>;
}

const systemResolve = async (host: string): Promise<string> => (await lookup(host)).address;

/** Resolves with the given DNS servers: the first A record, else the first AAAA record. */
function resolverOf(servers: string[]): (host: string) => Promise<string> {
  const resolver = new Resolver({ tries: 1 });
  try {
    resolver.setServers(servers);
  } catch (cause) {
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `--dns-server: ${servers.join(', ')} is not an IP address[:port]`,
      {
        cause,
        hint: 'give the DNS server as 10.0.0.53, 10.0.0.53:5353 or [fd00::53]:53',
      },
    );
  }
  return async (host) => {
    try {
      const [v4] = await resolver.resolve4(host);
      if (v4) return v4;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENODATA') throw error;
    }
    const [v6] = await resolver.resolve6(host);
    if (!v6) throw new Error(`no address for ${host}`);
    return v6;
  };
}

function probe(endpoint: TlsEndpoint, settings: Settings): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let phase: ProbePhase = isIP(endpoint.host) ? 'connecting' : 'resolving the name';
    let address: string | null = isIP(endpoint.host) ? endpoint.host : null;
    let socket: Socket | null = null;
    let capture: CaptureSocket | null = null;
    let tls: TLSSocket | null = null;
    let settled = false;

    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      tls?.destroy();
      capture?.destroy();
      socket?.destroy();
      resolve(result);
    };
    const fail = (error: unknown): void => {
      const { code, message } = classifyFailure(error, phase, capture ? capture.received() : null);
      finish({ ok: false, endpoint, address, code, message, at: settings.now() });
    };
    // Timers run before the I/O that arrived while the event loop was busy (with another endpoint's chain, say):
    // the deadline yields to that I/O once, so a busy loop does not turn an answer into a timeout.
    const deadline = setTimeout(
      () =>
        setImmediate(() =>
          fail(new ProbeError('timeout', `no answer within ${settings.timeoutMs} ms while ${phase}`)),
        ),
      settings.timeoutMs,
    );

    const handshake = (): void => {
      phase = 'the TLS handshake';
      const tcp = socket as Socket;
      const tap = new CaptureSocket(
        tcp,
        settings.maxBytes,
        () =>
          new ProbeError(
            'handshake-failed',
            `the server sent more than ${settings.maxBytes} bytes without completing the handshake`,
          ),
      );
      capture = tap;
      let serverSecret: Buffer | null = null;
      const secure = tlsConnect({
        socket: tap,
        secureContext: settings.context,
        rejectUnauthorized: false,
        minDHSize: 1,
        ...(endpoint.sni !== null ? { servername: endpoint.sni } : {}),
      });
      tls = secure;
      secure.on('keylog', (line: Buffer) => {
        const text = line.toString('latin1');
        if (text.startsWith(SERVER_HANDSHAKE_SECRET)) {
          serverSecret = Buffer.from(text.trim().split(' ')[2] ?? '', 'hex');
        }
      });
      // Node reports a peer's orderly close before the handshake as ECONNRESET; the capture knows it was a FIN.
      secure.on('error', (error) =>
        fail(tap.errored ?? (tap.peerEnded ? closedBeforeHandshake(tap) : error)),
      );
      secure.on('close', () => {
        if (!settled) fail(closedBeforeHandshake(tap));
      });
      secure.on('secureConnect', () => {
        const cipher = secure.getCipher();
        const tlsVersion = secure.getProtocol() ?? 'unknown';
        const served = readServedChain({
          bytes: tap.received(),
          protocol: tlsVersion,
          cipherSuite: cipher.standardName,
          serverHandshakeSecret: serverSecret,
        });
        if ('problem' in served) {
          fail(
            new ProbeError(
              'handshake-failed',
              `the handshake completed but its certificates could not be read: ${served.problem}`,
            ),
          );
          return;
        }
        finish({
          ok: true,
          endpoint,
          address: address as string,
          chain: served.chain,
          tlsVersion,
          cipher: cipher.standardName,
          at: settings.now(),
        });
      });
    };

    const connect = (ip: string): void => {
      address = ip;
      phase = 'connecting';
      const tcp = netConnect({ host: ip, port: endpoint.port });
      socket = tcp;
      tcp.setNoDelay(true);
      tcp.on('error', (error) => fail(error));
      tcp.once('connect', () => {
        if (settled) return;
        if (endpoint.starttls === null) {
          handshake();
          return;
        }
        phase = 'STARTTLS';
        startTls(tcp, endpoint.starttls).then(() => {
          if (!settled) handshake();
        }, fail);
      });
    };

    if (address !== null) {
      connect(address);
    } else {
      settings.resolve(endpoint.host).then((found) => {
        if (!settled) connect(found);
      }, fail);
    }
  });
}

/** The server hung up before the handshake finished (had it sent what is not TLS, that is reported instead). */
function closedBeforeHandshake(tap: CaptureSocket): ProbeError {
  return new ProbeError(
    'handshake-failed',
    tap.received().length === 0
      ? 'the server closed the connection without answering the ClientHello'
      : 'the server closed the connection during the TLS handshake',
  );
}
