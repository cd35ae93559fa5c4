import type { Kysely } from 'kysely';
import type { FileState } from '../core/ports/inventory-store.js';
import type { StoreDatabase } from './schema.js';
import { chunked, KEYS_PER_READ, pathRange, ROWS_PER_SLICE } from './chunks.js';
import type { StoreContext } from './store-context.js';
import { inValues } from './value-lists.js';

/** The file_states rows at a root or under it (a file, or a directory and everything below it). */
function statesUnder(db: Kysely<StoreDatabase>, root: string) {
  const { exact, under, below } = pathRange(root);
  return db
    .selectFrom('file_states')
    .where('path', '>=', exact)
    .where('path', '<', below)
    .where((eb) => eb.or([eb('path', '=', exact), eb('path', '>=', under)]));
}

/** The paths of the files a scan read at or under the roots (no other column: a read for the listing). */
export async function filePathsUnder(db: Kysely<StoreDatabase>, roots: string[]): Promise<string[]> {
  const paths: string[] = [];
  for (const root of new Set(roots))
    for (const row of await statesUnder(db, root).select('path').execute()) paths.push(row.path);
  return [...new Set(paths)];
}

export async function fileStatesUnder(ctx: StoreContext, roots: string[]): Promise<FileState[]> {
  const byPath = new Map<string, FileState>();
  for (const root of new Set(roots)) {
    const rows = await statesUnder(ctx.db, root).selectAll().execute();
    for (const row of rows) {
      byPath.set(row.path, {
        path: row.path,
        size: row.size,
        mtimeMs: row.mtime_ms,
        ctimeMs: row.ctime_ms,
        inode: row.inode,
        problems: JSON.parse(row.problems) as FileState['problems'],
        passwordsTried: row.passwords_tried,
      });
    }
  }
  return [...byPath.values()];
}

export async function putFileStates(ctx: StoreContext, states: FileState[]): Promise<void> {
  // The last state given for a path wins (one statement cannot update the same row twice on PostgreSQL). Rows are
  // made and written a slice at a time, so a first scan's 100,000 states do not hold the event loop at once.
  const latest = [...new Map(states.map((state) => [state.path, state])).values()];
  for (const slice of chunked(latest, ROWS_PER_SLICE)) {
    await ctx.rows.upsertFileStates(
      slice.map((state) => ({
        path: state.path,
        size: state.size,
        mtime_ms: state.mtimeMs,
        ctime_ms: state.ctimeMs,
        inode: state.inode,
        problems: JSON.stringify(state.problems.map(({ code, message }) => ({ code, message }))),
        passwords_tried: state.passwordsTried,
      })),
    );
  }
}

export async function deleteFileStates(ctx: StoreContext, paths: string[]): Promise<void> {
  for (const slice of chunked([...new Set(paths)], KEYS_PER_READ))
    await ctx.db
      .deleteFrom('file_states')
      .where(inValues(ctx.dialect, 'path', slice))
      .execute();
}
