import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * The store's long work gives the event loop a turn every SLICE_MS: a first scan's transaction writes ~100,000
 * certificates with their sightings, evaluations and audit records, and on SQLite (in-process and synchronous)
 * that ran as one block of the event loop: 4.5 s for 20,000 files, 51 s for 100,000 (bench/scan-files, "max"),
 * during which `custos serve` answered nothing, not even /healthz. Between turns the transaction still holds the
 * writer connection (Kysely's connection mutex keeps this process's other writes waiting for it), while reads go
 * through the reader connection and see the last commit.
 */
const SLICE_MS = 20;
let sliceStarted = performance.now();

/** Lets timers and I/O run when the work since the last turn took SLICE_MS or more; otherwise returns at once. */
export async function giveTurn(): Promise<void> {
  if (performance.now() - sliceStarted < SLICE_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  sliceStarted = performance.now();
}

/** A turn between two queries: the work of a use case between its queries counts toward the slice. */
export class TurnsBetweenQueries implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await giveTurn();
    return args.result;
  }
}
