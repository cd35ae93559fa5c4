/**
 * Debian's predictable OpenSSL keys (CVE-2008-0166, DSA-1571): from 2006 to May 2008 Debian's OpenSSL seeded its
 * generator with little more than the process id, so every RSA key it made is one of a few hundred thousand, all
 * enumerated. Debian published their fingerprints in the `openssl-blacklist` package (files
 * /usr/share/openssl-blacklist/blacklist.RSA-1024, blacklist.RSA-2048, ...; used by `openssl-vulnkey`): one line
 * per key, the last 20 hex digits of the SHA-1 of `Modulus=<MODULUS IN UPPER-CASE HEX>\n` — what
 * `openssl x509 -noout -modulus | sha1sum | cut -c 21-40` prints. Debian bookworm no longer ships that package
 * (`apt-cache search openssl-blacklist` finds nothing), and the core does no I/O, so the lists are not in this
 * repository: the composition root reads the files it is configured with, `parseWeakKeyBlocklist` turns their
 * text into the set passed as `IssuanceContext.weakKeyBlocklist`, and without one this check passes. The same
 * format carries other published compromised keys (vendors' demo keys), which the same files can add.
 */
import { createHash } from 'node:crypto';
import type { IssuanceCheck } from './issuance-check.js';
import { subjectKey } from './subject-key.js';

const ENTRY = /^[0-9a-f]{20}$/;

/** The entries of blocklist files (`#` comments and blank lines skipped); a malformed line is reported by number. */
export function parseWeakKeyBlocklist(
  text: string,
  into: Set<string> = new Set(),
): { entries: Set<string>; malformedLines: number[] } {
  const malformedLines: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim().toLowerCase();
    if (line === '' || line.startsWith('#')) return;
    if (ENTRY.test(line)) into.add(line);
    else malformedLines.push(index + 1);
  });
  return { entries: into, malformedLines };
}

/** The blocklist entry of an RSA modulus (openssl-vulnkey's). */
export function weakKeyFingerprint(modulus: bigint): string {
  const line = `Modulus=${modulus.toString(16).toUpperCase()}\n`;
  return createHash('sha1').update(line).digest('hex').slice(20);
}

export const notDebianWeakKey: IssuanceCheck = (request, context) => {
  const blocklist = context.weakKeyBlocklist;
  if (blocklist === undefined || blocklist.size === 0) return undefined;
  const read = subjectKey(request.publicKeySpki);
  const n = read.ok ? read.key.modulus : null;
  if (n === null || !blocklist.has(weakKeyFingerprint(n))) return undefined;
  return {
    code: 'CUSTOS_KEY_WEAK',
    message:
      "the RSA key is on the known-weak key list (Debian's predictable OpenSSL keys, CVE-2008-0166, or a published " +
      'compromised key): make a new key',
  };
};
