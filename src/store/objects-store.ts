import type { Kysely, Selectable } from 'kysely';
import type {
  DeclarativeObject,
  AnyDeclarativeObject,
  Kind,
  ObjectMetadata,
} from '../core/declarative/objects.js';
import { API_VERSION } from '../core/declarative/objects.js';
import { mapSecretsAtRest } from '../core/declarative/webhook-secrets.js';
import type { SecretCipher } from '../core/ports/secret-cipher.js';
import type {
  ObjectsReader,
  ObjectsWriter,
  PutResult,
  RecordedOwnership,
  StoredObject,
} from '../core/ports/objects-store.js';
import type { OwnerAssignment, OwnerSource } from '../core/ownership/resolve-owner.js';
import type { RecordedDecision } from '../core/policy/compliance-decisions.js';
import { chunked, rowsPerInsert } from './chunks.js';
import { bumpConfigurationRevision } from './configuration-revision.js';
import { readDecisions, recordDecisions } from './policy-decisions-store.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The tables of migration 0004-ownership (times in epoch milliseconds, JSON as text, as everywhere in the store). */
export type DeclaredObjectsTable = {
  kind: string;
  name: string;
  metadata: string;
  spec: string;
  generation: number;
  created_at: number;
  updated_at: number;
  updated_by: string;
};

export type OwnershipTables = {
  declared_objects: DeclaredObjectsTable;
  owner_assignments: { fingerprint: string; owner: string; assigned_by: string; assigned_at: number };
  certificate_ownership: {
    fingerprint: string;
    owner: string | null;
    identity: string | null;
    source: string | null;
    updated_at: number;
  };
  governance_state: { key: string; value: string };
};

const DEFAULTS_SEEDED = 'default-policies-seeded';
const OWNERSHIP_COLUMNS = 5;

const tables = (db: Kysely<StoreDatabase>): Kysely<StoreDatabase & OwnershipTables> =>
  db.withTables<OwnershipTables>();

/** The object a row holds, its sealed secrets opened (a value written before sealing reads as it is). */
function storedObject<K extends Kind>(
  row: Pick<Selectable<DeclaredObjectsTable>, 'kind' | 'metadata' | 'spec'>,
  cipher: SecretCipher,
): DeclarativeObject<K> {
  const object = {
    apiVersion: API_VERSION,
    kind: row.kind as K,
    metadata: JSON.parse(row.metadata) as ObjectMetadata,
    spec: JSON.parse(row.spec) as DeclarativeObject<K>['spec'],
  } as AnyDeclarativeObject;
  return mapSecretsAtRest(object, (value) => cipher.open(value)) as DeclarativeObject<K>;
}

function toStoredObject<K extends Kind>(
  row: Selectable<DeclaredObjectsTable>,
  cipher: SecretCipher,
): StoredObject<K> {
  return {
    object: storedObject<K>(row, cipher),
    generation: Number(row.generation),
    updatedAt: new Date(Number(row.updated_at)),
    updatedBy: row.updated_by,
  };
}

/** Reads through any handle: the store's reader, or a transaction's connection (which sees its own writes). */
export class KyselyObjectsReader implements ObjectsReader {
  constructor(
    protected readonly db: Kysely<StoreDatabase>,
    private readonly cipher: SecretCipher,
  ) {}

  async list<K extends Kind>(kind: K): Promise<Array<StoredObject<K>>> {
    const rows = await reading(`reading ${kind} objects`, () =>
      tables(this.db)
        .selectFrom('declared_objects')
        .selectAll()
        .where('kind', '=', kind)
        .orderBy('name')
        .execute(),
    );
    // Opened outside `reading`: a secret sealed under another key is CUSTOS_KEY_INVALID, not a database failure.
    return rows.map((row) => toStoredObject<K>(row, this.cipher));
  }

  assignments(): Promise<OwnerAssignment[]> {
    return reading('reading owner assignments', async () => {
      const rows = await tables(this.db)
        .selectFrom('owner_assignments')
        .selectAll()
        .orderBy('fingerprint')
        .execute();
      return rows.map((row) => ({
        fingerprintSha256: row.fingerprint,
        owner: row.owner,
        assignedBy: row.assigned_by,
        assignedAt: new Date(Number(row.assigned_at)),
      }));
    });
  }

  defaultsSeeded(): Promise<boolean> {
    return reading('reading governance state', async () => {
      const row = await tables(this.db)
        .selectFrom('governance_state')
        .select('value')
        .where('key', '=', DEFAULTS_SEEDED)
        .executeTakeFirst();
      return row !== undefined;
    });
  }

  recordedOwnerships(): Promise<RecordedOwnership[]> {
    return reading('reading recorded ownership', async () => {
      const rows = await tables(this.db).selectFrom('certificate_ownership').selectAll().execute();
      return rows.map((row) => ({
        fingerprintSha256: row.fingerprint,
        owner: row.owner,
        identity: row.identity,
        source: row.source === null ? null : (JSON.parse(row.source) as OwnerSource),
      }));
    });
  }

  recordedDecisions(fingerprints?: readonly string[]): Promise<RecordedDecision[]> {
    return reading('reading recorded policy decisions', () => readDecisions(this.db, fingerprints));
  }
}

/**
 * Creates or replaces an object, its secrets sealed (a fresh IV each time); an identical one keeps its generation
 * (`unchanged`). Identical compares the opened values, never the sealed texts, which differ on every write.
 */
