import { sql, type Kysely } from 'kysely';
import type { LocationKind } from '../core/inventory/location.js';
import { sightedObjectHash, type Sighting } from '../core/inventory/sighting.js';
import type {
  CertificateFacts,
  CertificateQuery,
  InventoryEntry,
  InventoryReader,
  InventorySort,
  LocationQuery,
  LocationSummary,
  ServedFinding,
  StoredCertificate,
} from '../core/ports/inventory-store.js';
import {
  FACT_COLUMNS,
  toCertificateFacts,
  toStoredCertificate,
  type CertificateFactsRow,
} from './certificate-rows.js';
import { packedColumns } from './packed-rows.js';
import { chunked, KEYS_PER_READ, fingerprintRange } from './chunks.js';
import { giveTurn } from './event-loop-turns.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';
import {
  compareSightings,
  inWindow,
  selectPackedSightings,
  sightingWindow,
  toPackedSightings,
  type SightingWindow,
} from './sighting-rows.js';
import { listLocations } from './location-probes.js';
import { servedFindingsAt } from './served-findings.js';
import { configuredKeyPairsOf } from './configured-key-pairs.js';
import { filePathsUnder } from './file-state-queries.js';
import type { ConfiguredKeyPair } from '../core/key-pairing/key-pairs.js';
import { reading } from './store-errors.js';
import { applyListingFilters, applyListingOrder, sortKeyExpression } from './inventory-filters.js';
import { inValues } from './value-lists.js';

/**
 * Inventory queries, set-based: a listing is one query for the certificates (through the not_after or primary key
 * index), then one for their sightings and one for the sightings of their keys, never one query per certificate.
 */
