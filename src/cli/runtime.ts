import type { AuditKeyring } from '../core/ports/audit-keyring.js';
import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import { systemClock } from '../connectors/system/system-clock.js';
import { loadAuditKeyring } from '../store/keys/audit-keyring.js';
import { openStore } from '../store/open-store.js';
import type { GlobalOptions } from './global-options.js';

/** What a command runs with: the store named by the global options, the audit key and the system clock. */
export interface Runtime {
  store: Store;
  clock: Clock;
  auditKeys: AuditKeyring;
}

/** The audit key the global options and the environment name (CUSTOS_AUDIT_KEY, CUSTOS_AUDIT_KEY_FILE, data dir). */
export function auditKeysOf(options: GlobalOptions): Promise<AuditKeyring> {
  return loadAuditKeyring({
    dataDir: options.dataDir,
    key: process.env.CUSTOS_AUDIT_KEY,
    keyFile: process.env.CUSTOS_AUDIT_KEY_FILE,
  });
}

/** Opens the store, runs the command's work, and always closes the store. */
export async function withRuntime<T>(
  options: GlobalOptions,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const auditKeys = await auditKeysOf(options);
  const store = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, auditKeys });
  try {
    return await work({ store, clock: systemClock, auditKeys });
  } finally {
    await store.close();
  }
}
