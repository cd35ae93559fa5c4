import * as compose from '../compose/runtime.js';
import type { Dependencies } from '../compose/dependencies.js';
import type { GlobalOptions } from './global-options.js';

export type { Runtime } from '../compose/runtime.js';
export type { Dependencies } from '../compose/dependencies.js';

/**
 * Runs a command's work with what the composition root builds from the configuration (store, clock, prober,
 * notifiers, logger, audit actor, `config`), and always closes the store.
 */
export const withRuntime = <T>(
  options: GlobalOptions,
  work: (runtime: compose.Runtime) => Promise<T>,
): Promise<T> => compose.withRuntime(options, work);

/** Runs work that needs the dependencies but no store (`verify`, `config show`). */
export const withDependencies = <T>(
  options: GlobalOptions,
  work: (deps: Dependencies) => Promise<T>,
): Promise<T> => compose.withDependencies(options, work);
