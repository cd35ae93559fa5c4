import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DER_ENCODING_LINT, INVENTORY_SKIPPED, LINTS } from '../../pki/lint/run-lints.js';
import { ERROR_CODES } from '../error-codes.js';
import { LINT_FINDING_SEVERITY } from './lint-findings.js';

const codeOf = (name: string): string => `CUSTOS_LINT_${name.toUpperCase().replace(/-/g, '_')}`;

test('every lint has its error code CUSTOS_LINT_<NAME>, and every lint code is a lint (or the generic CUSTOS_LINT_FAILED)', () => {
  const names = [...LINTS.map((l) => l.name), DER_ENCODING_LINT.name];
  assert.deepEqual(
    names.map(codeOf).filter((code) => !(code in ERROR_CODES)),
    [],
  );
  // CUSTOS_LINT_FAILED: a lint the CA is given that has no code of its own (issue-certificate.ts lintErrorCode).
  const lintCodes = Object.keys(ERROR_CODES).filter(
    (code) => code.startsWith('CUSTOS_LINT_') && code !== 'CUSTOS_LINT_FAILED',
  );
  assert.deepEqual(
    lintCodes.filter((code) => !names.map(codeOf).includes(code)),
    [],
  );
});

test('lint names are unique kebab-case, each cites a source; skipped lints exist', () => {
  const names = LINTS.map((l) => l.name);
  assert.equal(new Set(names).size, names.length);
  for (const lint of LINTS) {
    assert.match(lint.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.match(lint.source, /RFC \d+|BR §/);
    assert.ok(LINT_FINDING_SEVERITY[lint.severity]);
  }
  for (const name of INVENTORY_SKIPPED) assert.ok(names.includes(name));
});
