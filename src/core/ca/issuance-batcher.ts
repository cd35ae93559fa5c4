/**
 * Group commit for issuance: issuances recorded while a transaction is being written join the next one, so a CA
 * answering many requests at once (the API, `bench/issue` with many in flight) commits once per batch instead of
 * once per certificate. Each caller still gets its own outcome: the batch is written in one transaction, and if
 * that fails every issuance of it is written again on its own, so one that cannot be written fails alone and the
 * others are recorded. Every issuance reaching the batcher has passed its checks and lints already (issueCertificate
 * refuses before recording), so a batch fails only on what the store refuses.
 */
import type { CaDependencies } from './ca-dependencies.js';
import { recordIssuances, type IssuanceRecord } from './record-issuance.js';

/** Records issuances (their CA record, inventory entry, evaluation and audit events). */
export interface IssuanceRecorder {
  record(record: IssuanceRecord & { actor: string }): Promise<void>;
}

/** At most this many issuances per transaction (up to 256, evaluation reads the recorded decisions by fingerprint). */
export const MAX_ISSUANCE_BATCH = 256;

interface Pending {
  record: IssuanceRecord & { actor: string };
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface IssuanceBatcherOptions {
  maxBatch?: number;
  /**
   * Resolves after the event loop's current turn (`setImmediate`, from the composition root): a batch is taken only
   * then, so that the requests read in the same turn join it. SQLite's transactions are synchronous, so without it
   * the first request of a turn committed alone before the next one was even parsed: over HTTP with 16 clients
   * (bench/api) 1,061 of 1,393 batches held one issuance (2.3 on average).
   */
  gather?: () => Promise<void>;
}

/** A recorder that writes one transaction per batch of the issuances waiting when the previous one has committed. */
export function issuanceBatcher(
  store: CaDependencies['store'],
  options: IssuanceBatcherOptions = {},
): IssuanceRecorder {
  const maxBatch = options.maxBatch ?? MAX_ISSUANCE_BATCH;
  const waiting: Pending[] = [];
  let writing = false;

  async function write(batch: Pending[]): Promise<void> {
    try {
      await recordIssuances(
        store,
        batch.map((p) => p.record),
      );
      for (const p of batch) p.resolve();
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
    }
    // The batch rolled back as a whole: each issuance again on its own, so only the one at fault fails.
    for (const p of batch) {
      try {
        await recordIssuances(store, [p.record]);
        p.resolve();
      } catch (error) {
        p.reject(error);
      }
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      for (;;) {
        // A turn that cannot be awaited only costs the batch its size: nobody is left waiting for a batch.
        await options.gather?.().catch(() => undefined);
        if (waiting.length === 0) break;
        await write(waiting.splice(0, maxBatch));
      }
    } finally {
      writing = false;
    }
  }

  return {
    record(record) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ record, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}
