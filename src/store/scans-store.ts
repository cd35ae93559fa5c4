import type { Kysely } from 'kysely';
import type { JsonValue } from '../core/ports/job-queue.js';
import type { ScanReader, ScanRecord, ScanWriter } from '../core/ports/scan-store.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The table of migration 0019-scans (JSON as text, times in epoch milliseconds). */
export type ScanTables = {
  scans: {
    id: string;
    kind: string;
    status: string;
    request: string;
    progress: string;
    result: string | null;
    error: string | null;
    created_by: string;
    created_at: number;
    started_at: number | null;
    finished_at: number | null;
  };
};

type Db = Kysely<StoreDatabase & ScanTables>;
type Row = ScanTables['scans'];

const tables = (db: Kysely<StoreDatabase>): Db => db.withTables<ScanTables>();

const time = (value: number | null): Date | null => (value === null ? null : new Date(Number(value)));

function toRecord(row: Row): ScanRecord {
  return {
    id: row.id,
    kind: row.kind as ScanRecord['kind'],
    status: row.status as ScanRecord['status'],
    request: JSON.parse(row.request) as JsonValue,
    progress: JSON.parse(row.progress) as ScanRecord['progress'],
    result: row.result === null ? null : (JSON.parse(row.result) as JsonValue),
    error: row.error === null ? null : (JSON.parse(row.error) as ScanRecord['error']),
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at)),
    startedAt: time(row.started_at),
    finishedAt: time(row.finished_at),
  };
}

function queries(db: Db): ScanReader {
  return {
    async get(id) {
      const row = await db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async recent(limit) {
      const rows = await db
        .selectFrom('scans')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
  };
}

/** `store.scans`: committed scans. */
export function scanReader(db: Kysely<StoreDatabase>): ScanReader {
  const q = queries(tables(db));
  return {
    get: (id) => reading('reading a scan', () => q.get(id)),
    recent: (limit) => reading('reading scans', () => q.recent(limit)),
  };
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.scans`: creates and updates scans inside the transaction. */
export function scanWriter(ctx: StoreContext, run: Run): ScanWriter {
  const db = tables(ctx.db);
  const q = queries(db);
  return {
    get: (id) => run('reading a scan', () => q.get(id)),
    recent: (limit) => run('reading scans', () => q.recent(limit)),
    create: (record) =>
      run('storing a scan', async () => {
        await db
          .insertInto('scans')
          .values({
            id: record.id,
            kind: record.kind,
            status: record.status,
            request: JSON.stringify(record.request),
            progress: JSON.stringify(record.progress),
            result: record.result === null ? null : JSON.stringify(record.result),
            error: record.error === null ? null : JSON.stringify(record.error),
            created_by: record.createdBy,
            created_at: record.createdAt.getTime(),
            started_at: record.startedAt?.getTime() ?? null,
            finished_at: record.finishedAt?.getTime() ?? null,
          })
          .execute();
      }),
    update: (id, update) =>
      run('updating a scan', async () => {
        const set: Partial<Row> = {};
        if (update.status !== undefined) set.status = update.status;
        if (update.progress !== undefined) set.progress = JSON.stringify(update.progress);
        if (update.result !== undefined)
          set.result = update.result === null ? null : JSON.stringify(update.result);
        if (update.error !== undefined)
          set.error = update.error === null ? null : JSON.stringify(update.error);
        if (update.startedAt !== undefined) set.started_at = update.startedAt?.getTime() ?? null;
        if (update.finishedAt !== undefined) set.finished_at = update.finishedAt?.getTime() ?? null;
        if (Object.keys(set).length === 0) return (await q.get(id)) !== null;
        const result = await db.updateTable('scans').set(set).where('id', '=', id).executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),
  };
}
