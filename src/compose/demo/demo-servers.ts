/**
 * The demo estate's TLS endpoints: in-process node:tls servers on 127.0.0.1, each on the port it had before when
 * that port is free (so a second start finds the same locations), else on a free one. Old protocols and weak keys
 * are allowed (`@SECLEVEL=0`): the demo serves what a scan must find. The managed certificate's server reads its
 * files again whenever the deployment rewrites them, as a real server's reload would.
 */
import { watch, type FSWatcher } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { readTlsCredentials } from '../server-tls/tls-credentials.js';
import type { DemoCredentials } from './demo-pki.js';

export interface DemoServer {
  port: number;
  close(): Promise<void>;
}

const listenOn = (server: Server, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError).once('listening', onListening).listen(port, '127.0.0.1');
  });

/** A TLS server presenting these credentials; `port` is tried first, then a free one. */
export async function startDemoServer(
  credentials: DemoCredentials,
  port: number,
): Promise<DemoServer & { server: Server }> {
  const server = createServer({
    cert: credentials.certPem,
    key: credentials.keyPem,
    ciphers: 'DEFAULT:@SECLEVEL=0',
    minVersion: 'TLSv1.2',
  });
  // A client that gives up mid-handshake (a scanner does) is not an error of the demo.
  server.on('tlsClientError', () => undefined);
  server.on('secureConnection', (socket) => socket.end('custos demo\n'));
  let bound: number;
  try {
    bound = await listenOn(server, port);
  } catch {
    bound = await listenOn(server, 0);
  }
  return {
    server,
    port: bound,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The server the demo's ManagedCertificate is deployed behind: it starts with a placeholder and serves the files
 * (full chain, key) from the first deployment on, re-reading them when their directory changes.
 */
export async function startReloadingServer(
  placeholder: DemoCredentials,
  files: { directory: string; fullchain: string; key: string },
  port: number,
): Promise<DemoServer> {
  const started = await startDemoServer(placeholder, port);
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      readTlsCredentials(files.fullchain, files.key, new Date()).then(
        (next) => started.server.setSecureContext({ cert: next.certPem, key: next.keyPem }),
        // Not deployed yet, or half written: the next change event reads them again.
        () => undefined,
      );
    }, 50);
  };
  const watcher: FSWatcher = watch(files.directory, reload).on('error', () => undefined);
  reload();
  return {
    port: started.port,
    close: async () => {
      clearTimeout(timer);
      watcher.close();
      await started.close();
    },
  };
}
