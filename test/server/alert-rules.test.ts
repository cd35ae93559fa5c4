/**
 * The shipped alert rules (deploy/prometheus/custos-alerts.yaml) as Prometheus judges them: `promtool check rules`
 * accepts the file, and `promtool test rules` runs its unit tests (custos-alerts.test.yaml): each alert fires on the
 * series /metrics exports, at the time it should, with the labels and annotations an on-call engineer reads.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { CUSTOS_BIN } from '../support/cli.js';

const RULES = join(dirname(dirname(CUSTOS_BIN)), 'deploy', 'prometheus');

const promtool = (...args: string[]): Promise<{ code: number; output: string }> =>
  new Promise((resolve) =>
    execFile('promtool', args, { cwd: RULES }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );

const skip = (await promtool('--version')).code === 0 ? false : 'promtool is not installed';

test('promtool check rules accepts custos-alerts.yaml', { skip }, async () => {
  const checked = await promtool('check', 'rules', 'custos-alerts.yaml');
  assert.equal(checked.code, 0, checked.output);
  assert.match(checked.output, /SUCCESS: \d+ rules found/);
});

test('promtool test rules: every alert fires when and as its unit tests say', { skip }, async () => {
  const tested = await promtool('test', 'rules', 'custos-alerts.test.yaml');
  assert.equal(tested.code, 0, tested.output);
  assert.match(tested.output, /SUCCESS/);
});
