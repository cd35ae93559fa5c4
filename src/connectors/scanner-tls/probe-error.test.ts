import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure } from './probe-error.js';

const errno = (code: string): Error => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

test('no route to the network or host is unreachable, not refused', () => {
  for (const code of ['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']) {
    const failure = classifyFailure(errno(code), 'connecting', null);
    assert.equal(failure.code, 'unreachable', code);
    assert.match(failure.message, new RegExp(code));
  }
  assert.equal(classifyFailure(errno('ECONNREFUSED'), 'connecting', null).code, 'refused');
});
