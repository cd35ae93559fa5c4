import type { Kysely } from 'kysely';
import { DomainError } from '../core/errors.js';
import type {
  AuthorityReader,
  AuthorityWriter,
  CertificateAuthority,
  CrlRecord,
  IssuedCertificate,
  RevocationReason,
} from '../core/ports/authority-store.js';
import type { KeyReference, KeyType } from '../core/ports/key-manager.js';
import { chunked, rowsPerInsert } from './chunks.js';
import { compiledOnce } from './compiled-once.js';
import { bumpConfigurationRevision } from './configuration-revision.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The tables of migrations 0011-authorities and 0014-issued-request-keys (times in epoch ms, JSON as text). */
export type AuthorityTables = {
  authorities: {
    name: string;
    status: string;
    key_type: string;
    key_ref: string;
    root_key_ref: string | null;
    certificate: Uint8Array | null;
    chain: string;
    csr: Uint8Array | null;
    signs_from: number | null;
    created_at: number;
  };
  issued_certificates: {
    fingerprint: string;
    authority: string;
    serial: string;
    der: Uint8Array;
    not_before: number;
    not_after: number;
    identity: string | null;
    provisioner: string;
    issued_at: number;
    request_key: string | null;
    revoked_at: number | null;
    revocation_reason: string | null;
    invalidity_date: number | null;
  };
  crls: {
    authority: string;
    crl_number: number;
    this_update: number;
    next_update: number;
    der: Uint8Array;
  };
};

type Db = Kysely<StoreDatabase & AuthorityTables>;
type AuthorityRow = AuthorityTables['authorities'];
type IssuedRow = AuthorityTables['issued_certificates'];

const tables = (db: Kysely<StoreDatabase>): Db => db.withTables<AuthorityTables>();
const bytes = (value: Uint8Array): Uint8Array => new Uint8Array(value);
const time = (value: number | string | null): Date | null =>
  value === null ? null : new Date(Number(value));

function toAuthority(row: AuthorityRow): CertificateAuthority {
  return {
    name: row.name,
    status: row.status as CertificateAuthority['status'],
    keyType: row.key_type as KeyType,
    key: JSON.parse(row.key_ref) as KeyReference,
    rootKey: row.root_key_ref === null ? null : (JSON.parse(row.root_key_ref) as KeyReference),
    certificate: row.certificate === null ? null : bytes(row.certificate),
    chain: (JSON.parse(row.chain) as string[]).map((b64) => new Uint8Array(Buffer.from(b64, 'base64'))),
    csr: row.csr === null ? null : bytes(row.csr),
    signsFrom: time(row.signs_from),
    createdAt: new Date(Number(row.created_at)),
  };
}

const chainText = (chain: readonly Uint8Array[]): string =>
  JSON.stringify(chain.map((der) => Buffer.from(der).toString('base64')));

function toIssued(row: IssuedRow): IssuedCertificate {
  return {
    fingerprintSha256: row.fingerprint,
    authority: row.authority,
    serialNumber: row.serial,
    der: bytes(row.der),
    notBefore: new Date(Number(row.not_before)),
    notAfter: new Date(Number(row.not_after)),
    identity: row.identity,
    provisioner: row.provisioner,
    issuedAt: new Date(Number(row.issued_at)),
    requestKey: row.request_key,
    revocation: revocationOf(row),
  };
}

const revocationOf = (
  row: Pick<IssuedRow, 'revoked_at' | 'revocation_reason' | 'invalidity_date'>,
): IssuedCertificate['revocation'] =>
  row.revoked_at === null
    ? null
    : {
        revokedAt: new Date(Number(row.revoked_at)),
        reason: (row.revocation_reason ?? 'unspecified') as RevocationReason,
        invalidityDate: time(row.invalidity_date),
      };

