import { KEY_USAGE } from '../x509/extensions/key-usage.js';
import type { Lint } from './lint.js';

const {
  digitalSignature,
  nonRepudiation,
  keyEncipherment,
  dataEncipherment,
  keyAgreement,
  keyCertSign,
  cRLSign,
} = KEY_USAGE;

/** keyUsage bits each key type can honour. */
const ALLOWED: Record<string, number> = {
  // RFC 3279 §2.3.1 / RFC 4055 §1.2: RSA signs and encrypts; it does not agree keys.
  RSA: digitalSignature | nonRepudiation | keyEncipherment | dataEncipherment | keyCertSign | cRLSign,
  // RFC 8813 §3: an id-ecPublicKey key signs or agrees keys, never encrypts (no keyEncipherment).
  ECDSA: digitalSignature | nonRepudiation | keyAgreement | keyCertSign | cRLSign | (1 << 7) | (1 << 8),
  // RFC 8410 §5: Ed25519/Ed448 keys only sign.
  Ed25519: digitalSignature | nonRepudiation | keyCertSign | cRLSign,
  Ed448: digitalSignature | nonRepudiation | keyCertSign | cRLSign,
};

const NAMES = Object.entries(KEY_USAGE);

/** keyUsage consistent with the key type: keyEncipherment only with RSA, keyAgreement only with EC, EdDSA signs. */
export const keyUsageKeyType: Lint = {
  name: 'key-usage-key-type',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.3; RFC 3279 §2.3; RFC 8813 §3; RFC 8410 §5',
  appliesTo: 'any',
  check(certificate) {
    const usage = certificate.keyUsage;
    const allowed = ALLOWED[certificate.keyAlgorithm];
    if (usage === null || allowed === undefined) return undefined;
    const wrong = NAMES.filter(([, bit]) => usage & bit & ~allowed).map(([name]) => name);
    return wrong.length > 0
      ? `keyUsage ${wrong.join(', ')} is not possible with an ${certificate.keyAlgorithm} key`
      : undefined;
  },
};
