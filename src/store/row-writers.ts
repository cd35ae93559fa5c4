import type Database from 'better-sqlite3';
import type { Compilable, Insertable, Kysely } from 'kysely';
import { chunked, rowsPerInsert } from './chunks.js';
import { giveTurn } from './event-loop-turns.js';
import type {
  AuditEventsTable,
  CertificatesTable,
  FileStatesTable,
  LocationsTable,
  SightingsTable,
  StoreDatabase,
} from './schema.js';

/**
 * The bulk INSERTs of a scan: a first scan writes ~100,000 certificates with their locations, sightings, file
 * states and audit events in one transaction. Certificates and locations already stored are left as they are;
 * file states are replaced; a sighting already open is left open.
 */
export interface RowWriter {
  insertCertificates(rows: Rows<CertificatesTable>): Promise<void>;
  insertLocations(rows: Rows<LocationsTable>): Promise<void>;
  insertSightings(rows: Rows<SightingsTable>): Promise<void>;
  insertAuditEvents(rows: Rows<AuditEventsTable>): Promise<void>;
  upsertFileStates(rows: Rows<FileStatesTable>): Promise<void>;
}

type Rows<T> = Array<Insertable<T>>;

/** The statements, as Kysely builds them for the rows given. */
const statements = {
  certificates: (db: Kysely<StoreDatabase>, rows: Rows<CertificatesTable>) =>
    db
      .insertInto('certificates')
      .values(rows)
      .onConflict((conflict) => conflict.column('fingerprint').doNothing()),
  locations: (db: Kysely<StoreDatabase>, rows: Rows<LocationsTable>) =>
    db
      .insertInto('locations')
      .values(rows)
      .onConflict((conflict) => conflict.column('key').doNothing()),
  // A sighting another transaction started at the same moment (two scans of one tree) is that one: kept.
  sightings: (db: Kysely<StoreDatabase>, rows: Rows<SightingsTable>) =>
    db
      .insertInto('sightings')
      .values(rows)
      .onConflict((conflict) =>
        conflict
          .columns(['location_id', 'object_type', 'object_hash'])
          .where('ended_at', 'is', null)
          .doNothing(),
      ),
  audit_events: (db: Kysely<StoreDatabase>, rows: Rows<AuditEventsTable>) =>
    db.insertInto('audit_events').values(rows),
  file_states: (db: Kysely<StoreDatabase>, rows: Rows<FileStatesTable>) =>
    db
      .insertInto('file_states')
      .values(rows)
      .onConflict((conflict) =>
        conflict.column('path').doUpdateSet((eb) => ({
          size: eb.ref('excluded.size'),
          mtime_ms: eb.ref('excluded.mtime_ms'),
          ctime_ms: eb.ref('excluded.ctime_ms'),
          inode: eb.ref('excluded.inode'),
          problems: eb.ref('excluded.problems'),
          passwords_tried: eb.ref('excluded.passwords_tried'),
        })),
      ),
};

type Statement = Compilable & { execute(): Promise<unknown> };

/** Multi-row INSERTs through Kysely, in chunks under the parameter limit (PostgreSQL: one round trip per chunk). */
export class KyselyRowWriter implements RowWriter {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly maxParameters: number,
  ) {}

  insertCertificates = (rows: Rows<CertificatesTable>) =>
    this.insert(rows, (chunk) => statements.certificates(this.db, chunk));
  insertLocations = (rows: Rows<LocationsTable>) =>
    this.insert(rows, (chunk) => statements.locations(this.db, chunk));
  insertSightings = (rows: Rows<SightingsTable>) =>
    this.insert(rows, (chunk) => statements.sightings(this.db, chunk));
  insertAuditEvents = (rows: Rows<AuditEventsTable>) =>
    this.insert(rows, (chunk) => statements.audit_events(this.db, chunk));
  upsertFileStates = (rows: Rows<FileStatesTable>) =>
    this.insert(rows, (chunk) => statements.file_states(this.db, chunk));

  private async insert<R extends object>(rows: R[], statement: (chunk: R[]) => Statement): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    for (const chunk of chunked(rows, rowsPerInsert(this.maxParameters, Object.keys(first).length))) {
      await statement(chunk).execute();
    }
  }
}

/**
 * The same INSERTs on SQLite as better-sqlite3 statements prepared once per connection and run once per row.
 * SQLite runs in-process, so a statement per row costs no round trip, and it saves what dominates the Kysely path:
 * compiling a 1,500-row statement, preparing its ~100 kB of SQL each time, and binding 33,000 parameters.
 * Measured by `npx tsx bench/inventory-query.ts --refill --bare 50000` (50,000 certificate rows into the real
 * schema, one transaction, single cold passes on a 2-core machine shared with other work, load average 11; later
 * runs spread widely: prepared 11.7k-15.2k, Kysely 9.5k-13.1k, bare 16.5k-26.3k rows/s):
 *   these prepared statements   7,598 rows/s
 *   Kysely multi-row INSERTs    5,655 rows/s (1,489 rows per statement)
 *   bare better-sqlite3         7,887 rows/s (a hand-written INSERT: the raw limit)
 */
/** Rows inserted between two looks at the clock (~2-5 ms of inserts). */
const ROWS_PER_TURN_CHECK = 256;

export class SqliteRowWriter implements RowWriter {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(
    private readonly connection: Database.Database,
    private readonly db: Kysely<StoreDatabase>,
  ) {}

  insertCertificates = (rows: Rows<CertificatesTable>) =>
    this.insert('certificates', rows, (sample) => statements.certificates(this.db, [sample]));
  insertLocations = (rows: Rows<LocationsTable>) =>
    this.insert('locations', rows, (sample) => statements.locations(this.db, [sample]));
  insertSightings = (rows: Rows<SightingsTable>) =>
    this.insert('sightings', rows, (sample) => statements.sightings(this.db, [sample]));
  insertAuditEvents = (rows: Rows<AuditEventsTable>) =>
    this.insert('audit_events', rows, (sample) => statements.audit_events(this.db, [sample]));
  upsertFileStates = (rows: Rows<FileStatesTable>) =>
    this.insert('file_states', rows, (sample) => statements.file_states(this.db, [sample]));

  private async insert<R extends object>(
    name: keyof typeof statements,
    rows: R[],
    statement: (sample: R) => Compilable,
  ): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    // Kysely's SQL for one row of these columns, prepared once per connection and column set.
    const columns = Object.keys(first);
    const key = `${name}(${columns.join()})`;
    let prepared = this.prepared.get(key);
    if (prepared === undefined) {
      prepared = this.connection.prepare(statement(first).compile().sql);
      this.prepared.set(key, prepared);
    }
    for (let i = 0; i < rows.length; i += 1) {
      const values = rows[i] as Record<string, unknown>;
      prepared.run(columns.map((column) => values[column]));
      if (i % ROWS_PER_TURN_CHECK === ROWS_PER_TURN_CHECK - 1) await giveTurn();
    }
  }
}
