/**
 * The worker thread of `SqliteReadThread`: runs one read-only statement at a time on its own connection to the
 * database file and answers the rows, so that an aggregation over every certificate does not stop the event loop of
 * the process that asked (better-sqlite3 is synchronous).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ReadReply, ReadRequest } from './sqlite-read-thread.js';

const { file, busyTimeoutMs, cacheKib } = workerData as {
  file: string;
  busyTimeoutMs: number;
  cacheKib: number;
};
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.pragma(`cache_size = -${cacheKib}`);

parentPort?.on('message', (request: ReadRequest) => {
  let reply: ReadReply;
  try {
    reply = { id: request.id, rows: db.prepare(request.sql).all(...request.parameters) as unknown[] };
  } catch (error) {
    const failure = error as { message?: unknown; code?: unknown };
    reply = {
      id: request.id,
      error: {
        message: String(failure.message ?? error),
        code: typeof failure.code === 'string' ? failure.code : '',
      },
    };
  }
  parentPort?.postMessage(reply);
});
