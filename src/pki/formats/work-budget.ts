import { PkiFormatError } from '../problem.js';

/**
 * Bounds the password work one file can cause: every key-derivation round (PBKDF2, the PKCS#12 KDF) for
 * every password tried on every MAC, key and encrypted SafeContents counts against it. Each iteration count
 * is already capped (pbe.ts); this stops a file of many encrypted keys from multiplying the cap into minutes.
 * Files from real tools spend well under a million rounds (a keytool PKCS#12 tried with four passwords: about
 * 100,000). Running out is CUSTOS_PKCS12_UNSUPPORTED for the structure being opened (for a key, reported as
 * CUSTOS_KEY_ENCRYPTED).
 */
export const MAX_ROUNDS_PER_FILE = 20_000_000;

export class WorkBudget {
  private remaining = MAX_ROUNDS_PER_FILE;

  spend(rounds: number): void {
    if (rounds > this.remaining) {
      throw new PkiFormatError(
        'CUSTOS_PKCS12_UNSUPPORTED',
        `the file needs more than ${MAX_ROUNDS_PER_FILE} key-derivation rounds in all; the rest is not opened`,
      );
    }
    this.remaining -= rounds;
  }
}
