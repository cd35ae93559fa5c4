import {
  buildBundleDestinationRegistry,
  buildDestinationRegistry,
} from '../connectors/destination-registry.js';
import type { BundleDestinationRegistry, DestinationRegistry } from '../core/ports/destination.js';
import type { Sleep } from '../core/notify/deliver-notices.js';
import type { MetricFamily } from '../core/metrics/metric-family.js';
import type { AuditCheckpoint } from '../core/audit/audit-seal.js';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { Clock } from '../core/ports/clock.js';
import type { FileTree } from '../core/ports/file-tree.js';
import type { KeyManager, KeyType } from '../core/ports/key-manager.js';
import type { JwksSource } from '../core/ports/jwks-source.js';
import type { Provisioner } from '../core/ca/provisioners/provisioner.js';
import type { Random } from '../core/ports/random.js';
import type { SecureRandom } from '../core/ports/secure-random.js';
import type { NotifierRegistry } from '../core/ports/notifier.js';
import type { TlsProber } from '../core/ports/tls-prober.js';
import { sendCheckpoint } from '../connectors/audit-checkpoint/send-checkpoint.js';
import { writeFileAtomic } from '../connectors/files/write-file-atomic.js';
import { renderPrometheusText } from '../connectors/metrics-prometheus/prometheus-text.js';
import { buildNotifierRegistry, sleep } from '../connectors/notifier-registry.js';
import { LocalFileTree } from '../connectors/scanner-files/local-file-tree.js';
import { createTlsProber } from '../connectors/scanner-tls/tls-prober.js';
import { systemClock } from '../connectors/system/system-clock.js';
import { systemRandom } from '../connectors/system/system-random.js';
import { systemSecureRandom } from '../connectors/system/system-secure-random.js';
import { softwareKeyBackend } from '../connectors/keys-software/software-key-backend.js';
import { generateLeafKeyPair, type LeafKeyPair } from '../connectors/keys-software/leaf-key.js';
import {
  loadTrustAnchors,
  type LoadTrustAnchorsInput,
} from '../connectors/trust-store/load-trust-anchors.js';
import { readCertificateFile } from '../connectors/trust-store/read-certificate-file.js';
import { readUserFile } from '../connectors/files/read-user-file.js';
import { createJwksSource } from '../connectors/jwks/jwks-source.js';
import { loadAuditKeyring } from '../store/keys/audit-keyring.js';
import { loadKeyEncryptionKey } from '../store/keys/key-encryption-key.js';
import { parseDuration } from '../core/duration.js';
import { auditActor, currentUser, workerName, type Surface } from './audit-actor.js';
import { commandEnvironment, type Environment } from './config/environment.js';
import type { LoadedConfig } from './config/load-config.js';
import { provisionersOf } from './config/provisioners-config.js';
import type { Config } from './config/schema.js';
import type { ValueSource } from './config/value-source.js';
import { buildKeyManager } from './key-manager.js';
import { boundRegExpBacktracking } from './regexp-engine.js';
import { pkcs11KeyBackendFromEnvironment } from './pkcs11-keys.js';
import { createLogger, type Logger } from './logger.js';

/** Certificates in files the user names (CERT, --chain, --trust), read whatever their format. */
export interface CertificateFiles {
  /** The certificates (DER) of one file, in file order; DomainError (exit 2) when it holds none or cannot be read. */
  read(path: string, passwords?: readonly string[], what?: string): Promise<Uint8Array[]>;
  /** The trust anchors (DER) of the given files, plus the system roots when asked, each once. */
  trustAnchors(input: LoadTrustAnchorsInput): Promise<Uint8Array[]>;
}

