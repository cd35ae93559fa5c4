import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counted } from './plural.js';

test('counted puts the noun in the number of the count', () => {
  assert.equal(counted(1, 'error'), '1 error');
  assert.equal(counted(0, 'error'), '0 errors');
  assert.equal(counted(2, 'escalation'), '2 escalations');
  assert.equal(counted(3, 'problem'), '3 problems');
});