export async function putObject(
  ctx: StoreContext,
  object: AnyDeclarativeObject,
  at: Date,
  by: string,
): Promise<PutResult> {
  const db = tables(ctx.db);
  const cipher = ctx.auditKeys.secrets;
  const metadata = JSON.stringify(object.metadata);
  const plainSpec = JSON.stringify(mapSecretsAtRest(object, (value) => value).spec);
  const spec = JSON.stringify(mapSecretsAtRest(object, (value) => cipher.seal(value)).spec);
  const existing = await db
    .selectFrom('declared_objects')
    .select(['kind', 'metadata', 'spec', 'generation'])
    .where('kind', '=', object.kind)
    .where('name', '=', object.metadata.name)
    .executeTakeFirst();
  if (existing === undefined) {
    await db
      .insertInto('declared_objects')
      .values({
        kind: object.kind,
        name: object.metadata.name,
        metadata,
        spec,
        generation: 1,
        created_at: at.getTime(),
        updated_at: at.getTime(),
        updated_by: by,
      })
      .execute();
    await bumpConfigurationRevision(ctx.db);
    return { change: 'created', generation: 1 };
  }
  const generation = Number(existing.generation);
  const existingSpec = JSON.stringify(storedObject(existing, cipher).spec);
  if (existing.metadata === metadata && existingSpec === plainSpec)
    return { change: 'unchanged', generation };
  await db
    .updateTable('declared_objects')
    .set({ metadata, spec, generation: generation + 1, updated_at: at.getTime(), updated_by: by })
    .where('kind', '=', object.kind)
    .where('name', '=', object.metadata.name)
    .execute();
  await bumpConfigurationRevision(ctx.db);
  return { change: 'configured', generation: generation + 1 };
}

export async function removeObject(ctx: StoreContext, kind: string, name: string): Promise<boolean> {
  const result = await tables(ctx.db)
    .deleteFrom('declared_objects')
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await bumpConfigurationRevision(ctx.db);
  return true;
}

export async function putAssignment(ctx: StoreContext, a: OwnerAssignment): Promise<void> {
  await tables(ctx.db)
    .insertInto('owner_assignments')
    .values({
      fingerprint: a.fingerprintSha256,
      owner: a.owner,
      assigned_by: a.assignedBy,
      assigned_at: a.assignedAt.getTime(),
    })
    .onConflict((conflict) =>
      conflict.column('fingerprint').doUpdateSet((eb) => ({
        owner: eb.ref('excluded.owner'),
        assigned_by: eb.ref('excluded.assigned_by'),
        assigned_at: eb.ref('excluded.assigned_at'),
      })),
    )
    .execute();
}

export async function markDefaultsSeeded(ctx: StoreContext, at: Date): Promise<void> {
  await tables(ctx.db)
    .insertInto('governance_state')
    .values({ key: DEFAULTS_SEEDED, value: at.toISOString() })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
}

export async function recordOwnerships(
  ctx: StoreContext,
  ownerships: RecordedOwnership[],
  at: Date,
): Promise<void> {
  const db = tables(ctx.db);
  for (const chunk of chunked(ownerships, rowsPerInsert(ctx.maxParameters, OWNERSHIP_COLUMNS))) {
    await db
      .insertInto('certificate_ownership')
      .values(
        chunk.map((o) => ({
          fingerprint: o.fingerprintSha256,
          owner: o.owner,
          identity: o.identity,
          source: o.source === null ? null : JSON.stringify(o.source),
          updated_at: at.getTime(),
        })),
      )
      .onConflict((conflict) =>
        conflict.column('fingerprint').doUpdateSet((eb) => ({
          owner: eb.ref('excluded.owner'),
          identity: eb.ref('excluded.identity'),
          source: eb.ref('excluded.source'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** The ObjectsWriter of a store transaction: every operation through the transaction's `run` (failure tracking). */
export function objectsWriter(ctx: () => StoreContext, run: Run): ObjectsWriter {
  const reader = () => new KyselyObjectsReader(ctx().db, ctx().auditKeys.secrets);
  return {
    list: (kind) => run(`reading ${kind} objects`, () => reader().list(kind)),
    assignments: () => run('reading owner assignments', () => reader().assignments()),
    defaultsSeeded: () => run('reading governance state', () => reader().defaultsSeeded()),
    recordedOwnerships: () => run('reading recorded ownership', () => reader().recordedOwnerships()),
    recordedDecisions: (fingerprints) =>
      run('reading recorded policy decisions', () => reader().recordedDecisions(fingerprints)),
    put: (object, at, by) =>
      run(`storing ${object.kind}/${object.metadata.name}`, () => putObject(ctx(), object, at, by)),
    remove: (kind, name) => run(`deleting ${kind}/${name}`, () => removeObject(ctx(), kind, name)),
    assign: (assignment) => run('storing an owner assignment', () => putAssignment(ctx(), assignment)),
    markDefaultsSeeded: (at) => run('storing governance state', () => markDefaultsSeeded(ctx(), at)),
    recordOwnerships: (ownerships, at) =>
      run('recording ownership', () => recordOwnerships(ctx(), ownerships, at)),
    recordDecisions: (changes, at) =>
      run('recording policy decisions', () => recordDecisions(ctx(), changes, at)),
  };
}
