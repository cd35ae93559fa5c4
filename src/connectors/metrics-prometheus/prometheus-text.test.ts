import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPrometheusText } from './prometheus-text.js';

test('label values and help are escaped as the text format 0.0.4 requires; special values as Go prints them', async () => {
  const shared = { subject: 'CN=a "quoted" \\ name\nnext' };
  const text = await renderPrometheusText([
    {
      name: 'm',
      help: 'help with \\ and\nnewline',
      type: 'gauge',
      samples: [
        { labels: shared, value: 1 },
        { labels: {}, value: Number.NaN },
        { labels: { a: 'x', b: '' }, value: Number.POSITIVE_INFINITY },
        { labels: { a: 'y' }, value: Number.NEGATIVE_INFINITY },
      ],
    },
    { name: 'n_total', help: 'a counter', type: 'counter', samples: [{ labels: shared, value: 1.5 }] },
  ]);
  assert.equal(
    text,
    [
      '# HELP m help with \\\\ and\\nnewline',
      '# TYPE m gauge',
      'm{subject="CN=a \\"quoted\\" \\\\ name\\nnext"} 1',
      'm NaN',
      'm{a="x",b=""} +Inf',
      'm{a="y"} -Inf',
      '# HELP n_total a counter',
      '# TYPE n_total counter',
      'n_total{subject="CN=a \\"quoted\\" \\\\ name\\nnext"} 1.5',
      '',
    ].join('\n'),
  );
});
