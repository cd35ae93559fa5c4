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

/**
 * Certificates one file may yield. A 16 MiB file holds at most about 30,000 PEM certificates of a usual size;
 * the Mozilla root bundle holds 150.
 */
export const MAX_CERTIFICATES_PER_FILE = 50_000;

/**
 * Time one file may take to read, when the caller gives a clock: the readers are linear, this is the backstop. A
 * normal 16 MiB manifest of 17,000 Secrets takes 10 s on a 2-core machine under a load of 20 (bench/hostile-files).
 */
export const MAX_MS_PER_FILE = 30_000;

/** How many units of work pass between two looks at the clock. */
const CLOCK_EVERY = 256;

export interface FileWorkLimits {
  /** Default MAX_CERTIFICATES_PER_FILE. */
  maxCertificates?: number;
  /** Default MAX_MS_PER_FILE; applies only with `now`. */
  maxMs?: number;
  /** A monotonic clock in milliseconds (pki never reads the clock itself). */
  now?: () => number;
}

/**
 * The whole file's budget ran out: not a problem of one entry but the end of the file's reading. The readers
 * let it pass their per-entry handlers, and readContainer records it once for the file (what was read before
 * it is kept). CUSTOS_FILE_WORK_EXCEEDED.
 */
export class WorkBudgetExceeded extends PkiFormatError {
  constructor(message: string) {
    super('CUSTOS_FILE_WORK_EXCEEDED', message);
    this.name = 'WorkBudgetExceeded';
  }
}

/** The work one file may cause: key-derivation rounds, certificates, and time. Shared by everything inside it. */
export class WorkBudget {
  private remaining = MAX_ROUNDS_PER_FILE;
  private certificates = 0;
  private steps = 0;
  private readonly maxCertificates: number;
  private readonly deadline: number;
  private readonly now: (() => number) | undefined;

  constructor(private readonly limits: FileWorkLimits = {}) {
    this.maxCertificates = limits.maxCertificates ?? MAX_CERTIFICATES_PER_FILE;
    this.now = limits.now;
    this.deadline = this.now ? this.now() + (limits.maxMs ?? MAX_MS_PER_FILE) : Infinity;
  }

  spend(rounds: number): void {
    if (rounds > this.remaining) {
      throw new PkiFormatError(
        'CUSTOS_PKCS12_UNSUPPORTED',
        `the file needs more than ${MAX_ROUNDS_PER_FILE} key-derivation rounds in all; the rest is not opened`,
      );
    }
    this.remaining -= rounds;
  }

  /** Counts one certificate found; throws WorkBudgetExceeded past the limit. */
  certificate(): void {
    this.certificates += 1;
    if (this.certificates > this.maxCertificates) {
      throw new WorkBudgetExceeded(
        `the file holds more than ${this.maxCertificates} certificates; the rest is not read`,
      );
    }
    this.step();
  }

  /** Counts one unit of work (a document, a block, an entry); now and then compares the clock with the deadline. */
  step(): void {
    this.steps += 1;
    if (this.now === undefined || this.steps % CLOCK_EVERY !== 0) return;
    if (this.now() > this.deadline) {
      throw new WorkBudgetExceeded(
        `reading the file took more than ${this.limits.maxMs ?? MAX_MS_PER_FILE} ms; the rest is not read`,
      );
    }
  }
}
