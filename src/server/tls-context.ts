import type { Server as TlsServer } from 'node:tls';
import type { Logger } from '../compose/logger.js';
import type { ServerTls } from '../compose/server-tls/server-tls.js';
import type { App } from './app.js';

/**
 * Serves each new certificate the TLS source hands over (a renewal, changed files, SIGHUP) from the next handshake
 * on, without a restart: `setSecureContext` replaces the context new connections get; open ones keep theirs.
 * Returns the function that stops watching.
 */
export function keepTlsCurrent(app: App, tls: ServerTls, logger: Logger): () => void {
  logger.info({ source: tls.source, fingerprintSha256: tls.credentials.fingerprintSha256 }, 'serving TLS');
  return tls.watch({
    onChange(credentials, why) {
      (app.server as unknown as TlsServer).setSecureContext({
        cert: credentials.certPem,
        key: credentials.keyPem,
      });
      logger.info(
        {
          why,
          fingerprintSha256: credentials.fingerprintSha256,
          notAfter: credentials.notAfter.toISOString(),
        },
        'TLS certificate replaced',
      );
    },
    onError(error) {
      logger.warn({ err: error }, 'TLS certificate not replaced: still serving the current one');
    },
  });
}
