import type { AuditRecord } from '../audit/audit-event.js';
import type { AuditReader } from '../ports/store.js';
import type { MetricFamily, MetricSample } from './metric-family.js';

/**
 * The lifecycle counters (issuance, revocation, renewals, deployments, verifications, notifications), derived from
 * the audit trail: every lifecycle step writes its audit event in the step's own transaction (a step whose event
 * cannot be written does not happen), so counting events counts steps. Counted from the trail, the totals survive
 * restarts (no counter reset when the server restarts) and are the same on every `custos serve` sharing one
 * PostgreSQL database; each scrape reads only the records appended since the last one.
 */

interface CounterDefinition {
  name: string;
  help: string;
  labels: readonly string[];
  /** Label sets exported at 0 before the first event, so `increase()` sees the first failure. */
  initial?: ReadonlyArray<Record<string, string>>;
}

const RESULTS = [{ result: 'success' }, { result: 'failure' }];

export const LIFECYCLE_COUNTERS = {
  issued: {
    name: 'custos_certificates_issued_total',
    help: 'Certificates issued by the built-in CA (certificate.issued), by CA.',
    labels: ['ca'],
  },
  refused: {
    name: 'custos_issuance_refused_total',
    help: 'Issuance requests the built-in CA refused before signing (issuance.refused), by error code.',
    labels: ['code'],
  },
  revoked: {
    name: 'custos_certificates_revoked_total',
    help: 'Certificates revoked by the built-in CA (certificate.revoked), by CA and RFC 5280 reason.',
    labels: ['ca', 'reason'],
  },
  renewals: {
    name: 'custos_renewals_total',
    help: 'Renewals of managed certificates (a revision after the first issued, or an attempt that failed), by result.',
    labels: ['result'],
    initial: RESULTS,
  },
  deployments: {
    name: 'custos_deployments_total',
    help: 'Deployments of a managed certificate revision to all its destinations, by result.',
    labels: ['result'],
    initial: RESULTS,
  },
  verifications: {
    name: 'custos_verifications_total',
    help: 'Verifications that every endpoint serves the current revision (failure: some endpoint serves another), by result.',
    labels: ['result'],
    initial: RESULTS,
  },
  notifications: {
    name: 'custos_notifications_total',
    help: 'Notification deliveries, by channel and result (sent or failed).',
    labels: ['channel', 'result'],
  },
} as const satisfies Record<string, CounterDefinition>;

type CounterKey = keyof typeof LIFECYCLE_COUNTERS;
type Step = (data: Record<string, unknown>) => [CounterKey, Record<string, string>] | null;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
/** A revision after the first is a renewal; the first is counted as an issuance. */
const renewal = (data: Record<string, unknown>): boolean =>
  typeof data.revision === 'number' && data.revision > 1;

/** The audit events that count, and what each adds 1 to. */
const STEPS: Readonly<Record<string, Step>> = {
  'certificate.issued': (d) => ['issued', { ca: text(d.ca) }],
  'issuance.refused': (d) => ['refused', { code: text(d.code) }],
  'certificate.revoked': (d) => ['revoked', { ca: text(d.ca), reason: text(d.reason) }],
  'managed.issued': (d) => (renewal(d) ? ['renewals', { result: 'success' }] : null),
  'managed.issue-failed': (d) => (renewal(d) ? ['renewals', { result: 'failure' }] : null),
  'managed.deployed': () => ['deployments', { result: 'success' }],
  'managed.deploy-failed': () => ['deployments', { result: 'failure' }],
  'managed.verified': () => ['verifications', { result: 'success' }],
  'managed.stale-deployment': () => ['verifications', { result: 'failure' }],
  'notice.sent': (d) => ['notifications', { channel: text(d.channel), result: 'sent' }],
  'notice.failed': (d) => ['notifications', { channel: text(d.channel), result: 'failed' }],
};

export const COUNTED_EVENT_TYPES: readonly string[] = Object.keys(STEPS);

export interface LifecycleCounters {
  /** Reads the audit records appended since the last call and counts them (one read at a time). */
  refresh(): Promise<void>;
  /** The counters as of the last refresh. */
  families(): MetricFamily[];
}

const labelKey = (labels: Record<string, string>): string => JSON.stringify(labels);

export function lifecycleCounters(audit: Pick<AuditReader, 'records'>): LifecycleCounters {
  let afterSeq = 0;
  let running: Promise<void> | null = null;
  const counts = new Map<CounterKey, Map<string, MetricSample>>();
  for (const [key, definition] of Object.entries(LIFECYCLE_COUNTERS) as Array<
    [CounterKey, CounterDefinition]
  >)
    counts.set(key, new Map((definition.initial ?? []).map((l) => [labelKey(l), { labels: l, value: 0 }])));

  const count = (record: AuditRecord): void => {
    const step = STEPS[record.type]?.(record.data);
    if (step === null || step === undefined) return;
    const [key, labels] = step;
    const samples = counts.get(key) as Map<string, MetricSample>;
    const id = labelKey(labels);
    const sample = samples.get(id);
    if (sample) sample.value += 1;
    else samples.set(id, { labels, value: 1 });
  };

  const read = async (): Promise<void> => {
    for await (const record of audit.records({ afterSeq, types: COUNTED_EVENT_TYPES })) {
      count(record);
      afterSeq = record.seq;
    }
  };

  return {
    refresh() {
      running ??= read().finally(() => (running = null));
      return running;
    },
    families() {
      return (Object.entries(LIFECYCLE_COUNTERS) as Array<[CounterKey, CounterDefinition]>).map(
        ([key, definition]) => ({
          name: definition.name,
          help: definition.help,
          type: 'counter',
          samples: [...(counts.get(key)?.values() ?? [])].map((s) => ({ labels: s.labels, value: s.value })),
        }),
      );
    },
  };
}
