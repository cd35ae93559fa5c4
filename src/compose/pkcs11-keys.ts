import { pkcs11KeyBackend, type Pkcs11KeyBackend } from '../connectors/keys-pkcs11/pkcs11-key-backend.js';
import { pkcs11Pin, type Environment } from './config/environment.js';

/**
 * The PKCS#11 key backend as this process runs it: the token PIN from `CUSTOS_PKCS11_PIN`. The KeyManager's
 * registry (by `reference.backend`) holds it beside the software backend.
 */
export function pkcs11KeyBackendFromEnvironment(env: Environment): Pkcs11KeyBackend {
  return pkcs11KeyBackend({ pin: pkcs11Pin(env) });
}
