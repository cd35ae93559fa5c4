import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type { Severity } from '../core/findings/finding.js';
import type {
  InventoryCounts,
  InventoryOverview,
  InventoryStatistics,
  StatisticsQuery,
  TimelineBucket,
} from '../core/ports/inventory-statistics.js';
import type { SqlDialectName, StoreDatabase } from './schema.js';
import { reading } from './store-errors.js';

const WEEK_MS = 7 * 86_400_000;

/**
 * The dashboard's aggregates, each one SQL statement over the current certificates (those with an open sighting)
 * joined to their stored evaluations: the database counts and groups, nothing is read row by row.
 */
export class KyselyInventoryStatistics implements InventoryStatistics {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly dialect: SqlDialectName,
    /** The store engine's `readAside`: the one pass over every certificate runs off the event loop. */
    private readonly readAside: <R>(query: CompiledQuery<R>) => Promise<R[]>,
  ) {}

  /** `FROM` the current certificates (optionally one owner's), `c` with its evaluation `e` (null columns when none). */
  private current(query: Pick<StatisticsQuery, 'owner'>): RawBuilder<unknown> {
    const owner = query.owner === undefined ? sql`` : sql` and e.owner = ${query.owner}`;
    return sql`certificates c left join certificate_evaluations e on e.fingerprint = c.fingerprint
      where exists (select 1 from sightings s where s.object_hash = c.fingerprint and s.object_type = 'certificate' and s.ended_at is null)${owner}`;
  }

  private findingsLength(): RawBuilder<number> {
    return this.dialect === 'sqlite'
      ? sql<number>`coalesce(json_array_length(e.findings), 0)`
      : sql<number>`coalesce(json_array_length(cast(e.findings as json)), 0)`;
  }

  /**
   * The counts and both timelines in one pass over the current certificates, grouped by the week they expire in
   * (-1 outside the timeline), their owner and their worst severity: each certificate's sighting and evaluation is
   * looked up once, not once per aggregate.
   */
  overview(query: StatisticsQuery): Promise<InventoryOverview> {
    return reading('counting the inventory', async () => {
      const at = query.at.getTime();
      const soon = at + query.expiringSoonMs;
      const end = at + query.weeks * WEEK_MS;
      // Integer division of a non-negative bigint: the week the certificate expires in.
      const week = sql<number>`case when c.not_after > ${at} and c.not_after <= ${end}
        then cast((c.not_after - ${at}) / ${WEEK_MS} as integer) else -1 end`;
      const has = (severity: Severity) => sql`e.findings like ${`%"severity":"${severity}"%`}`;
      const worst = sql<string>`case
        when ${has('critical')} then 'critical'
        when ${has('high')} or c.not_after <= ${soon} then 'high'
        when ${has('medium')} then 'medium'
        when ${has('low')} then 'low'
        when ${has('info')} then 'info'
        else 'none' end`;
      const rows = await this.readAside(
        sql<
          Record<'week' | 'owner' | 'severity' | keyof Omit<InventoryCounts, 'findings'> | 'stored', unknown>
        >`
        select ${week} as week, coalesce(e.owner, '') as owner, ${worst} as severity,
          count(*) as certificates,
          sum(case when c.not_after <= ${at} then 1 else 0 end) as expired,
          sum(case when c.not_after > ${at} and c.not_after <= ${at + 7 * 86_400_000} then 1 else 0 end) as "expiringIn7Days",
          sum(case when c.not_after > ${at} and c.not_after <= ${at + 30 * 86_400_000} then 1 else 0 end) as "expiringIn30Days",
          sum(case when e.owner is null then 1 else 0 end) as unowned,
          sum(${this.findingsLength()} + case when c.not_after <= ${soon} then 1 else 0 end) as stored
        from ${this.current(query)}
        group by 1, 2, 3 order by 1, 2, 3`.compile(this.db),
      );
      const served = await sql<{ count: unknown }>`
        select count(*) as count from served_findings f
        where exists (select 1 from sightings s inner join locations l on l.id = s.location_id
          where l.key = f.location_key and s.object_hash = f.fingerprint and s.object_type = 'certificate' and s.ended_at is null)
        ${query.owner === undefined ? sql`` : sql`and exists (select 1 from certificate_evaluations e where e.fingerprint = f.fingerprint and e.owner = ${query.owner})`}`.execute(
        this.db,
      );
      const n = (value: unknown): number => Number(value ?? 0);
      const counts: InventoryCounts = {
        certificates: 0,
        expired: 0,
        expiringIn7Days: 0,
        expiringIn30Days: 0,
        unowned: 0,
        findings: n(served.rows[0]?.count),
      };
      const byOwner = new Map<string, TimelineBucket>();
      const bySeverity = new Map<string, TimelineBucket & { key: Severity | 'none' }>();
      const add = <B extends TimelineBucket>(buckets: Map<string, B>, bucket: B) => {
        const id = `${bucket.week}\u0000${bucket.key}`;
        const known = buckets.get(id);
        if (known) known.count += bucket.count;
        else buckets.set(id, bucket);
      };
      for (const r of rows) {
        counts.certificates += n(r.certificates);
        counts.expired += n(r.expired);
        counts.expiringIn7Days += n(r.expiringIn7Days);
        counts.expiringIn30Days += n(r.expiringIn30Days);
        counts.unowned += n(r.unowned);
        counts.findings += n(r.stored);
        const w = n(r.week);
        if (w < 0) continue;
        add(byOwner, { week: w, key: String(r.owner ?? ''), count: n(r.certificates) });
        add(bySeverity, { week: w, key: String(r.severity) as Severity | 'none', count: n(r.certificates) });
      }
      return {
        counts,
        // Rows come ordered by week, then owner (the database's collation); severities are plain ASCII words.
        timelineByOwner: [...byOwner.values()],
        timelineBySeverity: [...bySeverity.values()].sort(
          (a, b) => a.week - b.week || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
        ),
      };
    });
  }

  fingerprintsWithFindings(
    codes: readonly string[],
    limit: number,
    options: { owner?: string; after?: string } = {},
  ): Promise<string[]> {
    return reading('reading waiver candidates', async () => {
      if (codes.length === 0) return [];
      const anyCode = sql.join(
        codes.map((code) => sql`e.findings like ${`%"code":${JSON.stringify(code)}%`}`),
        sql` or `,
      );
      const after = options.after === undefined ? sql`` : sql` and c.fingerprint > ${options.after}`;
      const { rows } = await sql<{ fingerprint: string }>`
        select c.fingerprint as fingerprint from ${this.current({ owner: options.owner })} and (${anyCode})${after}
        order by c.fingerprint limit ${limit}`.execute(this.db);
      return rows.map((r) => r.fingerprint);
    });
  }
}