function queries(db: Db): AuthorityReader {
  const revocationState = compiledOnce(db, (authority: string, serial: string) =>
    db
      .selectFrom('issued_certificates')
      .select(['revoked_at', 'revocation_reason', 'invalidity_date'])
      .where('authority', '=', authority)
      .where('serial', '=', serial),
  );
  return {
    async list() {
      const rows = await db.selectFrom('authorities').selectAll().orderBy('name').execute();
      return rows.map(toAuthority);
    },
    async get(name) {
      const row = await db.selectFrom('authorities').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? null : toAuthority(row);
    },
    async issued(query) {
      let select = db.selectFrom('issued_certificates').selectAll();
      select =
        'fingerprintSha256' in query
          ? select.where('fingerprint', '=', query.fingerprintSha256)
          : select.where('authority', '=', query.authority).where('serial', '=', query.serialNumber);
      const row = await select.executeTakeFirst();
      return row === undefined ? null : toIssued(row);
    },
    async revocationOf(authority, serialNumber) {
      const [row] = await revocationState(authority, serialNumber);
      return row === undefined ? null : { revocation: revocationOf(row) };
    },
    async issuedUnder(authority, requestKey) {
      const rows = await db
        .selectFrom('issued_certificates')
        .selectAll()
        .where('authority', '=', authority)
        .where('request_key', '=', requestKey)
        .orderBy('issued_at')
        .orderBy('fingerprint')
        .execute();
      return rows.map(toIssued);
    },
    async validIssued(authority, at) {
      const row = await db
        .selectFrom('issued_certificates')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('count'),
          eb.fn.max(eb('not_after', '-', eb.ref('not_before'))).as('longest'),
        ])
        .where('authority', '=', authority)
        .where('not_after', '>', at.getTime())
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), longestTtlMs: row.longest === null ? 0 : Number(row.longest) };
    },
    async revoked(authority) {
      const rows = await db
        .selectFrom('issued_certificates')
        .selectAll()
        .where('authority', '=', authority)
        .where('revoked_at', 'is not', null)
        .orderBy('revoked_at')
        .orderBy('serial')
        .execute();
      return rows.map(toIssued);
    },
    async latestCrl(authority) {
      const row = await db
        .selectFrom('crls')
        .selectAll()
        .where('authority', '=', authority)
        .orderBy('crl_number', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (row === undefined) return null;
      const crl: CrlRecord = {
        authority: row.authority,
        crlNumber: Number(row.crl_number),
        thisUpdate: new Date(Number(row.this_update)),
        nextUpdate: new Date(Number(row.next_update)),
        der: bytes(row.der),
      };
      return crl;
    },
  };
}

/** `store.authorities`: committed CAs, issued certificates and CRLs. */
export function authorityReader(db: Kysely<StoreDatabase>): AuthorityReader {
  const q = queries(tables(db));
  return {
    list: () => reading('reading certificate authorities', () => q.list()),
    get: (name) => reading('reading a certificate authority', () => q.get(name)),
    issued: (query) => reading('reading an issued certificate', () => q.issued(query)),
    revocationOf: (authority, serialNumber) =>
      reading('reading a revocation', () => q.revocationOf(authority, serialNumber)),
    issuedUnder: (authority, requestKey) =>
      reading('reading issued certificates', () => q.issuedUnder(authority, requestKey)),
    revoked: (authority) => reading('reading revoked certificates', () => q.revoked(authority)),
    latestCrl: (authority) => reading('reading a CRL', () => q.latestCrl(authority)),
    validIssued: (authority, at) =>
      reading('reading issued certificates', () => q.validIssued(authority, at)),
  };
}

type Run = <T>(doing: string, operation: () => Promise<T>) => Promise<T>;

