import type { AuditKeyring } from '../ports/audit-keyring.js';

/**
 * Which passwords a file scan tried on a file, as its file state remembers them, so that an unchanged file is read
 * again only when another password could open it: when it needed one (a PKCS#12 no password opened, a key that stayed
 * encrypted) and the scan now tries another set of passwords than the one it was read with.
 */

/** The problems of a file that another password may solve. */
const PASSWORD_PROBLEMS: ReadonlySet<string> = new Set([
  'CUSTOS_PKCS12_PASSWORD_UNKNOWN',
  'CUSTOS_KEY_ENCRYPTED',
]);

/** Whether a file needed a password it was not given: a password problem among any of its problems. */
export const neededPassword = (problems: ReadonlyArray<{ code: string }>): boolean =>
  problems.some((problem) => PASSWORD_PROBLEMS.has(problem.code));

/** Domain separation from every other message MACed under the audit key (audit records, the head). */
const PREFIX = 'custos-scan-passwords/v1:';

/**
 * A digest of a set of passwords: the same for the same set whatever the order, repetitions or the empty password
 * (always tried), different for any other set. It is the HMAC-SHA-256, under the audit key (kept outside the
 * database), of the sorted distinct passwords, each prefixed with its length in UTF-8 bytes: the database never holds
 * a password, nor a value that could be tested against a list of guessed ones without the key. It is kept in the file
 * state only, never logged, audited nor printed.
 */
export function passwordSetDigest(keys: Pick<AuditKeyring, 'mac'>, passwords: readonly string[]): string {
  const utf8 = new TextEncoder();
  const distinct = [...new Set(passwords.filter((p) => p !== ''))].sort();
  return keys.mac(PREFIX + distinct.map((p) => `${utf8.encode(p).length}:${p}`).join(''));
}
