import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../src/core/error-codes.js';

// Every code the catalogue holds is documented in docs/errors.md, and the docs name no code that does not exist.
test('docs/errors.md and the error catalogue list the same codes', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\|\s*`(CUSTOS_[A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]));
  const catalogued = new Set(Object.keys(ERROR_CODES));
  assert.deepEqual(
    [...catalogued].filter((c) => !documented.has(c)),
    [],
    'codes in src/core/error-codes.ts missing from docs/errors.md',
  );
  assert.deepEqual(
    [...documented].filter((c) => !catalogued.has(c as string)),
    [],
    'codes in docs/errors.md that are not in src/core/error-codes.ts',
  );
});
