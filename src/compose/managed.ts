import { nodeLeafKeyGenerator } from '../connectors/crypto/leaf-key-generator.js';
import type { ManagedDependencies } from '../core/managed/managed-dependencies.js';
import type { Issuer, IssuerRegistry } from '../core/ports/issuer.js';
import { issueCertificate } from '../core/ca/issue-certificate.js';
import { revokeCertificate } from '../core/ca/revoke-certificate.js';
import { parseDuration } from '../core/duration.js';
import { builtInCaIssuer } from '../core/managed/builtin-ca-issuer.js';
import { hash } from 'node:crypto';
import { parseCertificate } from '../pki/x509/lean-reader.js';
import { writeCrlFile } from './crl-file.js';
import type { Runtime } from './runtime.js';

/**
 * The issuers managed certificates may name, as one explicit map by `issuerRef.name`: each authority of the built-in
 * CA (`default` from `custos ca init`) that is not pending, through `builtInCaIssuer`. ACME accounts join the same
 * map later. Revoking publishes the CA's next CRL and writes its file, as `custos cert revoke` does. `findIssued`
 * looks an issuance up by its request key (kept with every issued certificate), so a reconciler that crashed after
 * the CA signed but before it recorded the revision gets the same certificate back instead of a second one.
 */
export async function buildIssuerRegistry(
  runtime: Runtime,
  extra: ReadonlyMap<string, Issuer> = new Map(),
): Promise<IssuerRegistry> {
  const registry = new Map<string, Issuer>();
  const caDeps = { ...runtime, baseUrl: runtime.config.server.baseUrl };
  const crlValidityMs = parseDuration(runtime.config.ca.crlValidity, 'ca.crlValidity');
  for (const authority of await runtime.store.authorities.list()) {
    if (authority.status === 'pending' || authority.status === 'retired') continue;
    registry.set(
      authority.name,
      builtInCaIssuer(authority.name, {
        issue: (request) => issueCertificate(caDeps, request),
        revoke: async (fingerprintSha256, reason) => {
          const result = await revokeCertificate(runtime, {
            certificate: fingerprintSha256,
            reason,
            crlValidityMs,
          });
          if (result.crl !== null) await writeCrlFile(runtime, result.crl);
        },
        // Crash recovery: what this CA already issued under the request key for this very key (not revoked).
        findIssued: async (requestKey, publicKeySpki) => {
          const key = hash('sha256', publicKeySpki, 'hex');
          for (const issued of await runtime.store.authorities.issuedUnder(authority.name, requestKey)) {
            if (issued.revocation !== null || parseCertificate(issued.der).publicKeySha256 !== key) continue;
            const signer = (await runtime.store.authorities.get(issued.authority)) ?? authority;
            if (signer.certificate === null) continue;
            return { certificate: issued.der, chain: [signer.certificate, ...signer.chain] };
          }
          return null;
        },
      }),
    );
  }
  for (const [name, issuer] of extra) registry.set(name, issuer);
  return registry;
}

/** Everything the managed-certificate use cases run with, from the runtime. */
export async function managedDependencies(runtime: Runtime): Promise<ManagedDependencies> {
  return {
    store: runtime.store,
    clock: runtime.clock,
    random: runtime.random,
    sleep: runtime.sleep,
    issuers: await buildIssuerRegistry(runtime),
    destinations: runtime.destinations,
    bundleDestinations: runtime.bundleDestinations,
    prober: runtime.prober,
    keys: nodeLeafKeyGenerator,
    secrets: runtime.auditKeys.secrets,
    actor: runtime.actor,
  };
}