/** Everything a command or the server runs with, except the store (see Runtime). */
export interface Dependencies {
  /** The effective configuration (flags > CUSTOS_* > custos.yaml > defaults). */
  config: Config;
  /** Where each configuration value came from, and which file was read. */
  configSources: ReadonlyMap<string, ValueSource>;
  configFile: string | null;
  clock: Clock;
  random: Random;
  /** The CSPRNG (serial numbers). */
  secureRandom: SecureRandom;
  /** The built-in CA's keys: software keys sealed under the key-encryption key, or a PKCS#11 token. */
  keys: KeyManager;
  /** A key pair for a caller that has none (`cert issue --generate-key`), made in this process, never stored. */
  generateKeyPair(type: KeyType): Promise<LeafKeyPair>;
  /** Who may ask the built-in CA (custos.yaml `provisioners:`, the default `bootstrap` one included). */
  provisioners: readonly Provisioner[];
  /** The JWT provisioners' issuer keys: fetched with a timeout and cached, or read from a file. */
  jwks: JwksSource;
  logger: Logger;
  /** The OS user running the process. */
  user: string;
  /** The audit actor of what this process changes on its own behalf: `cli:alice`. */
  actor: string;
  /** This process as a job worker (host:pid), as `custos jobs list` shows who holds a job. */
  worker: string;
  /** The local file system, for `scan files`. */
  files: FileTree;
  /** The TLS prober, with the configured timeout and DNS servers. */
  prober: TlsProber;
  /** The notification channels: email when smtp is configured, Slack and webhooks always. */
  notifiers: NotifierRegistry;
  /** Where managed certificates' revisions go: file, exec and webhook destinations. */
  destinations: DestinationRegistry;
  /** Where trust bundles go (TrustBundle objects): file destinations. */
  bundleDestinations: BundleDestinationRegistry;
  sleep: Sleep;
  certificateFiles: CertificateFiles;
  /** Metric families in the Prometheus text format (the textfile of `custos metrics`, the server's /metrics). */
  renderMetrics(families: MetricFamily[]): Promise<string>;
  /**
   * Replaces a file atomically (temp file, fsync, rename): `CUSTOS_OUTPUT_WRITE_FAILED` leaves the old one. `mode`
   * defaults to 0644; a private key is written 0600.
   */
  writeOutputFile(path: string, data: string | Uint8Array, options?: { mode?: number }): Promise<void>;
  /** The audit key (audit.key, else audit.keyFile, else audit.key in dataDir, created on first start). */
  loadAuditKeys(): Promise<AuditKeyring>;
  /** POSTs an audit checkpoint to a webhook, signed as notifications are when a secret is given. */
  sendCheckpoint(
    url: string,
    checkpoint: AuditCheckpoint,
    options: { secret?: string; at: Date },
  ): Promise<void>;
}

export interface ComposeContext {
  surface: Surface;
  env: Environment;
}

/** Deadline of one fetch of a JWT provisioner's JWK Set. */
const JWKS_TIMEOUT_MS = 5_000;

/** Builds every dependency from the configuration: the one place that picks the implementation of each port. */
export function buildDependencies(loaded: LoadedConfig, context: ComposeContext): Dependencies {
  boundRegExpBacktracking();
  const { config } = loaded;
  const user = currentUser(context.env);
  return {
    config,
    configSources: loaded.sources,
    configFile: loaded.file,
    clock: systemClock,
    random: systemRandom,
    secureRandom: systemSecureRandom,
    keys: buildKeyManager({
      software: softwareKeyBackend({
        loadKek: () => loadKeyEncryptionKey({ dataDir: config.dataDir, key: context.env.CUSTOS_KEK }),
      }),
      pkcs11: pkcs11KeyBackendFromEnvironment(context.env),
    }),
    generateKeyPair: generateLeafKeyPair,
    // The server logs its requests at info unless a level is set; the CLI stays silent unless asked.
    logger: createLogger(
      context.surface === 'server' && loaded.sources.get('logLevel')?.from === 'default'
        ? 'info'
        : config.logLevel,
    ),
    provisioners: provisionersOf(config),
    jwks: createJwksSource({
      timeoutMs: JWKS_TIMEOUT_MS,
      readFile: readUserFile,
      now: () => systemClock.now().getTime(),
    }),
    user,
    actor: auditActor(context.surface, user),
    worker: workerName(),
    files: new LocalFileTree(),
    prober: createTlsProber({
      timeoutMs: parseDuration(config.scan.timeout, 'scan.timeout'),
      ...(config.scan.dnsServers !== undefined && config.scan.dnsServers.length > 0
        ? { nameServers: config.scan.dnsServers }
        : {}),
    }),
    notifiers: buildNotifierRegistry({ email: config.smtp }),
    destinations: buildDestinationRegistry({
      env: context.env,
      commandEnvironment: commandEnvironment(),
      now: () => systemClock.now(),
    }),
    bundleDestinations: buildBundleDestinationRegistry({
      env: context.env,
      commandEnvironment: commandEnvironment(),
      now: () => systemClock.now(),
    }),
    sleep,
    certificateFiles: { read: readCertificateFile, trustAnchors: loadTrustAnchors },
    renderMetrics: renderPrometheusText,
    writeOutputFile: (path, data, options) => writeFileAtomic(path, data, options),
    sendCheckpoint,
    loadAuditKeys: () =>
      loadAuditKeyring({ dataDir: config.dataDir, key: config.audit?.key, keyFile: config.audit?.keyFile }),
  };
}
