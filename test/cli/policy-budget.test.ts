/**
 * CEL policies have an evaluation budget: five nested `.all` over a 100-element list ran `apply` for minutes; now
 * `apply` refuses the expression with its line (exit 2) and nothing is stored, so `findings` stays fast.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { aCustos } from '../support/cli.js';

const HUNDRED = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;

test('apply refuses a policy whose cost bound is too high, naming its line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'custos-policy-budget-'));
  const custos = await aCustos();
  try {
    const file = join(dir, 'loops.yaml');
    const loops = ['a', 'b', 'c', 'd', 'e'].reduce((inner, v) => `${HUNDRED}.all(${v}, ${inner})`, 'true');
    await writeFile(
      file,
      [
        'apiVersion: custos/v1',
        'kind: Policy',
        'metadata: {name: loops}',
        'spec:',
        '  type: compliance',
        '  code: loops',
        '  severity: low',
        '  validations:',
        '    - expression: |',
        '        true &&',
        `        ${loops}`,
        '      message: never',
        '',
      ].join('\n'),
    );
    const applied = await custos.run('apply', '-f', file);
    assert.equal(applied.code, 2, applied.stderr);
    assert.match(applied.stderr, /^custos: CUSTOS_MANIFEST_INVALID: /);
    assert.match(
      applied.stdout + applied.stderr,
      /loops\.yaml:11: .*evaluation steps, above the 1,000,000 allowed/,
    );
    const listed = await custos.run('get', 'policies', '-o', 'json');
    assert.doesNotMatch(listed.stdout, /"loops"/);
  } finally {
    await custos.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
