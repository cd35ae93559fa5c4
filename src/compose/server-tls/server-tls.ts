/**
 * Where `custos serve` takes its own TLS certificate from, and how it stays current without a restart: given files
 * (`server.tls.certFile`/`keyFile`) are read again when anything in their directories changes (an atomic rename, a
 * Kubernetes secret's symlink swap) or on SIGHUP; the built-in CA's certificate (`server.tls.enabled`) is renewed by
 * the server at 2/3 of its lifetime. The server swaps its secure context with what `watch` hands it.
 */
import { watch as watchDirectory, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DomainError } from '../../core/errors.js';
import type { Runtime } from '../runtime.js';
import { serverCertificate, serverNames } from './server-certificate.js';
import { readTlsCredentials, type TlsCredentials } from './tls-credentials.js';

export interface TlsWatchHandlers {
  /** New credentials to serve from now on, and why (`renewed`, `files changed`, `SIGHUP`). */
  onChange(credentials: TlsCredentials, why: string): void;
  /** A reload or renewal failed; the current credentials stay (it is tried again). */
  onError(error: unknown): void;
}

export interface ServerTls {
  /** What it serves from, for the log: `built-in CA default` or the two files. */
  source: string;
  credentials: TlsCredentials;
  /** Keeps the credentials current until the returned stop function is called. */
  watch(handlers: TlsWatchHandlers): () => void;
}

/** Retry of a failed renewal; the longest timer node takes (about 24.8 days) is re-armed past. */
const RETRY_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEBOUNCE_MS = 200;

const changed = (a: TlsCredentials, b: TlsCredentials) => a.certPem !== b.certPem || a.keyPem !== b.keyPem;

function fromFiles(rt: Runtime, certFile: string, keyFile: string): Promise<ServerTls> {
  const [cert, key] = [resolve(certFile), resolve(keyFile)];
  return readTlsCredentials(cert, key, rt.clock.now()).then((first) => {
    let served = first;
    return {
      source: `files ${cert} and ${key}`,
      credentials: first,
      watch(handlers) {
        let timer: NodeJS.Timeout | undefined;
        const reload = (why: string) => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            readTlsCredentials(cert, key, rt.clock.now()).then((next) => {
              if (!changed(served, next)) return;
              served = next;
              handlers.onChange(next, why);
            }, handlers.onError);
          }, DEBOUNCE_MS);
        };
        const watchers: FSWatcher[] = [...new Set([dirname(cert), dirname(key)])].map((dir) =>
          watchDirectory(dir, () => reload('files changed')).on('error', handlers.onError),
        );
        const onHangup = () => reload('SIGHUP');
        process.on('SIGHUP', onHangup);
        return () => {
          clearTimeout(timer);
          for (const w of watchers) w.close();
          process.off('SIGHUP', onHangup);
        };
      },
    };
  });
}

async function fromBuiltInCa(rt: Runtime, names: readonly string[]): Promise<ServerTls> {
  const first = await serverCertificate(rt, names);
  rt.logger.info(
    { names, fingerprintSha256: first.credentials.fingerprintSha256, renewAt: first.renewAt.toISOString() },
    first.issued ? 'server certificate issued by the built-in CA' : 'server certificate reused',
  );
  return {
    source: `built-in CA ${rt.config.server.tls.authority}`,
    credentials: first.credentials,
    watch(handlers) {
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const arm = (at: Date) => {
        // At least a second apart, whatever the certificate says: a renewal never spins.
        const delay = Math.max(1_000, at.getTime() - rt.clock.now().getTime());
        timer = setTimeout(
          () => (delay > MAX_TIMER_MS ? arm(at) : renew('renewed')),
          Math.min(delay, MAX_TIMER_MS),
        );
        timer.unref();
      };
      const renew = (why: string) => {
        clearTimeout(timer);
        serverCertificate(rt, names).then(
          (next) => {
            if (stopped) return;
            if (next.issued) handlers.onChange(next.credentials, why);
            arm(next.renewAt);
          },
          (error: unknown) => {
            if (stopped) return;
            handlers.onError(error);
            arm(new Date(rt.clock.now().getTime() + RETRY_MS));
          },
        );
      };
      const onHangup = () => renew('SIGHUP');
      process.on('SIGHUP', onHangup);
      arm(first.renewAt);
      return () => {
        stopped = true;
        clearTimeout(timer);
        process.off('SIGHUP', onHangup);
      };
    },
  };
}

/** The server's TLS from the configuration, or null to serve plain HTTP. */
export async function serverTls(rt: Runtime, listenHost: string): Promise<ServerTls | null> {
  const { certFile, keyFile, enabled } = rt.config.server.tls;
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new DomainError(
      'CUSTOS_SERVER_TLS_INVALID',
      'server.tls.certFile and server.tls.keyFile (--tls-cert, --tls-key) go together.',
      { hint: 'Give both, or neither and --tls for a certificate from the built-in CA.' },
    );
  if (certFile !== undefined && keyFile !== undefined) return fromFiles(rt, certFile, keyFile);
  return enabled ? fromBuiltInCa(rt, serverNames(rt, listenHost)) : null;
}
