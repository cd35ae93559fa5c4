import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { CertificateQuery, InventorySort } from '../core/ports/inventory-store.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';
import { sightingWindow, type SightingWindow } from './sighting-rows.js';
import { inValues } from './value-lists.js';

/**
 * The filters and the keyset order of an inventory listing that read the stored evaluations and the locations
 * (owner, identity, policy finding, location kind, search, sort, `after`), pushed into the certificates query so
 * that a page is read through an index instead of judging every certificate first.
 */
type CertificatesQuery<O> = SelectQueryBuilder<StoreDatabase, 'certificates', O>;

/** The stored evaluation of the certificate of the outer query, as a correlated subquery's condition. */
const evaluationExists = (condition: RawBuilder<unknown>): RawBuilder<SqlBool> =>
  sql<SqlBool>`exists (select 1 from certificate_evaluations e where e.fingerprint = certificates.fingerprint and ${condition})`;

/** The owner a listing sorted by owner orders by: the stored one, '' when none (so unowned come first). */
const OWNER_KEY = sql<string>`coalesce((select e.owner from certificate_evaluations e where e.fingerprint = certificates.fingerprint), '')`;

/** `%` and `_` match themselves in a search (LIKE ... ESCAPE '\\'). */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Whether a listing's order runs backwards (`-notAfter`, `-owner`). */
const descending = (sort: InventorySort | undefined): boolean => sort?.startsWith('-') === true;

export function sortKeyExpression(sort: InventorySort): RawBuilder<unknown> {
  switch (sort) {
    case 'notAfter':
    case '-notAfter':
      return sql.ref('certificates.not_after');
    case 'subject':
    case '-subject':
      return sql.ref('certificates.subject');
    case 'owner':
    case '-owner':
      return OWNER_KEY;
  }
}

export function applyListingFilters<O>(
  query: CertificatesQuery<O>,
  filter: CertificateQuery,
  dialect: SqlDialectName,
  current: SightingWindow,
): CertificatesQuery<O> {
  let q = query;
  if (filter.owner !== undefined) q = q.where(evaluationExists(sql`e.owner = ${filter.owner}`));
  if (filter.unowned === true) q = q.where(sql<SqlBool>`not ${evaluationExists(sql`e.owner is not null`)}`);
  if (filter.identities !== undefined) {
    if (filter.identities.length === 0) return q.where(sql<SqlBool>`1 = 0`);
    q = q.where(evaluationExists(sql`${inValues(dialect, 'e.identity', filter.identities)}`));
  }
  if (filter.policyFinding !== undefined) {
    // The findings are JSON text written by JSON.stringify: a code appears as `"code":"<code>"`.
    const pattern = likePattern(`"code":${JSON.stringify(filter.policyFinding)}`);
    q = q.where(evaluationExists(sql`e.findings like ${pattern} escape '\\'`));
  }
  if (filter.locationKind !== undefined) {
    const condition = sightingWindow(current);
    const open = condition === null ? sql`1 = 1` : sql`${condition}`;
    q = q.where(
      sql<SqlBool>`exists (select 1 from sightings inner join locations on locations.id = sightings.location_id where sightings.object_hash = certificates.fingerprint and sightings.object_type = 'certificate' and locations.kind = ${filter.locationKind} and ${open})`,
    );
  }
  if (filter.locationKeys !== undefined) {
    if (filter.locationKeys.length === 0) return q.where(sql<SqlBool>`1 = 0`);
    const condition = sightingWindow(current);
    const open = condition === null ? sql`1 = 1` : sql`${condition}`;
    q = q.where(
      sql<SqlBool>`exists (select 1 from sightings inner join locations on locations.id = sightings.location_id where sightings.object_hash = certificates.fingerprint and sightings.object_type = 'certificate' and ${inValues(dialect, 'locations.key', filter.locationKeys)} and ${open})`,
    );
  }
  if (filter.search !== undefined && filter.search !== '') {
    const pattern = likePattern(filter.search.toLowerCase());
    const hex = filter.search.toLowerCase().replace(/:/g, '');
    const byFingerprint = /^[0-9a-f]{4,64}$/.test(hex)
      ? sql`(certificates.fingerprint >= ${hex} and certificates.fingerprint < ${`${hex}g`})`
      : sql`1 = 0`;
    q = q.where(
      sql<SqlBool>`(lower(certificates.subject) like ${pattern} escape '\\' or lower(certificates.subject_alt_names) like ${pattern} escape '\\' or ${byFingerprint} or ${evaluationExists(sql`e.owner = ${filter.search}`)})`,
    );
  }
  if (filter.after !== undefined) {
    const key = sortKeyExpression(filter.sort ?? 'notAfter');
    const op = sql.raw(descending(filter.sort) ? '<' : '>');
    q = q.where(
      sql<SqlBool>`(${key}, certificates.fingerprint) ${op} (${filter.after.key}, ${filter.after.fingerprint})`,
    );
  }
  return q;
}

/** The listing's order: the sort key, then the fingerprint, both in the sort's direction. */
export function applyListingOrder<O>(query: CertificatesQuery<O>, sort: InventorySort): CertificatesQuery<O> {
  const direction = descending(sort) ? sql.raw('desc') : sql.raw('asc');
  return query
    .orderBy(sql`${sortKeyExpression(sort)} ${direction}`)
    .orderBy(sql`certificates.fingerprint ${direction}`);
}
