/**
 * The PKCS#11 modules this process has loaded (pkcs11js, a maintained binding by PeculiarVentures), one per path:
 * a Cryptoki library is initialised once per process, whoever asks for it, so the cache is process-wide.
 *
 * Every error a token raises is turned into a DomainError here, CUSTOS_KEY_UNAVAILABLE with a message that names
 * the module and the slot (never the PIN) and the token's CKR_* name in the cause.
 */
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { DomainError } from '../../core/errors.js';

/**
 * pkcs11js is CommonJS with a native addon, loaded with require: when the addon is missing, importing this file
 * fails once, plainly (an ESM `import` of it would also leave an unhandled rejection behind on Node 20).
 */
const pkcs11js = createRequire(import.meta.url)('pkcs11js') as typeof import('pkcs11js');

export type Pkcs11 = InstanceType<typeof pkcs11js.PKCS11>;

/** Mechanisms and key type of PKCS#11 3.0 that pkcs11js 2.1 has no constant for (Ed25519). */
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;
export const CKK_EC_EDWARDS = 0x40;

const loaded = new Map<string, Pkcs11>();

/** The CKR_* name of a token error (`CKR_PIN_INCORRECT`), or undefined for anything else. */
export function tokenErrorCode(error: unknown): number | undefined {
  return error instanceof pkcs11js.Pkcs11Error ? error.code : undefined;
}

export function unavailable(message: string, cause?: unknown, hint?: string): DomainError {
  return new DomainError('CUSTOS_KEY_UNAVAILABLE', message, {
    ...(cause !== undefined ? { cause } : {}),
    ...(hint !== undefined ? { hint } : {}),
  });
}

/** The reason a token gave, as a short phrase for a message (`CKR_PIN_INCORRECT`), never the input it refused. */
export function tokenReason(error: unknown): string {
  if (error instanceof pkcs11js.Pkcs11Error) return error.message;
  return error instanceof Error ? error.name : 'unknown error';
}

/** The module at `path`, loaded and initialised once per process. */
export function loadModule(path: string): Pkcs11 {
  const cached = loaded.get(path);
  if (cached) return cached;
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(path);
  } catch (error) {
    throw unavailable(
      `PKCS#11 module ${path} cannot be loaded (${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'})`,
      error,
      'give the path of the token vendor’s PKCS#11 library (for SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)',
    );
  }
  try {
    // OS locking: signing runs on libuv's thread pool (C_SignAsync), one call at a time per session.
    lib.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    if (tokenErrorCode(error) !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw unavailable(
        `PKCS#11 module ${path} cannot be initialised (${tokenReason(error)})`,
        error,
        'for SoftHSM2, check that SOFTHSM2_CONF names a readable configuration whose tokendir exists',
      );
    }
  }
  loaded.set(path, lib);
  return lib;
}

const littleEndian = endianness() === 'LE';

/** A slot handle (a CK_SLOT_ID in native byte order) as the number users name it by (`pkcs11-tool -L`). */
export function slotNumber(handle: Buffer): number {
  if (handle.length === 8)
    return Number(littleEndian ? handle.readBigUInt64LE(0) : handle.readBigUInt64BE(0));
  return littleEndian ? handle.readUInt32LE(0) : handle.readUInt32BE(0);
}

/** A CK_ULONG attribute value as a number. */
export function ulong(value: Buffer): number {
  return slotNumber(value);
}

/** The handle of the slot numbered `slot` that holds a token; CUSTOS_KEY_UNAVAILABLE naming the slots that do. */
export function slotHandle(lib: Pkcs11, module: string, slot: number): Buffer {
  let slots: Buffer[];
  try {
    slots = lib.C_GetSlotList(true);
  } catch (error) {
    throw unavailable(`PKCS#11 module ${module} cannot list its slots (${tokenReason(error)})`, error);
  }
  const found = slots.find((handle) => slotNumber(handle) === slot);
  if (found) return found;
  const present = slots.map((handle) => {
    let label = '';
    try {
      const token = lib.C_GetTokenInfo(handle);
      label = (token.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0 ? 'not initialised' : token.label.trim();
    } catch {
      // A slot whose token cannot be read is still listed, without its label.
    }
    return label === '' ? String(slotNumber(handle)) : `${slotNumber(handle)} (${label})`;
  });
  throw unavailable(
    `no token in slot ${slot} of PKCS#11 module ${module}`,
    undefined,
    present.length > 0
      ? `slots with a token: ${present.join(', ')} (the slot is its ID, as \`pkcs11-tool -L\` shows it)`
      : 'the module has no initialised token (SoftHSM2: softhsm2-util --init-token --free ...)',
  );
}

export { pkcs11js };
