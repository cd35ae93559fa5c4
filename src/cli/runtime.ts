import type { Clock } from '../core/ports/clock.js';
import type { Store } from '../core/ports/store.js';
import { systemClock } from '../connectors/system/system-clock.js';
import { openStore } from '../store/open-store.js';
import type { GlobalOptions } from './global-options.js';

/** What a command runs with: the store named by the global options and the system clock. */
export interface Runtime {
  store: Store;
  clock: Clock;
}

/** Opens the store, runs the command's work, and always closes the store. */
export async function withRuntime<T>(
  options: GlobalOptions,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const store = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl });
  try {
    return await work({ store, clock: systemClock });
  } finally {
    await store.close();
  }
}
