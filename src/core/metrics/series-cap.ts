import type { MetricFamily } from './metric-family.js';

export const SERIES_DROPPED = 'custos_metrics_series_dropped_total';

export interface CappedFamilies {
  families: MetricFamily[];
  /** Series left out, by family name (only families that lost some). */
  dropped: Map<string, number>;
}

/**
 * Bounds the label cardinality of one exposition: a family keeps its first `maxSeries` samples and drops the rest
 * (the inventory families are ordered by notAfter, so what is dropped is what expires last). Prometheus and the
 * server's memory stay bounded whatever the estate's size; what was dropped is counted in
 * `custos_metrics_series_dropped_total`.
 */
export function capSeries(families: readonly MetricFamily[], maxSeries: number): CappedFamilies {
  const dropped = new Map<string, number>();
  const capped = families.map((family) => {
    if (family.samples.length <= maxSeries) return family;
    dropped.set(family.name, family.samples.length - maxSeries);
    return { ...family, samples: family.samples.slice(0, maxSeries) };
  });
  return { families: capped, dropped };
}

/** Accumulates what capping dropped across scrapes, by family: the counter `custos_metrics_series_dropped_total`. */
export function droppedSeriesCounter(): {
  add(dropped: ReadonlyMap<string, number>): void;
  family(): MetricFamily;
} {
  const totals = new Map<string, number>();
  return {
    add(dropped) {
      for (const [name, count] of dropped) totals.set(name, (totals.get(name) ?? 0) + count);
    },
    family: () => ({
      name: SERIES_DROPPED,
      help: 'Series left out of /metrics because their family exceeded metrics.maxSeries, by family (counted at every computation of the inventory families).',
      type: 'counter',
      samples: [...totals].map(([family, value]) => ({ labels: { family }, value })),
    }),
  };
}
