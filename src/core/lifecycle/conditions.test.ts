import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withConditions } from './conditions.js';

test('a condition keeps its lastTransitionTime while its status stays, and moves when it changes', () => {
  const t1 = new Date('2026-01-01T00:00:00Z');
  const t2 = new Date('2026-01-01T01:00:00Z');
  const t3 = new Date('2026-01-01T02:00:00Z');
  const first = withConditions(
    [],
    [{ type: 'Ready', status: 'False', reason: 'Deploying', message: 'a' }],
    t1,
  );
  const same = withConditions(
    first,
    [{ type: 'Ready', status: 'False', reason: 'Verifying', message: 'b' }],
    t2,
  );
  assert.deepEqual(same, [
    { type: 'Ready', status: 'False', reason: 'Verifying', message: 'b', lastTransitionTime: t1 },
  ]);
  const flipped = withConditions(
    same,
    [
      { type: 'Issuing', status: 'False', reason: 'Issued', message: '' },
      { type: 'Ready', status: 'True', reason: 'Ready', message: 'c' },
    ],
    t3,
  );
  assert.deepEqual(
    flipped.map((c) => [c.type, c.lastTransitionTime]),
    [
      ['Ready', t3],
      ['Issuing', t3],
    ],
  );
});
