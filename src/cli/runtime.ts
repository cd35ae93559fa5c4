import * as compose from '../compose/runtime.js';
import { remoteClient, type ApiClient } from '../compose/remote.js';
import type { Dependencies } from '../compose/dependencies.js';
import { DomainError } from '../core/errors.js';
import type { GlobalOptions } from './global-options.js';

export type { Runtime } from '../compose/runtime.js';
export type { Dependencies } from '../compose/dependencies.js';
export type { ApiClient } from '../compose/remote.js';

/** How a command runs: on the local store, or against the server of `--server` (CUSTOS_SERVER) over its API. */
export interface Backends<T> {
  local(runtime: compose.Runtime): Promise<T>;
  remote(api: ApiClient, deps: Dependencies): Promise<T>;
}

/** Runs on the server when --server is set, else on the local store (always closed afterwards). */
export async function withBackend<T>(options: GlobalOptions, backends: Backends<T>): Promise<T> {
  const deps = await compose.composeDependencies(options);
  const api = remoteClient(deps);
  if (api !== null) return backends.remote(api, deps);
  return onStore(deps, backends.local);
}

async function onStore<T>(deps: Dependencies, work: (runtime: compose.Runtime) => Promise<T>): Promise<T> {
  const runtime = await compose.openRuntime(deps);
  try {
    return await work(runtime);
  } finally {
    await runtime.store.close();
  }
}

/**
 * Runs a command's work with what the composition root builds from the configuration (store, clock, prober,
 * notifiers, logger, audit actor, `config`), and always closes the store. A command that has no API counterpart
 * refuses to run when --server is set, rather than silently changing the local store.
 */
export async function withRuntime<T>(
  options: GlobalOptions,
  work: (runtime: compose.Runtime) => Promise<T>,
): Promise<T> {
  const deps = await compose.composeDependencies(options);
  if (deps.config.remote?.url !== undefined)
    throw new DomainError(
      'CUSTOS_REMOTE_UNSUPPORTED',
      `This command works on the local store only, and --server (CUSTOS_SERVER) is set to ${deps.config.remote.url}.`,
      { hint: 'Run it on the server host, or unset CUSTOS_SERVER.' },
    );
  return onStore(deps, work);
}

/** The server's own store (`custos serve`): the server is the far end of --server, never a client of one. */
export async function withServerRuntime<T>(
  options: GlobalOptions,
  work: (runtime: compose.Runtime) => Promise<T>,
): Promise<T> {
  return onStore(await compose.composeDependencies(options), work);
}

/** As withBackend, for work whose local side needs the dependencies but no store (`audit public-key`). */
export async function withBackendNoStore<T>(
  options: GlobalOptions,
  backends: { local(deps: Dependencies): Promise<T>; remote(api: ApiClient, deps: Dependencies): Promise<T> },
): Promise<T> {
  const deps = await compose.composeDependencies(options);
  const api = remoteClient(deps);
  return api === null ? backends.local(deps) : backends.remote(api, deps);
}

/** Runs work that needs the dependencies but no store (`verify`, `config show`). */
export const withDependencies = <T>(
  options: GlobalOptions,
  work: (deps: Dependencies) => Promise<T>,
): Promise<T> => compose.withDependencies(options, work);

/** The error of flags that only the local store can answer, given to a command sent to a server. */
export const remoteUnsupported = (flags: string): DomainError =>
  new DomainError('CUSTOS_REMOTE_UNSUPPORTED', `${flags} work on the local store only, not with --server.`, {
    hint: 'Leave the flag out, or run the command on the server host without --server.',
  });
