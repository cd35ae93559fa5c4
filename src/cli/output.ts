import { debugRequested, readEnvironment } from '../compose/config/environment.js';
import { DomainError } from '../core/errors.js';
import { ERROR_CODES } from '../core/error-codes.js';
import { tableLines } from '../core/text-table.js';

/** Writes JSON to stdout: indented on a terminal, compact when piped (smaller and faster for jq and scripts). */
export function printJson(value: unknown): void {
  const text = process.stdout.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  process.stdout.write(`${text}\n`);
}

/** Prints rows as aligned columns under a header. */
export function printTable(header: string[], rows: string[][]): void {
  process.stdout.write(`${tableLines(header, rows).join('\n')}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** A warning: something done that will not work as meant. One line on stderr; the exit code is not changed. */
export function printWarning(message: string): void {
  process.stderr.write(`custos: warning: ${message}\n`);
}

/** The CLI's exit codes: 0 success, 1 a failure the command was asked to find, 2 bad usage or input, 3 environment. */
export const EXIT = { ok: 0, found: 1, usage: 2, environment: 3 } as const;

/** Prints an error as one line on stderr (`custos: CODE: message (what to do)`) and returns its exit code. */
export function reportError(error: unknown): number {
  const debug = debugRequested(readEnvironment());
  if (error instanceof DomainError) {
    const hint = error.hint ? ` (${error.hint})` : '';
    process.stderr.write(`custos: ${error.code}: ${error.message}${hint}\n`);
    if (debug && error.cause)
      process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    return ERROR_CODES[error.code].exit;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `custos: CUSTOS_INTERNAL: ${message} (set CUSTOS_DEBUG=1 for the stack and report it)\n`,
  );
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return EXIT.environment;
}

/** A progress line on stderr, only on a terminal, so stdout stays pipeable and logs stay clean. */
export class Progress {
  private readonly enabled = process.stderr.isTTY === true;
  private last = 0;

  update(text: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    process.stderr.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\r\x1b[2K');
  }
}

/** A fingerprint shortened for tables; `inventory show` accepts it back as a prefix. */
export const shortFingerprint = (fingerprint: string): string => fingerprint.slice(0, 16);

/** The common name, else the subject, cut to fit a table. */
export function displayName(v: { subject: string }): string {
  const cn = /(?:^|, )CN=((?:[^,\\]|\\.)*)/.exec(v.subject)?.[1];
  const name = cn ?? v.subject;
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}
