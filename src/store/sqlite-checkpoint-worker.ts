/**
 * The worker thread of `SqliteCheckpointThread`: every `intervalMs` it copies the frames committed to the WAL back
 * into the database file (`PRAGMA wal_checkpoint(PASSIVE)`: it never waits for a reader or a writer, and takes only
 * the checkpoint lock), on its own connection, so the copy and its fsyncs happen beside the writer instead of inside
 * one of its COMMITs. When everything is copied, the writer's next transaction starts the WAL over.
 */
import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file, { fileMustExist: true });
// A checkpoint that finds the lock taken (another process's checkpointer, the writer's backstop) is skipped, not
// waited for: the next tick tries again.
db.pragma('busy_timeout = 0');

setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY or a transient I/O error: the WAL keeps the frames, and the next tick (or, if this thread cannot
    // keep up, the writer's own wal_autocheckpoint) copies them.
  }
}, intervalMs);
