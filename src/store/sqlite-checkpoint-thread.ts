import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const COMPILED = extname(fileURLToPath(import.meta.url)) === '.js';

/**
 * Checkpoints the SQLite WAL in a worker thread (sqlite-checkpoint-worker.ts) from the first write transaction on.
 * With the writer's own autocheckpoint alone, the COMMIT that filled the WAL copied every page back into the database
 * file and synced it on the event loop: bench/issue persisted 2,520-2,630 certificates/s with 64 in flight, and
 * 2,890/s with no checkpoint at all; a first scan's COMMIT stopped the loop for up to 2 s. Checkpointing often
 * beside the writer keeps the WAL short enough that the writer's wal_autocheckpoint (kept as the backstop for a
 * single transaction larger than it, or a thread that cannot keep up) is not reached. The thread never keeps the
 * process alive. Run from the TypeScript sources (tsx's hooks do not reach worker threads on Node 20), the writer
 * checkpoints as before.
 */
export class SqliteCheckpointThread {
  private worker: Worker | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly intervalMs: number,
  ) {}

  /** Called after each commit: starts the thread once. */
  committed(): void {
    if (this.worker !== undefined || this.closed || !COMPILED) return;
    const worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), {
      workerData: { file: this.file, intervalMs: this.intervalMs },
    });
    worker.unref();
    // A thread that failed (the file could not be opened for writing) is not started again: the writer's
    // autocheckpoint does the work, as without the thread.
    worker.on('error', () => undefined);
    this.worker = worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}
