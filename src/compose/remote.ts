/**
 * The server the CLI talks to instead of the local store, when `remote.url` (`--server`, CUSTOS_SERVER) is set:
 * an API client with the bearer token of `remote.token` (CUSTOS_TOKEN) and the scan timeout's patience.
 */
import { createApiClient, type ApiClient } from '../connectors/api-client/api-client.js';
import type { Dependencies } from './dependencies.js';

export type { ApiClient, ApiRequest } from '../connectors/api-client/api-client.js';

/** Long enough for a first page of a large inventory or an issuance on a loaded server. */
const REQUEST_TIMEOUT_MS = 120_000;

export function remoteClient(deps: Pick<Dependencies, 'config'>): ApiClient | null {
  const { url, token } = deps.config.remote ?? {};
  if (url === undefined) return null;
  return createApiClient({
    baseUrl: url,
    ...(token === undefined ? {} : { token }),
    timeoutMs: REQUEST_TIMEOUT_MS,
    userAgent: 'custos-cli',
  });
}
