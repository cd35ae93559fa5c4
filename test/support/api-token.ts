/**
 * A bearer token for tests of the server's routes, made through the real core use case and store (`custos token
 * create` does the same): `inject({ headers: { authorization: `Bearer ${await apiToken(t.rt, { scopes: ['read'] })}` } })`.
 */
import type { Runtime } from '../../src/compose/runtime.js';
import { createApiToken } from '../../src/core/auth/api-tokens.js';
import type { Scope } from '../../src/server/auth/principal.js';

export async function apiToken(rt: Runtime, options: { scopes: Scope[]; owner?: string }): Promise<string> {
  const created = await createApiToken(
    { ...rt, actor: 'test:support' },
    { scopes: options.scopes, ...(options.owner === undefined ? {} : { owner: options.owner }) },
  );
  return created.token;
}

/** The headers of a request with this token. */
export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });
