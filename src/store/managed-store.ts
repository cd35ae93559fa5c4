import type { Kysely } from 'kysely';
import type {
  CertificateRevision,
  Condition,
  ManagedStatus,
  PendingRevision,
  RevokeAfterReady,
  StaleEndpoint,
} from '../core/managed/managed-status.js';
import type { ManagedReader, ManagedWriter } from '../core/ports/managed-store.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The tables of migration 0013-managed-certificates. */
export type ManagedTables = {
  managed_status: {
    name: string;
    conditions: string;
    revision: number | null;
    fingerprint: string | null;
    previous_revision: number | null;
    renewal_time: number | null;
    next_retry: number | null;
    attempts: number;
    renew_requested: number;
    pending: string | null;
    issued_for: string | null;
    deployed: string | null;
    verified: string | null;
    stale_endpoints: string;
    failed_for: string | null;
    updated_at: number;
    /** Migration 0017. */
    revoke_after: string;
  };
  managed_revisions: {
    name: string;
    revision: number;
    fingerprint: string;
    certificate: Uint8Array;
    chain: string;
    sealed_key: string;
    not_before: number;
    not_after: number;
    created_at: number;
  };
};

type Db = Kysely<StoreDatabase & ManagedTables>;
type StatusRow = ManagedTables['managed_status'];
type RevisionRow = ManagedTables['managed_revisions'];

const tables = (db: Kysely<StoreDatabase>): Db => db.withTables<ManagedTables>();
const time = (value: number | string | null): Date | null =>
  value === null ? null : new Date(Number(value));
const int = (value: number | string | null): number | null => (value === null ? null : Number(value));
const b64 = (der: Uint8Array): string => Buffer.from(der).toString('base64');
const der = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

type PendingText = Omit<PendingRevision, 'publicKeySpki'> & { publicKeySpki: string };
type ConditionText = Omit<Condition, 'lastTransitionTime'> & { lastTransitionTime: string };

function toStatus(row: StatusRow): ManagedStatus {
  const pending = row.pending === null ? null : (JSON.parse(row.pending) as PendingText);
  return {
    name: row.name,
    conditions: (JSON.parse(row.conditions) as ConditionText[]).map((c) => ({
      ...c,
      lastTransitionTime: new Date(c.lastTransitionTime),
    })),
    revision: int(row.revision),
    fingerprintSha256: row.fingerprint,
    previousRevision: int(row.previous_revision),
    renewalTime: time(row.renewal_time),
    nextRetry: time(row.next_retry),
    attempts: Number(row.attempts),
    renewRequested: Number(row.renew_requested) === 1,
    pending: pending === null ? null : { ...pending, publicKeySpki: der(pending.publicKeySpki) },
    issuedFor: row.issued_for,
    deployed: row.deployed === null ? null : (JSON.parse(row.deployed) as ManagedStatus['deployed']),
    verified: row.verified === null ? null : (JSON.parse(row.verified) as ManagedStatus['verified']),
    staleEndpoints: JSON.parse(row.stale_endpoints) as StaleEndpoint[],
    failedFor: row.failed_for,
    updatedAt: new Date(Number(row.updated_at)),
    revokeAfterReady: JSON.parse(row.revoke_after) as RevokeAfterReady[],
  };
}

function toRow(status: ManagedStatus): StatusRow {
  return {
    name: status.name,
    conditions: JSON.stringify(
      status.conditions.map((c) => ({ ...c, lastTransitionTime: c.lastTransitionTime.toISOString() })),
    ),
    revision: status.revision,
    fingerprint: status.fingerprintSha256,
    previous_revision: status.previousRevision,
    renewal_time: status.renewalTime?.getTime() ?? null,
    next_retry: status.nextRetry?.getTime() ?? null,
    attempts: status.attempts,
    renew_requested: status.renewRequested ? 1 : 0,
    pending:
      status.pending === null
        ? null
        : JSON.stringify({ ...status.pending, publicKeySpki: b64(status.pending.publicKeySpki) }),
    issued_for: status.issuedFor,
    deployed: status.deployed === null ? null : JSON.stringify(status.deployed),
    verified: status.verified === null ? null : JSON.stringify(status.verified),
    stale_endpoints: JSON.stringify(status.staleEndpoints),
    failed_for: status.failedFor,
    updated_at: status.updatedAt.getTime(),
    revoke_after: JSON.stringify(status.revokeAfterReady),
  };
}

