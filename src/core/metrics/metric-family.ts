/**
 * A metric as Prometheus exposes it: one family (name, help, type) and its samples. Core builds these from the
 * inventory; a connector renders them in the text format, so the textfile writer and the server's `/metrics`
 * cannot print the same fact under two names.
 */
export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: MetricSample[];
}
