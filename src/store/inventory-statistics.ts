import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Severity } from '../core/findings/finding.js';
import type {
  InventoryCounts,
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

  counts(query: StatisticsQuery): Promise<InventoryCounts> {
    return reading('counting the inventory', async () => {
      const at = query.at.getTime();
      const soon = at + query.expiringSoonMs;
      const { rows } = await sql<Record<keyof Omit<InventoryCounts, 'findings'> | 'stored', unknown>>`
        select count(*) as certificates,
          sum(case when c.not_after <= ${at} then 1 else 0 end) as expired,
          sum(case when c.not_after > ${at} and c.not_after <= ${at + 7 * 86_400_000} then 1 else 0 end) as "expiringIn7Days",
          sum(case when c.not_after > ${at} and c.not_after <= ${at + 30 * 86_400_000} then 1 else 0 end) as "expiringIn30Days",
          sum(case when e.owner is null then 1 else 0 end) as unowned,
          sum(${this.findingsLength()} + case when c.not_after <= ${soon} then 1 else 0 end) as stored
        from ${this.current(query)}`.execute(this.db);
      const served = await sql<{ count: unknown }>`
        select count(*) as count from served_findings f
        where exists (select 1 from sightings s inner join locations l on l.id = s.location_id
          where l.key = f.location_key and s.object_hash = f.fingerprint and s.object_type = 'certificate' and s.ended_at is null)
        ${query.owner === undefined ? sql`` : sql`and exists (select 1 from certificate_evaluations e where e.fingerprint = f.fingerprint and e.owner = ${query.owner})`}`.execute(
        this.db,
      );
      const row = rows[0];
      const n = (value: unknown): number => Number(value ?? 0);
      return {
        certificates: n(row?.certificates),
        expired: n(row?.expired),
        expiringIn7Days: n(row?.expiringIn7Days),
        expiringIn30Days: n(row?.expiringIn30Days),
        unowned: n(row?.unowned),
        findings: n(row?.stored) + n(served.rows[0]?.count),
      };
    });
  }

  private async timeline(query: StatisticsQuery, key: RawBuilder<string>): Promise<TimelineBucket[]> {
    const at = query.at.getTime();
    const end = at + query.weeks * WEEK_MS;
    // Integer division of a non-negative bigint: the week the certificate expires in.
    const week = sql<number>`cast((c.not_after - ${at}) / ${WEEK_MS} as integer)`;
    const { rows } = await sql<{ week: unknown; key: string | null; count: unknown }>`
      select ${week} as week, ${key} as key, count(*) as count
      from ${this.current(query)} and c.not_after > ${at} and c.not_after <= ${end}
      group by 1, 2 order by 1, 2`.execute(this.db);
    return rows.map((r) => ({ week: Number(r.week), key: r.key ?? '', count: Number(r.count) }));
  }

  timelineByOwner(query: StatisticsQuery): Promise<TimelineBucket[]> {
    return reading('computing the expiry timeline', () =>
      this.timeline(query, sql<string>`coalesce(e.owner, '')`),
    );
  }

  timelineBySeverity(query: StatisticsQuery): Promise<Array<TimelineBucket & { key: Severity | 'none' }>> {
    const soon = query.at.getTime() + query.expiringSoonMs;
    const has = (severity: Severity) => sql`e.findings like ${`%"severity":"${severity}"%`}`;
    const worst = sql<string>`case
      when ${has('critical')} then 'critical'
      when ${has('high')} or c.not_after <= ${soon} then 'high'
      when ${has('medium')} then 'medium'
      when ${has('low')} then 'low'
      when ${has('info')} then 'info'
      else 'none' end`;
    return reading(
      'computing the expiry timeline',
      async () => (await this.timeline(query, worst)) as Array<TimelineBucket & { key: Severity | 'none' }>,
    );
  }

  fingerprintsWithFindings(codes: readonly string[], limit: number, owner?: string): Promise<string[]> {
    return reading('reading waiver candidates', async () => {
      if (codes.length === 0) return [];
      const anyCode = sql.join(
        codes.map((code) => sql`e.findings like ${`%"code":${JSON.stringify(code)}%`}`),
        sql` or `,
      );
      const { rows } = await sql<{ fingerprint: string }>`
        select c.fingerprint as fingerprint from ${this.current({ owner })} and (${anyCode})
        order by c.fingerprint limit ${limit}`.execute(this.db);
      return rows.map((r) => r.fingerprint);
    });
  }
}
