import type { Kysely } from 'kysely';
import type { ConfiguredKeyPair } from '../core/key-pairing/key-pairs.js';
import { chunked, KEYS_PER_READ, rowsPerInsert } from './chunks.js';
import type { StoreContext } from './store-context.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';
import { inValues } from './value-lists.js';

interface ConfiguredKeyPairsTable {
  source_path: string;
  certificate_path: string;
  key_path: string;
  layout: string;
}

type Tables = StoreDatabase & { configured_key_pairs: ConfiguredKeyPairsTable };
const tables = (db: Kysely<StoreDatabase>): Kysely<Tables> =>
  db.withTables<{ configured_key_pairs: ConfiguredKeyPairsTable }>();

/** Replaces the pairs declared by these configuration files (read again, or gone) by the pairs just read. */
export async function replaceConfiguredKeyPairs(
  ctx: StoreContext,
  sources: string[],
  pairs: ConfiguredKeyPair[],
): Promise<void> {
  const db = tables(ctx.db);
  // In slices: a first scan replaces the pairs of each of its 100,000 files.
  for (const slice of chunked([...new Set(sources)], KEYS_PER_READ))
    await db
      .deleteFrom('configured_key_pairs')
      .where(inValues(ctx.dialect, 'source_path', slice))
      .execute();
  const rows = [
    ...new Map(pairs.map((p) => [`${p.source}\u0000${p.certificatePath}\u0000${p.keyPath}`, p])).values(),
  ].map((p) => ({
    source_path: p.source,
    certificate_path: p.certificatePath,
    key_path: p.keyPath,
    layout: p.layout,
  }));
  for (const slice of chunked(rows, rowsPerInsert(ctx.maxParameters, 4)))
    await db.insertInto('configured_key_pairs').values(slice).execute();
}

/** The pairs whose certificate file is one of these, ordered by certificate, configuration file and key. */
export async function configuredKeyPairsOf(
  db: Kysely<StoreDatabase>,
  dialect: SqlDialectName,
  certificatePaths: string[],
): Promise<ConfiguredKeyPair[]> {
  if (certificatePaths.length === 0) return [];
  const rows = await tables(db)
    .selectFrom('configured_key_pairs')
    .selectAll()
    .where(inValues(dialect, 'certificate_path', [...new Set(certificatePaths)]))
    .orderBy('certificate_path')
    .orderBy('source_path')
    .orderBy('key_path')
    .execute();
  return rows.map((r) => ({
    certificatePath: r.certificate_path,
    keyPath: r.key_path,
    layout: r.layout as ConfiguredKeyPair['layout'],
    source: r.source_path,
  }));
}