export class KyselyInventoryReader implements InventoryReader {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly dialect: SqlDialectName,
  ) {}

  listCertificates(query: CertificateQuery): Promise<InventoryEntry[]> {
    return reading('listing certificates', () => this.list(query));
  }

  certificatesByPrefix(prefix: string, limit = 2): Promise<StoredCertificate[]> {
    return reading('looking up certificates', async () => {
      const range = fingerprintRange(prefix);
      if (range === null) return [];
      const rows = await this.db
        .selectFrom('certificates')
        .selectAll()
        .where('fingerprint', '>=', range.from)
        .where('fingerprint', '<', range.to)
        .orderBy('fingerprint')
        .limit(limit)
        .execute();
      return rows.map(toStoredCertificate);
    });
  }

  certificatesWithSubject(subject: string, limit = 10): Promise<CertificateFacts[]> {
    return reading('looking up certificates', async () => {
      const rows = await this.db
        .selectFrom('certificates')
        .select(FACT_COLUMNS.map((column) => `certificates.${column}` as const))
        .where('certificates.subject', '=', subject)
        .orderBy('certificates.fingerprint')
        .limit(limit)
        .execute();
      return rows.map(toCertificateFacts);
    });
  }

  configuredKeyPairs(certificatePaths: string[]): Promise<ConfiguredKeyPair[]> {
    return reading('reading configured key pairs', () =>
      configuredKeyPairsOf(this.db, this.dialect, certificatePaths),
    );
  }

  filePathsUnder(roots: string[]): Promise<string[]> {
    return reading('reading file states', () => filePathsUnder(this.db, roots));
  }

  servedFindingsAt(locationKeys: string[]): Promise<ServedFinding[]> {
    return reading('reading served findings', () => servedFindingsAt(this.db, this.dialect, locationKeys));
  }

  listLocations(query: LocationQuery): Promise<LocationSummary[]> {
    return reading('listing locations', () => listLocations(this.db, this.dialect, query));
  }

  intermediateCertificates(): Promise<Uint8Array[]> {
    return reading('reading intermediate certificates', async () => {
      const rows = await this.db
        .selectFrom('certificates')
        .select('der')
        .where('is_ca', '=', 1)
        .where('self_signed', '=', 0)
        .execute();
      return rows.map((row) => new Uint8Array(row.der.buffer, row.der.byteOffset, row.der.byteLength));
    });
  }

  openSightings(): Promise<Sighting[]> {
    return reading('reading open sightings', async () => {
      const rows = await selectPackedSightings(this.db, this.dialect)
        .where('sightings.ended_at', 'is', null)
        .execute();
      return toPackedSightings(this.dialect, rows).sort(compareSightings);
    });
  }

  sightingsOf(fingerprint: string): Promise<Sighting[]> {
    return reading('reading sightings', async () => {
      const sightings = await this.sightingsOfObjects('certificate', [fingerprint], { kind: 'all' });
      return (sightings.get(fingerprint) ?? []).sort(
        (a, b) => a.firstSeen.getTime() - b.firstSeen.getTime() || compareSightings(a, b),
      );
    });
  }

  keySightingsAt(locationKeys: string[], at?: Date): Promise<Sighting[]> {
    return reading('reading key sightings', async () => {
      const condition = sightingWindow(
        at === undefined ? { kind: 'open' } : { kind: 'open-at', at: at.getTime() },
      );
      if (locationKeys.length === 0) return [];
      let query = selectPackedSightings(this.db, this.dialect)
        .where(inValues(this.dialect, 'locations.key', [...new Set(locationKeys)]))
        .where('sightings.object_type', '=', 'key');
      if (condition !== null) query = query.where(condition);
      const found = toPackedSightings(this.dialect, await query.execute());
      return found.sort(compareSightings);
    });
  }

  countCertificates(): Promise<number> {
    return reading('counting certificates', async () => {
      const row = await this.db
        .selectFrom('certificates')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    });
  }

  fileProblems(): Promise<Array<{ path: string; code: string }>> {
    return reading('reading file problems', async () => {
      const rows = await this.db
        .selectFrom('file_states')
        .select(['path', 'problems'])
        .where('problems', '!=', '[]')
        .orderBy('path')
        .execute();
      return rows.map((row) => ({
        path: row.path,
        code: (JSON.parse(row.problems) as Array<{ code?: string }>)[0]?.code ?? 'CUSTOS_FILE_MALFORMED',
      }));
    });
  }

  countLocations(): Promise<Record<LocationKind, number>> {
    return reading('counting locations', async () => {
      const rows = await this.db
        .selectFrom('sightings')
        .innerJoin('locations', 'locations.id', 'sightings.location_id')
        .select((eb) => ['locations.kind', eb.fn.countAll<number>().as('count')])
        .where('sightings.ended_at', 'is', null)
        .groupBy('locations.kind')
        .execute();
      const counts: Record<LocationKind, number> = {
        file: 0,
        tls: 0,
        'k8s-secret': 0,
        agent: 0,
        issued: 0,
      };
      for (const row of rows) counts[row.kind as LocationKind] = Number(row.count);
      return counts;
    });
  }

  private async list(query: CertificateQuery): Promise<InventoryEntry[]> {
    if (query.fingerprints !== undefined && query.fingerprints.length > KEYS_PER_READ)
      return this.listInSlices({ ...query, fingerprints: query.fingerprints });
    const at = query.at?.getTime();
    // The sightings that make a certificate current: open now, or open at the moment asked about.
    const current: SightingWindow = at === undefined ? { kind: 'open' } : { kind: 'open-at', at };
    const currentCondition = sightingWindow(current);
    const sort = query.sort ?? 'notAfter';
    const packed = packedColumns<CertificateFactsRow>(
      this.dialect,
      FACT_COLUMNS.map((column) => `certificates.${column}`),
    );
    let certificates = applyListingFilters(
      this.db
        .selectFrom('certificates')
        .select(packed.expression.as('facts'))
        .select(sortKeyExpression(sort).as('sort_key')),
      query,
      this.dialect,
      current,
    );
    if (query.notAfterBefore) {
      certificates = certificates.where('certificates.not_after', '<=', query.notAfterBefore.getTime());
    }
    if (query.fingerprints !== undefined) {
      if (query.fingerprints.length === 0) return [];
      certificates = certificates.where(
        inValues(this.dialect, 'certificates.fingerprint', query.fingerprints),
      );
    }
    if (query.fingerprintPrefix !== undefined) {
      const range = fingerprintRange(query.fingerprintPrefix);
      if (range === null) return [];
      certificates = certificates
        .where('certificates.fingerprint', '>=', range.from)
        .where('certificates.fingerprint', '<', range.to);
    }
    if (!query.includeRetired && currentCondition !== null) {
      certificates = certificates.where((eb) =>
        eb.exists(
          eb
            .selectFrom('sightings')
            .select(sql.lit(1).as('one'))
            .whereRef('sightings.object_hash', '=', 'certificates.fingerprint')
            .where('sightings.object_type', '=', 'certificate')
            .where(currentCondition),
        ),
      );
    } else if (at !== undefined) {
      certificates = certificates.where('certificates.first_discovered', '<=', at);
    }
    certificates = applyListingOrder(certificates, sort);
    if (query.limit !== undefined) certificates = certificates.limit(query.limit);
    const rows = (await certificates.execute()).map((row) => ({
      facts: packed.unpack(row.facts),
      sortKey: row.sort_key,
    }));
    if (rows.length === 0) return [];

    // A retired certificate (none current) is listed with its history: all of it, or what had begun by `at`.
    const history: SightingWindow = at === undefined ? { kind: 'all' } : { kind: 'started-by', at };
    // The whole inventory (metrics, a full listing): every sighting in the window is wanted, so the window is read
    // in one pass rather than each of 100,000 certificates and keys looked up in the index (4x the CPU).
    const whole = wholeInventory(query);
    const sightings = await this.sightingsOfObjects(
      'certificate',
      whole ? 'every' : rows.map((row) => row.facts.fingerprint),
      query.includeRetired ? history : current,
    );
    const keySightings = await this.sightingsOfObjects(
      'key',
      whole ? 'every' : rows.map((row) => row.facts.public_key_sha256),
      current,
    );
    return rows.map(({ facts, sortKey }) => {
      const all = sightings.get(facts.fingerprint) ?? [];
      const open = all.filter((sighting) => inWindow(sighting, current));
      return {
        certificate: toCertificateFacts(facts),
        sightings: (open.length > 0 ? open : all).sort(compareSightings),
        keySightings: (keySightings.get(facts.public_key_sha256) ?? []).sort(compareSightings),
        position: { key: sortKeyOf(sortKey, sort), fingerprint: facts.fingerprint },
      };
    });
  }

  /**
   * A listing of many fingerprints (a first scan evaluates every certificate it found) a slice at a time, with a turn
   * of the event loop between slices, merged in the listing's order: one query over 24,000 fingerprints blocked the
   * event loop for ~250 ms (bench/scan-files, 20,000 files).
   */
  private async listInSlices(
    query: CertificateQuery & { fingerprints: readonly string[] },
  ): Promise<InventoryEntry[]> {
    const entries: InventoryEntry[] = [];
    for (const fingerprints of chunked([...new Set(query.fingerprints)], KEYS_PER_READ)) {
      entries.push(...(await this.list({ ...query, fingerprints })));
      await giveTurn();
    }
    const direction = query.sort?.startsWith('-') === true ? -1 : 1;
    const positionOf = (e: InventoryEntry) =>
      e.position ?? { key: '', fingerprint: e.certificate.fingerprintSha256 };
    entries.sort((a, b) => {
      const [p, q] = [positionOf(a), positionOf(b)];
      return direction * (compareKeys(p.key, q.key) || compareKeys(p.fingerprint, q.fingerprint));
    });
    return query.limit === undefined ? entries : entries.slice(0, query.limit);
  }

  /** The sightings of these certificates or keys (or of every one) within the window, by object hash. */
  private async sightingsOfObjects(
    type: 'certificate' | 'key',
    hashes: string[] | 'every',
    window: SightingWindow,
  ): Promise<Map<string, Sighting[]>> {
    const condition = sightingWindow(window);
    const byHash = new Map<string, Sighting[]>();
    let query = selectPackedSightings(this.db, this.dialect).where('sightings.object_type', '=', type);
    if (hashes !== 'every')
      query = query.where(inValues(this.dialect, 'sightings.object_hash', [...new Set(hashes)]));
    if (condition !== null) query = query.where(condition);
    for (const sighting of toPackedSightings(this.dialect, await query.execute())) {
      const hash = sightedObjectHash(sighting.object);
      const list = byHash.get(hash);
      if (list) list.push(sighting);
      else byHash.set(hash, [sighting]);
    }
    return byHash;
  }
}

const compareKeys = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether the query lists every certificate in its window: no filter, no page. */
const wholeInventory = (q: CertificateQuery): boolean =>
  q.notAfterBefore === undefined &&
  q.fingerprints === undefined &&
  q.fingerprintPrefix === undefined &&
  q.limit === undefined &&
  q.after === undefined &&
  q.owner === undefined &&
  q.unowned !== true &&
  q.identities === undefined &&
  q.policyFinding === undefined &&
  q.locationKind === undefined &&
  q.locationKeys === undefined &&
  (q.search === undefined || q.search === '');

/** A sort key as the listing compares it: notAfter in epoch ms (PostgreSQL's bigint arrives as a string). */
const sortKeyOf = (value: unknown, sort: InventorySort): number | string =>
  sort === 'notAfter' || sort === '-notAfter' ? Number(value) : String(value);
