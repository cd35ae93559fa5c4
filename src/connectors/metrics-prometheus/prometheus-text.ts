import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricFamily } from '../../core/metrics/metric-family.js';

/**
 * Renders metric families in the Prometheus text exposition format (0.0.4) with prom-client, which escapes label
 * values and orders the output as Prometheus expects. A fresh registry per rendering: the families are a snapshot.
 */
export async function renderPrometheusText(families: MetricFamily[]): Promise<string> {
  const registry = new Registry();
  for (const family of families) {
    const labelNames = [...new Set(family.samples.flatMap((s) => Object.keys(s.labels)))].sort();
    const options = { name: family.name, help: family.help, labelNames, registers: [registry] };
    if (family.type === 'counter') {
      const counter = new Counter(options);
      for (const sample of family.samples) counter.inc(sample.labels, sample.value);
    } else {
      const gauge = new Gauge(options);
      for (const sample of family.samples) gauge.set(sample.labels, sample.value);
    }
  }
  return registry.metrics();
}
