import { CredentialCache } from '../core/auth/credential-cache.js';
import { issuanceBatcher, type IssuanceRecorder } from '../core/ca/issuance-batcher.js';
import { nextTurn } from '../connectors/system/next-turn.js';
import {
  issuanceConfigurationCache,
  type IssuanceConfigurationSource,
} from '../core/ca/issuance-configuration.js';
import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { Store } from '../core/ports/store.js';
import { openStore } from '../store/open-store.js';
import type { Surface } from './audit-actor.js';
import { redactedConfig } from './config/redact.js';
import type { Environment } from './config/environment.js';
import { loadConfig, type ConfigFlag, type LoadedConfig } from './config/load-config.js';
import { buildDependencies, type Dependencies } from './dependencies.js';

/** What a command runs with: every dependency and the open store. */
export interface Runtime extends Dependencies {
  store: Store;
  /** The key that seals the audit trail (audit.key, audit.keyFile, or audit.key in dataDir). */
  auditKeys: AuditKeyring;
  /** Records the built-in CA's issuances, one transaction per batch of those made at once (group commit). */
  issuances: IssuanceRecorder;
  /** The CA generations, policies and identities issuance reads, kept while the store's revision says so. */
  issuanceConfiguration: IssuanceConfigurationSource;
  /** Credentials the server authenticated in the last seconds (core/auth/credential-cache.ts). */
  credentialCache: CredentialCache;
}

/** What the composition root needs to know about the process: its flags, environment and directory. */
export interface ComposeOptions {
  surface: Surface;
  /** `--config FILE`. */
  configFile?: string;
  /** The configuration keys set by flags. */
  flags: readonly ConfigFlag[];
  env: Environment;
  cwd: string;
}

/** Reads the configuration of the process (file, environment, flags; every problem at once). */
const configOf = (options: ComposeOptions): Promise<LoadedConfig> =>
  loadConfig({ configFile: options.configFile, flags: options.flags, env: options.env, cwd: options.cwd });

/** Reads the configuration and builds the dependencies, without opening the store. */
export async function composeDependencies(options: ComposeOptions): Promise<Dependencies> {
  const loaded = await configOf(options);
  const deps = buildDependencies(loaded, { surface: options.surface, env: options.env });
  deps.logger.debug({ file: loaded.file, config: redactedConfig(loaded.config) }, 'configuration loaded');
  return deps;
}

/** Opens the store named by the configuration (PostgreSQL when databaseUrl is set, else SQLite in dataDir). */
export async function openRuntime(deps: Dependencies): Promise<Runtime> {
  const started = performance.now();
  const auditKeys = await deps.loadAuditKeys();
  const store = await openStore({
    dataDir: deps.config.dataDir,
    databaseUrl: deps.config.databaseUrl,
    auditKeys,
  });
  deps.logger.debug(
    {
      store: deps.config.databaseUrl === undefined ? 'sqlite' : 'postgres',
      ms: Math.round(performance.now() - started),
    },
    'store opened',
  );
  return {
    ...deps,
    store,
    auditKeys,
    issuances: issuanceBatcher(store, { gather: nextTurn }),
    issuanceConfiguration: issuanceConfigurationCache(store),
    credentialCache: new CredentialCache(),
  };
}

/** Builds the dependencies, opens the store, runs the work, and always closes the store. */
export async function withRuntime<T>(
  options: ComposeOptions,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(await composeDependencies(options));
  try {
    return await work(runtime);
  } finally {
    await runtime.store.close();
  }
}

/** Builds the dependencies and runs work that needs no store (`verify`, `config show`). */
export async function withDependencies<T>(
  options: ComposeOptions,
  work: (deps: Dependencies) => Promise<T>,
): Promise<T> {
  return work(await composeDependencies(options));
}
