import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The guard rails of `npm run lint` can fail: each forbidden use in a fixture is reported by the rule meant for it.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = join(root, 'test', 'guard-fixtures');

for (const layer of ['core', 'pki']) {
  test(`eslint reports every forbidden use in src/${layer}, and nothing else`, async () => {
    const path = join(fixtures, 'eslint', 'forbidden.ts');
    const text = readFileSync(path, 'utf8');
    const expected = text
      .split('\n')
      .flatMap((line, i) => [...line.matchAll(/\/\/ expect: ([\w-]+)/g)].map((m) => `${i + 1} ${m[1]}`));
    assert.ok(expected.length >= 35, 'the fixture holds every forbidden use');
    const eslint = new ESLint({ cwd: root });
    // Linted under a path of the layer, so the layer's rules apply; the file itself stays outside src.
    const [result] = await eslint.lintText(text, { filePath: join(root, 'src', layer, 'guard-fixture.ts') });
    const reported = (result?.messages ?? []).map((m) => `${m.line} ${m.ruleId}`);
    assert.deepEqual(
      expected.filter((e) => !reported.includes(e)),
      [],
      'forbidden uses the lint let through',
    );
    const marked = new Set(expected.map((e) => e.split(' ')[0]));
    assert.deepEqual(
      reported.filter((r) => !marked.has(r.split(' ')[0] as string)),
      [],
      'allowed lines the lint reported',
    );
  });
}

test('eslint leaves the same uses alone outside src/core and src/pki, but for process.env', async () => {
  const text = readFileSync(join(fixtures, 'eslint', 'forbidden.ts'), 'utf8');
  const [result] = await new ESLint({ cwd: root }).lintText(text, {
    filePath: join(root, 'src', 'connectors', 'guard-fixture.ts'),
  });
  const restricted = (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted'));
  // Only the config loader reads the environment (src/compose/config/environment.ts), in every layer.
  assert.ok(restricted.length > 0, 'process.env outside the config loader is reported');
  for (const m of restricted) {
    assert.equal(m.ruleId, 'no-restricted-properties');
    assert.match(m.message, /process\.env/);
  }
});

test('dependency-cruiser reports each broken rule of a fixture tree', () => {
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      'src',
      '--config',
      join(root, '.dependency-cruiser.mjs'),
      '--output-type',
      'json',
    ],
    { cwd: join(fixtures, 'depcruise'), encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const { summary } = JSON.parse(run.stdout) as {
    summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
  };
  const found = summary.violations.map(
    (v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, '')}`,
  );
  assert.deepEqual(found.sort(), [
    'layer-cli: src/cli/main.ts -> src/web/page.ts',
    'layer-compose: src/compose/root.ts -> src/server/app.ts',
    'layer-core: src/core/rules.ts -> src/store/db.ts',
    'layer-pki: src/pki/reaches-up.ts -> src/core/rules.ts',
    'layer-store: src/store/db.ts -> src/connectors/connector.ts',
    'no-circular: src/pki/a.ts -> src/pki/b.ts',
    'not-a-layer-alone: src/lonely/alone.ts -> src/lonely/alone.ts',
    'not-a-layer: src/misc/stray.ts -> src/core/rules.ts',
    'ports-import-no-logic: src/core/ports/logic-port.ts -> src/core/rules.ts',
    'pure-no-io: src/core/io.ts -> dns',
    'pure-no-io: src/core/io.ts -> fs',
    'pure-no-io: src/core/io.ts -> kysely/dist/cjs/index.js',
  ]);
});
