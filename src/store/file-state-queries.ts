import type { FileState } from '../core/ports/inventory-store.js';
import { pathRange } from './chunks.js';
import type { StoreContext } from './store-context.js';
import { inValues } from './value-lists.js';

export async function fileStatesUnder(ctx: StoreContext, roots: string[]): Promise<FileState[]> {
  const byPath = new Map<string, FileState>();
  for (const root of new Set(roots)) {
    const { exact, under, below } = pathRange(root);
    const rows = await ctx.db
      .selectFrom('file_states')
      .selectAll()
      .where('path', '>=', exact)
      .where('path', '<', below)
      .where((eb) => eb.or([eb('path', '=', exact), eb('path', '>=', under)]))
      .execute();
    for (const row of rows) {
      byPath.set(row.path, {
        path: row.path,
        size: row.size,
        mtimeMs: row.mtime_ms,
        ctimeMs: row.ctime_ms,
        inode: row.inode,
        problem: row.problem === null ? null : (JSON.parse(row.problem) as FileState['problem']),
      });
    }
  }
  return [...byPath.values()];
}

export async function putFileStates(ctx: StoreContext, states: FileState[]): Promise<void> {
  // The last state given for a path wins (one statement cannot update the same row twice on PostgreSQL).
  const rows = [...new Map(states.map((state) => [state.path, state])).values()].map((state) => ({
    path: state.path,
    size: state.size,
    mtime_ms: state.mtimeMs,
    ctime_ms: state.ctimeMs,
    inode: state.inode,
    problem:
      state.problem === null
        ? null
        : JSON.stringify({ code: state.problem.code, message: state.problem.message }),
  }));
  await ctx.rows.upsertFileStates(rows);
}

export async function deleteFileStates(ctx: StoreContext, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await ctx.db
    .deleteFrom('file_states')
    .where(inValues(ctx.dialect, 'path', [...new Set(paths)]))
    .execute();
}
