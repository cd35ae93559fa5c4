import type { Severity } from '../findings/finding.js';

/** What the dashboard's summary counts, over the certificates installed now (optionally one owner's). */
export interface StatisticsQuery {
  at: Date;
  /** Only certificates whose stored evaluation names this owner. */
  owner?: string;
  /** The `expiring-soon` window, in ms. */
  expiringSoonMs: number;
  /** The timeline's buckets: this many weeks from `at`. */
  weeks: number;
}

export interface InventoryCounts {
  certificates: number;
  expired: number;
  expiringIn7Days: number;
  expiringIn30Days: number;
  unowned: number;
  /** Stored policy findings, the expiry findings (expired, expiring-soon) and served findings of open TLS locations. */
  findings: number;
}

/** Certificates expiring in one week of the timeline, by owner ('' for none) or by their worst severity. */
export interface TimelineBucket {
  /** 0 for the week starting at `at`. */
  week: number;
  key: string;
  count: number;
}

/** The headline counts and the expiry timeline by owner and by severity, ordered by week then key. */
export interface InventoryOverview {
  counts: InventoryCounts;
  timelineByOwner: TimelineBucket[];
  /** The worst severity of a certificate: of its stored findings, and `high` when it expires within the window. */
  timelineBySeverity: Array<TimelineBucket & { key: Severity | 'none' }>;
}

/** Aggregates over the inventory, computed by the database (GROUP BY), never by reading every certificate. */
export interface InventoryStatistics {
  /** Counts and timelines in one pass over the current certificates. */
  overview(query: StatisticsQuery): Promise<InventoryOverview>;
  /**
   * Current certificates with a stored finding of one of these codes (the candidates of a waiver), at most `limit`,
   * in fingerprint order after `after` (the last of the previous batch).
   */
  fingerprintsWithFindings(
    codes: readonly string[],
    limit: number,
    options?: { owner?: string; after?: string },
  ): Promise<string[]>;
}