/** `tx.authorities`: the transaction's CAs, issued certificates and CRLs, each operation through its failure latch. */
export function authorityWriter(ctx: StoreContext, run: Run): AuthorityWriter {
  const db = tables(ctx.db);
  const q = queries(db);
  return {
    list: () => run('reading certificate authorities', () => q.list()),
    get: (name) => run('reading a certificate authority', () => q.get(name)),
    issued: (query) => run('reading an issued certificate', () => q.issued(query)),
    revocationOf: (authority, serialNumber) =>
      run('reading a revocation', () => q.revocationOf(authority, serialNumber)),
    issuedUnder: (authority, requestKey) =>
      run('reading issued certificates', () => q.issuedUnder(authority, requestKey)),
    revoked: (authority) => run('reading revoked certificates', () => q.revoked(authority)),
    latestCrl: (authority) => run('reading a CRL', () => q.latestCrl(authority)),
    validIssued: (authority, at) => run('reading issued certificates', () => q.validIssued(authority, at)),
    async create(authority) {
      // Checked before the insert: a failed statement would end the transaction (PostgreSQL) and latch it.
      if ((await run('reading a certificate authority', () => q.get(authority.name))) !== null)
        throw new DomainError(
          'CUSTOS_CA_EXISTS',
          `A certificate authority named "${authority.name}" exists.`,
          {
            hint: 'Choose another --name, or see it with `custos ca show`.',
          },
        );
      await run('creating a certificate authority', () =>
        db
          .insertInto('authorities')
          .values({
            name: authority.name,
            status: authority.status,
            key_type: authority.keyType,
            key_ref: JSON.stringify(authority.key),
            root_key_ref: authority.rootKey === null ? null : JSON.stringify(authority.rootKey),
            certificate: authority.certificate,
            chain: chainText(authority.chain),
            csr: authority.csr,
            signs_from: authority.signsFrom?.getTime() ?? null,
            created_at: authority.createdAt.getTime(),
          })
          .execute(),
      );
      await run('creating a certificate authority', () => bumpConfigurationRevision(ctx.db));
    },
    async update(name, change) {
      const set: Partial<AuthorityRow> = {};
      if (change.status !== undefined) set.status = change.status;
      if (change.keyType !== undefined) set.key_type = change.keyType;
      if (change.key !== undefined) set.key_ref = JSON.stringify(change.key);
      if (change.rootKey !== undefined)
        set.root_key_ref = change.rootKey === null ? null : JSON.stringify(change.rootKey);
      if (change.certificate !== undefined) set.certificate = change.certificate;
      if (change.chain !== undefined) set.chain = chainText(change.chain);
      if (change.csr !== undefined) set.csr = change.csr;
      if (change.signsFrom !== undefined) set.signs_from = change.signsFrom?.getTime() ?? null;
      if (Object.keys(set).length === 0) return;
      const result = await run('updating a certificate authority', () =>
        db.updateTable('authorities').set(set).where('name', '=', name).executeTakeFirst(),
      );
      if (Number(result.numUpdatedRows) === 0)
        throw new DomainError('CUSTOS_CA_NOT_FOUND', `No certificate authority is named "${name}".`);
      await run('updating a certificate authority', () => bumpConfigurationRevision(ctx.db));
    },
    recordIssued: (certificate) =>
      run('recording an issued certificate', () => insertIssued(ctx, db, [certificate])),
    recordIssuedCertificates: (certificates) =>
      run('recording issued certificates', () => insertIssued(ctx, db, certificates)),
    revoke: (fingerprint, revocation) =>
      run('recording a revocation', async () => {
        const result = await db
          .updateTable('issued_certificates')
          .set({
            revoked_at: revocation.revokedAt.getTime(),
            revocation_reason: revocation.reason,
            invalidity_date: revocation.invalidityDate?.getTime() ?? null,
          })
          .where('fingerprint', '=', fingerprint)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      }),
    saveCrl: (crl) =>
      run('saving a CRL', async () => {
        await db
          .insertInto('crls')
          .values({
            authority: crl.authority,
            crl_number: crl.crlNumber,
            this_update: crl.thisUpdate.getTime(),
            next_update: crl.nextUpdate.getTime(),
            der: crl.der,
          })
          .execute();
      }),
  };
}

const ISSUED_COLUMNS = 13;

/** The certificates' rows in multi-row INSERTs (a batch of issuances in one statement per chunk). */
async function insertIssued(
  ctx: StoreContext,
  db: Db,
  certificates: readonly Omit<IssuedCertificate, 'revocation'>[],
): Promise<void> {
  for (const chunk of chunked(certificates, rowsPerInsert(ctx.maxParameters, ISSUED_COLUMNS))) {
    await db
      .insertInto('issued_certificates')
      .values(
        chunk.map((certificate) => ({
          fingerprint: certificate.fingerprintSha256,
          authority: certificate.authority,
          serial: certificate.serialNumber,
          der: certificate.der,
          not_before: certificate.notBefore.getTime(),
          not_after: certificate.notAfter.getTime(),
          identity: certificate.identity,
          provisioner: certificate.provisioner,
          issued_at: certificate.issuedAt.getTime(),
          request_key: certificate.requestKey ?? null,
          revoked_at: null,
          revocation_reason: null,
          invalidity_date: null,
        })),
      )
      .execute();
  }
}
