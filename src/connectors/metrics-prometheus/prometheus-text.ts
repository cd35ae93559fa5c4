import type { MetricFamily } from '../../core/metrics/metric-family.js';

/**
 * Renders metric families in the Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then one line per
 * sample, label values escaped (backslash, double quote, line feed) and values as Go's strconv prints them (`NaN`,
 * `+Inf`, `-Inf`). Written directly rather than through prom-client's registry, which this replaced: at 100,000
 * certificates (300,000 series, 89 MB) prom-client, which hashes and re-sorts every label set, took 4.7 s of CPU
 * where writing the lines took 3.0 s in the same run, before shared label sets were rendered once. A label set shared by several families (a certificate at a location in x509_cert_not_after,
 * _not_before and _expired) is rendered once. `promtool check metrics` judges the output in the tests.
 */
export async function renderPrometheusText(families: MetricFamily[]): Promise<string> {
  const rendered = new WeakMap<Record<string, string>, string>();
  const labelsOf = (labels: Record<string, string>): string => {
    let text = rendered.get(labels);
    if (text === undefined) {
      text = '';
      for (const name in labels)
        text += `${text === '' ? '{' : ','}${name}="${escapeLabelValue(labels[name] as string)}"`;
      if (text !== '') text += '}';
      rendered.set(labels, text);
    }
    return text;
  };
  const parts: string[] = [];
  for (const family of families) {
    parts.push(`# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`);
    for (const sample of family.samples)
      parts.push(`${family.name}${labelsOf(sample.labels)} ${formatValue(sample.value)}\n`);
  }
  return parts.join('');
}

const LABEL_SPECIAL = /[\\"\n]/;
const LABEL_SPECIALS = /[\\"\n]/g;
const HELP_SPECIALS = /[\\\n]/g;
const escaped = (c: string): string => (c === '\n' ? '\\n' : `\\${c}`);

function escapeLabelValue(value: string): string {
  return LABEL_SPECIAL.test(value) ? value.replace(LABEL_SPECIALS, escaped) : value;
}

function escapeHelp(help: string): string {
  return help.replace(HELP_SPECIALS, escaped);
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
