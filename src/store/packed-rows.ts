import { sql, type RawBuilder } from 'kysely';
import type { SqlDialectName } from './schema.js';

/**
 * A listing that reads tens of thousands of rows asks the database to pack each row's columns into one JSON array
 * (`json_array` on SQLite, `json_build_array` on PostgreSQL) and reads it back with one JSON.parse: better-sqlite3
 * builds a JS object per row key by key, and over the 41,097 certificates of the 30-day listing of
 * bench/inventory-query (22 columns) that took 640-820 ms where the packed array and its JSON.parse took 330-370 ms
 * (a packed JSON object 440-480 ms; the C side alone, sqlite3's shell, 240-370 ms).
 */
export interface PackedColumns<Row> {
  /** The select expression: the columns as one JSON array, in order. */
  expression: RawBuilder<unknown>;
  /** The row read back, keyed by the columns' names without their table (`Row` is what those columns hold). */
  unpack(value: unknown): Row;
}

export function packedColumns<Row extends object>(
  dialect: SqlDialectName,
  columns: ReadonlyArray<string>,
): PackedColumns<Row> {
  const names = columns.map((column) => column.slice(column.lastIndexOf('.') + 1));
  const build = sql.raw(dialect === 'sqlite' ? 'json_array' : 'json_build_array');
  return {
    expression: sql`${build}(${sql.join(columns.map((column) => sql.ref(column)))})`,
    unpack: (value) => {
      // SQLite answers the JSON text; node-postgres has parsed it already.
      const values = (typeof value === 'string' ? JSON.parse(value) : value) as unknown[];
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i += 1) row[names[i]!] = values[i];
      return row as Row;
    },
  };
}
