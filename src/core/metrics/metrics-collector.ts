import { estateFamilies, type EstateMetricsDeps } from './estate-metrics.js';
import { lifecycleCounters } from './lifecycle-counters.js';
import type { MetricFamily } from './metric-family.js';
import { capSeries, droppedSeriesCounter } from './series-cap.js';

export interface MetricsCollectorOptions {
  /** The series one family may export (`metrics.maxSeries`). */
  maxSeries: number;
  /** How long the estate families are reused while the audit trail has not moved (they hold time-judged values). */
  maxAgeMs?: number;
  /** Renders families in the Prometheus text format (the connector behind `rt.renderMetrics`). */
  render(families: MetricFamily[]): Promise<string>;
}

export interface MetricsCollector {
  /** The whole exposition: the estate families (reused while nothing changed) and the counters (always current). */
  scrape(): Promise<string>;
}

/** Default of `maxAgeMs`: expiry and `expiring-soon` are judged at most a minute late. */
export const ESTATE_MAX_AGE_MS = 60_000;

interface Snapshot {
  /** The audit head's seq when it was computed: every change to the inventory or managed state moves it. */
  seq: number;
  at: number;
  text: string;
}

/**
 * What `/metrics` and `custos metrics` expose. The estate families cost a listing of the whole inventory; they are
 * computed once and reused, rendered, while the audit head has not moved (every change to the inventory, the
 * objects or a managed certificate writes an audit event) and for at most `maxAgeMs`; concurrent scrapes share one
 * computation. The lifecycle counters read only the audit records appended since the previous scrape.
 */
export function metricsCollector(
  deps: EstateMetricsDeps,
  options: MetricsCollectorOptions,
): MetricsCollector {
  const maxAgeMs = options.maxAgeMs ?? ESTATE_MAX_AGE_MS;
  const counters = lifecycleCounters(deps.store.audit);
  const dropped = droppedSeriesCounter();
  let snapshot: Snapshot | null = null;
  let computing: Promise<Snapshot> | null = null;

  const compute = async (seq: number): Promise<Snapshot> => {
    const at = deps.clock.now().getTime();
    const capped = capSeries(await estateFamilies(deps), options.maxSeries);
    dropped.add(capped.dropped);
    const text = await options.render(capped.families);
    return { seq, at, text };
  };

  const current = async (): Promise<Snapshot> => {
    const seq = (await deps.store.audit.head())?.seq ?? 0;
    const now = deps.clock.now().getTime();
    if (snapshot !== null && snapshot.seq === seq && now - snapshot.at < maxAgeMs) return snapshot;
    computing ??= compute(seq).finally(() => (computing = null));
    snapshot = await computing;
    return snapshot;
  };

  return {
    async scrape() {
      const [estate] = await Promise.all([current(), counters.refresh()]);
      const counted = capSeries(counters.families(), options.maxSeries);
      dropped.add(counted.dropped);
      const live: MetricFamily[] = [...counted.families, dropped.family()];
      return estate.text + (await options.render(live));
    },
  };
}
