import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';

const COMPILED = extname(fileURLToPath(import.meta.url)) === '.js';

export interface ReadRequest {
  id: number;
  sql: string;
  parameters: readonly unknown[];
}

export type ReadReply =
  { id: number; rows: unknown[] } | { id: number; error: { message: string; code: string } };

/**
 * A read-only connection to the SQLite file in a worker thread, for the few reads that visit every certificate
 * (the dashboard's summary: ~9 s at 1,000,000 certificates, bench/api-inventory). On the main thread such a read
 * stopped every request of `custos serve` for its whole length; here it runs beside them, and WAL lets it read the
 * last commit while the writer goes on. The thread starts with the first read and keeps the process alive only while
 * a read is waiting for its rows.
 */
export class SqliteReadThread {
  private worker: Worker | undefined;
  private closed = false;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(rows: unknown[]): void; reject(error: Error): void }
  >();

  constructor(
    private readonly file: string,
    private readonly options: { busyTimeoutMs: number; cacheKib: number },
    private readonly onEventLoop: <R>(query: CompiledQuery<R>) => Promise<R[]>,
  ) {}

  all<R>(query: CompiledQuery<R>): Promise<R[]> {
    // Run from the TypeScript sources (npx tsx bench/...), there is no compiled worker beside this module, and tsx's
    // hooks do not reach worker threads on Node 20: the read runs here, on the event loop, as it did before.
    if (!COMPILED) return this.onEventLoop(query);
    // A read after close() would start a new thread that nothing ever stops.
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: (rows) => resolve(rows as R[]), reject });
      if (this.waiting.size === 1) worker.ref();
      const request: ReadRequest = { id, sql: query.sql, parameters: query.parameters };
      try {
        worker.postMessage(request);
      } catch (error) {
        // Parameters that cannot be cloned (postMessage throws): no answer will come, so nothing may wait for one.
        this.waiting.delete(id);
        if (this.waiting.size === 0) worker.unref();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(new URL('./sqlite-read-worker.js', import.meta.url), {
      workerData: { file: this.file, ...this.options },
    });
    worker.unref();
    worker.on('message', (reply: ReadReply) => this.answer(reply));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`the SQLite read thread stopped (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private answer(reply: ReadReply): void {
    const waiter = this.waiting.get(reply.id);
    if (waiter === undefined) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if ('rows' in reply) waiter.resolve(reply.rows);
    else waiter.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
