import { DomainError } from '../core/errors.js';
import type { KeyBackend, KeyManager, KeyReference } from '../core/ports/key-manager.js';

/** The key backends the KeyManager dispatches to, by `reference.backend` (an explicit registry, DESIGN habit 7). */
export interface KeyBackends {
  software: KeyBackend<Extract<KeyReference, { backend: 'software' }>>;
  /** The PKCS#11 token backend, when built (src/connectors/keys-pkcs11). */
  pkcs11?: KeyBackend<Extract<KeyReference, { backend: 'pkcs11' }>>;
}

const unavailable = (backend: string) =>
  new DomainError('CUSTOS_KEY_UNAVAILABLE', `No ${backend} key backend is available in this build.`, {
    hint: 'Keep the CA keys in software, or use a build of Custos with PKCS#11 support.',
  });

/** The one KeyManager of the process: software keys and a PKCS#11 token behind the same port. */
export function buildKeyManager(backends: KeyBackends): KeyManager {
  const backendOf = <B extends KeyReference['backend']>(name: B) => {
    const backend = backends[name];
    if (backend === undefined) throw unavailable(name);
    return backend as unknown as KeyBackend<Extract<KeyReference, { backend: B }>>;
  };
  return {
    generate: (type, where, label) => backendOf(where.backend).generate(type, where, label),
    signer: async (reference) =>
      reference.backend === 'software'
        ? backendOf('software').signer(reference)
        : backendOf('pkcs11').signer(reference),
  };
}
