import type { Command } from 'commander';
import { debugRequested, readEnvironment } from '../compose/config/environment.js';
import { DomainError } from '../core/errors.js';
import { ERROR_CODES } from '../core/error-codes.js';
import type { Finding } from '../core/findings/finding.js';
import { tableLines } from '../core/text-table.js';

/** Writes JSON to stdout: indented on a terminal, compact when piped (smaller and faster for jq and scripts). */
export function printJson(value: unknown): void {
  const text = process.stdout.isTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  process.stdout.write(`${text}\n`);
}

/** Prints rows as aligned columns under a header (or, with `headers: false`, the rows alone, aligned the same way). */
export function printTable(header: string[], rows: string[][], { headers = true } = {}): void {
  const lines = tableLines(header, rows).slice(headers ? 0 : 1);
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

/** A column of a listing's table. */
export interface Column<T> {
  header: string;
  value(row: T): string;
  /** `wide`: only in `-o wide`; `table`: only in the default table (`-o wide` shows a fuller column instead). */
  in?: 'wide' | 'table';
}

/** What `--sort-by FIELD` sorts a listing by: the row's value of that field (a missing one sorts first). */
export type SortKey<T> = (row: T) => string | number | null | undefined;

/** The fields of a row that hold one string or number (or none): what `--sort-by` can sort by as they are. */
type ScalarFields<T> = {
  [K in keyof T]: T[K] extends string | number | null | undefined ? K : never;
}[keyof T] &
  string;

/** `--sort-by` over these fields of the row, each by its own value. */
export function byFields<T>(...fields: Array<ScalarFields<T>>): Record<string, SortKey<T>> {
  return Object.fromEntries(fields.map((f) => [f, (row: T) => row[f] as string | number | null | undefined]));
}

/** The FINGERPRINT column: shortened in the table (a prefix `inventory show` accepts), whole in `-o wide`. */
export function fingerprintColumns<T>(fingerprint: (row: T) => string | null): Array<Column<T>> {
  return [
    { header: 'FINGERPRINT', value: (r) => shortFingerprint(fingerprint(r) ?? '-'), in: 'table' },
    { header: 'FINGERPRINT', value: (r) => fingerprint(r) ?? '-', in: 'wide' },
  ];
}

/** A FINDINGS cell: each code once, `CODE(waived)` when an active exception waives it; `-` when there is none. */
export function findingCodes(findings: ReadonlyArray<Pick<Finding, 'code' | 'waivedBy'>>): string {
  const codes = findings.map((f) => (f.waivedBy === undefined ? f.code : `${f.code}(waived)`));
  return [...new Set(codes)].join(',') || '-';
}

/** How a listing prints: its table, the fields it sorts by in the CLI, the line under the table. */
export interface Listing<T> {
  columns: Array<Column<T>>;
  /**
   * The fields (named as in its JSON) `--sort-by` sorts by here, in the CLI. A listing the store sorts (inventory
   * list) has none: the rows come in the order asked for.
   */
  sortBy?: Record<string, SortKey<T>>;
  /** The line under the table (`3 certificates`); `--no-headers` leaves it out. */
  summary?(rows: T[]): string;
  /** `-o yaml` as one document per row, separated by `---` (what `apply -f` takes back), not one list. */
  yamlDocuments?: boolean;
}

/** The fields a listing sorts by in the CLI: what its `--sort-by` takes. */
export const sortFields = <T>(listing: Listing<T>): string[] => Object.keys(listing.sortBy ?? {});

/** The flags every listing takes (`--json` is each command's own, with its documented fields: it is `-o json`). */
export interface ListingFlags {
  output?: string;
  headers?: boolean;
  sortBy?: string;
  json?: boolean;
}

const OUTPUT_FORMATS = ['json', 'yaml', 'wide'] as const;

/** A listing's output as the flags ask for it, checked before any work. */
export interface ListingOutput {
  format: 'table' | (typeof OUTPUT_FORMATS)[number];
  headers: boolean;
  sort?: { field: string; descending: boolean };
}

/**
 * Adds the output flags of a listing: `-o json|yaml|wide`, `--no-headers` and `--sort-by` over `sortFields`
 * (see docs/cli.md#output).
 */
export function listingOptions(command: Command, sortFields: readonly string[]): Command {
  return command
    .option('-o, --output <format>', 'json (the same as --json), yaml, or wide (the table with more columns)')
    .option('--no-headers', 'print the table rows only: no header line and no count under them')
    .option(
      '--sort-by <field>',
      `sort by ${sortFields.join(', ')}; -FIELD sorts the other way (e.g. --sort-by -${sortFields[0] ?? 'name'})`,
    );
}

/** Reads a listing's output flags; a format or sort field it does not know is CUSTOS_INVALID_ARGUMENT (exit 2). */
export function listingOutput(flags: ListingFlags, sortFields: readonly string[]): ListingOutput {
  const format = flags.output === undefined ? undefined : OUTPUT_FORMATS.find((f) => f === flags.output);
  if (flags.output !== undefined && format === undefined)
    throw new DomainError('CUSTOS_INVALID_ARGUMENT', `-o: "${flags.output}" is not an output format`, {
      hint: `use one of ${OUTPUT_FORMATS.join(', ')}, or leave -o out for the table`,
    });
  if (flags.json === true && format !== undefined && format !== 'json')
    throw new DomainError('CUSTOS_USAGE', `--json and -o ${format} ask for two formats`, {
      hint: 'give one of them',
    });
  return {
    format: flags.json === true ? 'json' : (format ?? 'table'),
    headers: flags.headers !== false,
    ...(flags.sortBy === undefined ? {} : { sort: sortField(flags.sortBy, sortFields) }),
  };
}

/** `notAfter`, `-notAfter`, or as kubectl users write it, `.notAfter` or `{.notAfter}`; case does not matter. */
function sortField(text: string, fields: readonly string[]): { field: string; descending: boolean } {
  const parts = /^(-?)\{?\.?([A-Za-z]\w*)\}?$/.exec(text.trim());
  const field = fields.find((f) => f.toLowerCase() === parts?.[2]?.toLowerCase());
  if (parts === null || field === undefined)
    throw new DomainError(
      'CUSTOS_INVALID_ARGUMENT',
      `--sort-by: "${text}" is not a field this listing sorts by`,
      {
        hint: `sort by one of ${fields.join(', ')}; -FIELD sorts the other way`,
      },
    );
  return { field, descending: parts[1] === '-' };
}

function compareKeys(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

/**
 * Prints a listing as the flags ask: the table (with the wide columns, without the header and count), or the rows
 * as JSON (exactly what `--json` prints) or YAML. Sorted first by `--sort-by` when the listing sorts in the CLI.
 */
export async function printListing<T>(rows: T[], listing: Listing<T>, output: ListingOutput): Promise<void> {
  const key = output.sort === undefined ? undefined : listing.sortBy?.[output.sort.field];
  const direction = output.sort?.descending === true ? -1 : 1;
  // Array.prototype.sort is stable: rows with equal keys keep the listing's own order.
  const sorted = key === undefined ? rows : [...rows].sort((a, b) => direction * compareKeys(key(a), key(b)));
  if (output.format === 'json') return printJson(sorted);
  if (output.format === 'yaml') {
    const { stringify } = await import('yaml');
    process.stdout.write(
      listing.yamlDocuments === true ? sorted.map((r) => stringify(r)).join('---\n') : stringify(sorted),
    );
    return;
  }
  // The columns of the other variant are left out: `-o wide` drops those only the default table has.
  const leftOut = output.format === 'wide' ? 'table' : 'wide';
  const columns = listing.columns.filter((c) => c.in !== leftOut);
  printTable(
    columns.map((c) => c.header),
    sorted.map((r) => columns.map((c) => c.value(r))),
    { headers: output.headers },
  );
  if (output.headers && listing.summary !== undefined) printLine(listing.summary(sorted));
}

/** The columns of a table core defines as a header and a row function (jobs, deliveries). */
export function columnsOf<T>(header: readonly string[], row: (r: T) => string[]): Array<Column<T>> {
  return header.map((h, i) => ({ header: h, value: (r: T) => row(r)[i] ?? '' }));
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
