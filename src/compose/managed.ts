import { nodeLeafKeyGenerator } from '../connectors/crypto/leaf-key-generator.js';
import { buildDestinationRegistry } from '../connectors/destination-registry.js';
import type { ManagedDependencies } from '../core/managed/managed-dependencies.js';
import type { Issuer, IssuerRegistry } from '../core/ports/issuer.js';
import type { Runtime } from './runtime.js';

/**
 * The issuers managed certificates may name, as one explicit map by `issuerRef.name`. The built-in CA plugs in
 * here, once src/core/ca/issue-certificate.ts lands: one `builtInCaIssuer(name, ca)`
 * (src/core/managed/builtin-ca-issuer.ts) per authority of `runtime.store.authorities.list()` that signs, with
 * `ca.issue = (request) => issueCertificate(caDeps, request)` and `ca.revoke` the CA's revocation use case.
 * ACME accounts join the same map later.
 */
export async function buildIssuerRegistry(
  _runtime: Runtime,
  extra: ReadonlyMap<string, Issuer> = new Map(),
): Promise<IssuerRegistry> {
  return new Map(extra);
}

/** Everything the managed-certificate use cases run with, from the runtime. */
export async function managedDependencies(runtime: Runtime): Promise<ManagedDependencies> {
  return {
    store: runtime.store,
    clock: runtime.clock,
    random: runtime.random,
    sleep: runtime.sleep,
    issuers: await buildIssuerRegistry(runtime),
    destinations: buildDestinationRegistry(),
    prober: runtime.prober,
    keys: nodeLeafKeyGenerator,
    secrets: runtime.auditKeys.secrets,
    actor: runtime.actor,
  };
}
