/**
 * One logged-in session per token slot. A PKCS#11 session runs one operation at a time (C_SignInit then C_Sign
 * belong together), so the session's work is queued; the handles of the keys found in it are kept with it.
 *
 * Login state belongs to the application and the slot, not to the session: once this process has logged in to a
 * slot, every session on it is logged in (C_Login answers CKR_USER_ALREADY_LOGGED_IN). One PIN per process.
 */
import {
  loadModule,
  pkcs11js,
  slotHandle,
  tokenErrorCode,
  tokenReason,
  unavailable,
  type Pkcs11,
} from './pkcs11-module.js';

/** Token errors after which the session is dropped and opened again once (token re-inserted, session closed). */
const STALE = new Set([
  pkcs11js.CKR_SESSION_HANDLE_INVALID,
  pkcs11js.CKR_SESSION_CLOSED,
  pkcs11js.CKR_USER_NOT_LOGGED_IN,
  pkcs11js.CKR_KEY_HANDLE_INVALID,
  pkcs11js.CKR_OBJECT_HANDLE_INVALID,
  pkcs11js.CKR_DEVICE_REMOVED,
  pkcs11js.CKR_TOKEN_NOT_PRESENT,
]);

const PIN_REFUSED = new Set([
  pkcs11js.CKR_PIN_INCORRECT,
  pkcs11js.CKR_PIN_INVALID,
  pkcs11js.CKR_PIN_LEN_RANGE,
  pkcs11js.CKR_PIN_LOCKED,
  pkcs11js.CKR_PIN_EXPIRED,
]);

/** Work queued on a session that was closed before its turn came (its handle may already be another session's). */
class SessionClosed extends Error {}

export function isStale(error: unknown): boolean {
  if (error instanceof SessionClosed) return true;
  const code = tokenErrorCode(error);
  return code !== undefined && STALE.has(code);
}

export class TokenSession {
  private queue: Promise<unknown> = Promise.resolve();
  /** Key handles found in this session, by `${class}:${id hex}`. */
  readonly keys = new Map<string, Buffer>();
  closed = false;

  constructor(
    readonly lib: Pkcs11,
    readonly handle: Buffer,
    readonly module: string,
    readonly slot: number,
    readonly mechanisms: ReadonlySet<number>,
  ) {}

  /** Where this session is, for messages: `slot 710869305 of PKCS#11 module /usr/lib/softhsm/libsofthsm2.so`. */
  get where(): string {
    return `slot ${this.slot} of PKCS#11 module ${this.module}`;
  }

  /** Runs `work` after every earlier piece of work on this session has finished. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    const turn = (): Promise<T> | T => {
      if (this.closed) throw new SessionClosed('the session was closed');
      return work();
    };
    const next = this.queue.then(turn, turn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.lib.C_CloseSession(this.handle);
    } catch {
      // Already gone with its token: nothing to release.
    }
  }
}

/** Opens a read-write session on the slot and logs in with `pin`; CUSTOS_KEY_UNAVAILABLE on every failure. */
export function openSession(module: string, slot: number, pin: string | undefined): TokenSession {
  const lib = loadModule(module);
  const slotId = slotHandle(lib, module, slot);
  const where = `slot ${slot} of PKCS#11 module ${module}`;
  let mechanisms: Set<number>;
  let loginRequired: boolean;
  let handle: Buffer;
  try {
    mechanisms = new Set(lib.C_GetMechanismList(slotId));
    loginRequired = (lib.C_GetTokenInfo(slotId).flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0;
    handle = lib.C_OpenSession(slotId, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  } catch (error) {
    throw unavailable(`cannot open a session on the token in ${where} (${tokenReason(error)})`, error);
  }
  const session = new TokenSession(lib, handle, module, slot, mechanisms);
  if (!loginRequired) return session;
  if (pin === undefined || pin === '') {
    session.close();
    throw unavailable(
      `the token in ${where} needs a PIN and none is set`,
      undefined,
      'set CUSTOS_PKCS11_PIN to the token’s user PIN',
    );
  }
  try {
    lib.C_Login(handle, pkcs11js.CKU_USER, pin);
  } catch (error) {
    const code = tokenErrorCode(error);
    if (code === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) return session;
    session.close();
    if (code !== undefined && PIN_REFUSED.has(code)) {
      throw unavailable(
        `the token in ${where} refused the PIN (${tokenReason(error)})`,
        error,
        'CUSTOS_PKCS11_PIN must be the token’s user PIN',
      );
    }
    throw unavailable(`cannot log in to the token in ${where} (${tokenReason(error)})`, error);
  }
  return session;
}
