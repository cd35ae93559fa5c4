import { initAuthority } from '../core/ca/init-authority.js';
import { parseLifetime } from '../core/ca/lifetime.js';
import { DomainError } from '../core/errors.js';
import type { Runtime } from './runtime.js';

/** The CA `custos serve` creates on a fresh store: what `custos ca init` makes with its defaults. */
export const BUILTIN_CA = {
  name: 'default',
  keyType: 'ec-p256',
  rootTtl: '10y',
  intermediateTtl: '5y',
} as const;

export type BuiltInCaOutcome = 'created' | 'exists' | 'created-elsewhere';

/**
 * Creates the built-in CA (`default`, as `custos ca init` does with its defaults: software keys sealed under the
 * key-encryption key) when the store has no CA at all. Two servers starting at once on one PostgreSQL create one:
 * the store refuses the second row of the same name, and the loser finds the winner's CA (`created-elsewhere`).
 */
export async function ensureBuiltInCa(rt: Runtime): Promise<BuiltInCaOutcome> {
  if ((await rt.store.authorities.list()).length > 0) return 'exists';
  try {
    await initAuthority(rt, {
      name: BUILTIN_CA.name,
      keyType: BUILTIN_CA.keyType,
      where: { backend: 'software' },
      rootTtlMs: parseLifetime(BUILTIN_CA.rootTtl, 'the root lifetime'),
      intermediateTtlMs: parseLifetime(BUILTIN_CA.intermediateTtl, 'the intermediate lifetime'),
    });
    return 'created';
  } catch (error) {
    // Another instance created it between the look and the insert: its row (and audit event) stands, ours is gone.
    const raced =
      error instanceof DomainError &&
      (error.code === 'CUSTOS_CA_EXISTS' || error.code === 'CUSTOS_STORE_FAILED') &&
      (await rt.store.authorities.get(BUILTIN_CA.name)) !== null;
    if (raced) return 'created-elsewhere';
    throw error;
  }
}
