/**
 * The admin token of a first start: `custos serve` makes (and prints) one only while no admin token was ever made
 * in this store. The decision and the token are one transaction around a once-only marker, so of two servers
 * starting at once on one PostgreSQL exactly one makes it.
 */
import {
  ADMIN_TOKEN_MARKER,
  createApiTokenIn,
  type CreatedApiToken,
  type TokenDependencies,
} from './api-tokens.js';

export async function firstAdminToken(deps: TokenDependencies): Promise<CreatedApiToken | null> {
  return deps.store.transaction(async (tx) => {
    if (!(await tx.credentials.markOnce(ADMIN_TOKEN_MARKER, deps.clock.now()))) return null;
    return createApiTokenIn(tx, deps, { scopes: ['admin'], name: 'first-start admin' });
  });
}
