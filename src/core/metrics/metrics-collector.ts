import type { Sleep } from '../notify/deliver-notices.js';
import { estateFamilies, type EstateMetricsDeps } from './estate-metrics.js';
import { lifecycleCounters } from './lifecycle-counters.js';
import type { MetricFamily } from './metric-family.js';
import { capSeries, droppedSeriesCounter } from './series-cap.js';

export interface MetricsCollectorOptions {
  /** The series one family may export (`metrics.maxSeries`). */
  maxSeries: number;
  /** How long the estate families are reused while the audit trail has not moved (they hold time-judged values). */
  maxAgeMs?: number;
  /** How long they are reused even though the audit trail moved (a busy server computes them at most this often). */
  minAgeMs?: number;
  /**
   * How long a scrape waits for the estate families being computed again before it serves the previous ones (the
   * first scrape always waits). Small estates are computed well within it, so they are always current.
   */
  waitMs?: number;
  /** Renders families in the Prometheus text format (the connector behind `rt.renderMetrics`). */
  render(families: MetricFamily[]): Promise<string>;
  /** Sleeps (the wait budget), ended early by the signal; from the composition root, as core keeps no timers. */
  sleep: Sleep;
}

export interface MetricsCollector {
  /**
   * The whole exposition: the estate families (reused while nothing changed) and the counters (always current).
   * With an owner, that owner's estate families only (estate-metrics.ts); the lifecycle counters, counted from the
   * whole audit trail, and the dropped-series counter are left out.
   */
  scrape(owner?: string | null): Promise<string>;
  /** Starts computing the estate families, so the first scrape finds them ready (at server start). */
  warm(): Promise<void>;
}

/**
 * Default of `maxAgeMs`: `x509_cert_expired` and the expiry findings are judged at most five minutes late (alerts on
 * `x509_cert_not_after - time()` are exact whatever the age).
 */
export const ESTATE_MAX_AGE_MS = 5 * 60_000;
/** Default of `minAgeMs`. */
export const ESTATE_MIN_AGE_MS = 15_000;
/** Default of `waitMs`: half of Prometheus' default scrape timeout (10 s). */
export const ESTATE_WAIT_MS = 5_000;

interface Snapshot {
  /** The audit head's seq when it was computed: every change to the inventory or managed state moves it. */
  seq: number;
  /** The moment the families were judged at. */
  at: number;
  /** When the computation finished (reuse is counted from here). */
  readyAt: number;
  text: string;
}

/**
 * What `/metrics` and `custos metrics` expose. The estate families cost a listing of the whole inventory, so they
 * are computed once and reused, rendered, while the audit head has not moved (every change to the inventory, the
 * objects or a managed certificate writes an audit event) and for at most `maxAgeMs`, and in any case for
 * `minAgeMs`. When they are out of date a scrape starts one computation (concurrent scrapes share it) and waits
 * for it at most `waitMs`, then serves the previous families, so the next scrape sees the new ones. (The wait
 * bounds the time spent in the database on PostgreSQL; SQLite's reads and the judging run on the event loop, and
 * hold it for their duration.) `custos_metrics_estate_timestamp_seconds` says when they were judged. The lifecycle
 * counters read only the audit records appended since the previous scrape.
 */
export function metricsCollector(
  deps: EstateMetricsDeps,
  options: MetricsCollectorOptions,
): MetricsCollector {
  const maxAgeMs = options.maxAgeMs ?? ESTATE_MAX_AGE_MS;
  const minAgeMs = options.minAgeMs ?? ESTATE_MIN_AGE_MS;
  const waitMs = options.waitMs ?? ESTATE_WAIT_MS;
  const counters = lifecycleCounters(deps.store.audit);
  const dropped = droppedSeriesCounter();
  /** Every owner's estate under '', each owner's own under its name, as the scrapes asked for them. */
  const states = new Map<string, { snapshot: Snapshot | null; computing: Promise<Snapshot> | null }>();

  const compute = async (owner: string | null, seq: number): Promise<Snapshot> => {
    const at = deps.clock.now().getTime();
    const capped = capSeries(await estateFamilies(deps, { owner }), options.maxSeries);
    // The dropped-series counter is exported with every owner's exposition only, so it counts what that one dropped.
    if (owner === null) dropped.add(capped.dropped);
    const text = await options.render(capped.families);
    return { seq, at, readyAt: deps.clock.now().getTime(), text };
  };

  const current = async (owner: string | null): Promise<Snapshot> => {
    const key = owner ?? '';
    const state = states.get(key) ?? { snapshot: null, computing: null };
    states.set(key, state);
    const refresh = (seq: number): Promise<Snapshot> => {
      state.computing ??= compute(owner, seq)
        .then((snapshot) => (state.snapshot = snapshot))
        .finally(() => (state.computing = null));
      return state.computing;
    };
    const seq = (await deps.store.audit.head())?.seq ?? 0;
    const previous = state.snapshot;
    if (previous === null) return refresh(seq);
    const age = deps.clock.now().getTime() - previous.readyAt;
    if (age < minAgeMs || (previous.seq === seq && age < maxAgeMs)) return previous;
    // A computation that fails fails the scrapes waiting for it (the server logs the cause); the next one retries.
    const waited = new AbortController();
    try {
      return await Promise.race([refresh(seq), options.sleep(waitMs, waited.signal).then(() => previous)]);
    } finally {
      waited.abort();
    }
  };

  const judgedAt = (estate: Snapshot): MetricFamily => ({
    name: 'custos_metrics_estate_timestamp_seconds',
    help: 'When the certificate, TLS endpoint, finding and managed certificate families were judged (Unix seconds).',
    type: 'gauge',
    samples: [{ labels: {}, value: Math.floor(estate.at / 1000) }],
  });

  return {
    async scrape(owner = null) {
      if (owner !== null) {
        const estate = await current(owner);
        return estate.text + (await options.render([judgedAt(estate)]));
      }
      const [estate] = await Promise.all([current(null), counters.refresh()]);
      const counted = capSeries(counters.families(), options.maxSeries);
      dropped.add(counted.dropped);
      const live: MetricFamily[] = [...counted.families, dropped.family(), judgedAt(estate)];
      return estate.text + (await options.render(live));
    },
    async warm() {
      await current(null);
    },
  };
}