function toRevision(row: RevisionRow): CertificateRevision {
  return {
    name: row.name,
    revision: Number(row.revision),
    fingerprintSha256: row.fingerprint,
    certificate: new Uint8Array(row.certificate),
    chain: (JSON.parse(row.chain) as string[]).map(der),
    sealedPrivateKey: row.sealed_key,
    notBefore: new Date(Number(row.not_before)),
    notAfter: new Date(Number(row.not_after)),
    createdAt: new Date(Number(row.created_at)),
  };
}

function queries(db: Db): ManagedReader {
  return {
    async status(name) {
      const row = await db
        .selectFrom('managed_status')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? null : toStatus(row);
    },
    async statuses() {
      return (await db.selectFrom('managed_status').selectAll().orderBy('name').execute()).map(toStatus);
    },
    async revision(name, revision) {
      const row = await db
        .selectFrom('managed_revisions')
        .selectAll()
        .where('name', '=', name)
        .where('revision', '=', revision)
        .executeTakeFirst();
      return row === undefined ? null : toRevision(row);
    },
    async revisions(name) {
      const rows = await db
        .selectFrom('managed_revisions')
        .selectAll()
        .where('name', '=', name)
        .orderBy('revision')
        .execute();
      return rows.map(toRevision);
    },
  };
}

/** `store.managed`: committed status and revisions. */
export function managedReader(db: Kysely<StoreDatabase>): ManagedReader {
  const q = queries(tables(db));
  return {
    status: (name) => reading('reading a managed certificate status', () => q.status(name)),
    statuses: () => reading('reading managed certificate statuses', () => q.statuses()),
    revision: (name, n) => reading('reading a certificate revision', () => q.revision(name, n)),
    revisions: (name) => reading('reading certificate revisions', () => q.revisions(name)),
  };
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.managed`: the transaction's status and revisions, each operation through its failure latch. */
export function managedWriter(ctx: StoreContext, run: Run): ManagedWriter {
  const db = tables(ctx.db);
  const q = queries(db);
  return {
    status: (name) => run('reading a managed certificate status', () => q.status(name)),
    statuses: () => run('reading managed certificate statuses', () => q.statuses()),
    revision: (name, n) => run('reading a certificate revision', () => q.revision(name, n)),
    revisions: (name) => run('reading certificate revisions', () => q.revisions(name)),
    putStatus: (status) =>
      run('recording a managed certificate status', async () => {
        const row = toRow(status);
        const { name, ...rest } = row;
        await db
          .insertInto('managed_status')
          .values(row)
          .onConflict((oc) => oc.column('name').doUpdateSet(rest))
          .execute();
        void name;
      }),
    addRevision: async (revision) => {
      // Looked up first: a failed insert would end the transaction on PostgreSQL and latch it.
      if (
        (await run('reading a certificate revision', () => q.revision(revision.name, revision.revision))) !==
        null
      )
        return false;
      await run('recording a certificate revision', () =>
        db
          .insertInto('managed_revisions')
          .values({
            name: revision.name,
            revision: revision.revision,
            fingerprint: revision.fingerprintSha256,
            certificate: revision.certificate,
            chain: JSON.stringify(revision.chain.map(b64)),
            sealed_key: revision.sealedPrivateKey,
            not_before: revision.notBefore.getTime(),
            not_after: revision.notAfter.getTime(),
            created_at: revision.createdAt.getTime(),
          })
          .execute(),
      );
      return true;
    },
    remove: (name) =>
      run('removing a managed certificate', async () => {
        await db.deleteFrom('managed_revisions').where('name', '=', name).execute();
        await db.deleteFrom('managed_status').where('name', '=', name).execute();
      }),
  };
}
