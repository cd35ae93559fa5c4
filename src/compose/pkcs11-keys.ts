import type { Pkcs11KeyBackend } from '../connectors/keys-pkcs11/pkcs11-key-backend.js';
import { DomainError } from '../core/errors.js';
import { pkcs11Pin, type Environment } from './config/environment.js';

type Loaded = typeof import('../connectors/keys-pkcs11/pkcs11-key-backend.js');

/**
 * The PKCS#11 key backend as this process runs it: the token PIN from `CUSTOS_PKCS11_PIN`. The KeyManager's
 * registry (by `reference.backend`) holds it beside the software backend.
 *
 * The binding (pkcs11js, a native addon) is loaded on first use, not when the CLI starts: a command that never
 * touches a token neither pays for it nor fails when the addon was not built (`npm install --ignore-scripts`).
 */
export function pkcs11KeyBackendFromEnvironment(env: Environment): Pkcs11KeyBackend {
  const pin = pkcs11Pin(env);
  let backend: Promise<Pkcs11KeyBackend> | undefined;
  let loaded: Pkcs11KeyBackend | undefined;
  const load = (): Promise<Pkcs11KeyBackend> =>
    (backend ??= import('../connectors/keys-pkcs11/pkcs11-key-backend.js').then(
      (module: Loaded) => (loaded = module.pkcs11KeyBackend({ pin })),
      (error: unknown) => {
        backend = undefined;
        throw new DomainError('CUSTOS_KEY_UNAVAILABLE', 'the PKCS#11 binding (pkcs11js) cannot be loaded', {
          cause: error,
          hint: 'reinstall Custos with its install scripts allowed: pkcs11js builds a native addon (python3, make, g++)',
        });
      },
    ));
  return {
    backend: 'pkcs11',
    generate: async (type, where, label) => (await load()).generate(type, where, label),
    signer: async (reference) => (await load()).signer(reference),
    close: () => loaded?.close(),
  };
}
