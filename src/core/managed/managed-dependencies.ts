import type { Sleep } from '../notify/deliver-notices.js';
import type { Clock } from '../ports/clock.js';
import type { BundleDestinationRegistry, DestinationRegistry } from '../ports/destination.js';
import type { IssuerRegistry } from '../ports/issuer.js';
import type { LeafKeyGenerator } from '../ports/leaf-keys.js';
import type { Random } from '../ports/random.js';
import type { SecretCipher } from '../ports/secret-cipher.js';
import type { Store } from '../ports/store.js';
import type { TlsProber } from '../ports/tls-prober.js';

/** What the managed-certificate use cases run with (the composition root builds it from a Runtime). */
export interface ManagedDependencies {
  store: Store;
  clock: Clock;
  random: Random;
  sleep: Sleep;
  /** Issuers by `issuerRef.name` (the built-in CA's authorities; ACME later). */
  issuers: IssuerRegistry;
  destinations: DestinationRegistry;
  /** Where trust bundles go (TrustBundle objects). */
  bundleDestinations: BundleDestinationRegistry;
  /** The scanner's TLS prober: what each verification endpoint serves. */
  prober: TlsProber;
  keys: LeafKeyGenerator;
  /** Seals revisions' private keys at rest (the audit keyring's secret key). */
  secrets: SecretCipher;
  /** The audit actor: `cli:alice`, `reconciler:host:pid`. */
  actor: string;
}
