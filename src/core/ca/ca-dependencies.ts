import type { Clock } from '../ports/clock.js';
import type { KeyManager } from '../ports/key-manager.js';
import type { SecureRandom } from '../ports/secure-random.js';
import type { Store } from '../ports/store.js';

/** What the built-in CA's use cases run with (a Runtime has all of it). */
export interface CaDependencies {
  store: Store;
  keys: KeyManager;
  clock: Clock;
  secureRandom: SecureRandom;
  /** The audit actor: `cli:alice`, `api:token`. */
  actor: string;
}

/** A CA certificate's notBefore: a minute in the past, so a relying party whose clock lags a little accepts it. */
export const backdated = (now: Date): Date => new Date(now.getTime() - 60_000);
