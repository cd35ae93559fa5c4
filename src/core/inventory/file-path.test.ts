import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePath } from './file-path.js';

test('resolvePath makes a named path absolute against a directory, resolving . and ..', () => {
  assert.equal(resolvePath('/etc/nginx', 'ssl/web.key'), '/etc/nginx/ssl/web.key');
  assert.equal(resolvePath('/etc/nginx', './ssl/../../ssl//web.key'), '/etc/ssl/web.key');
  assert.equal(resolvePath('/etc/nginx', '/srv/tls/web.key'), '/srv/tls/web.key');
  assert.equal(resolvePath('/', '../../x'), '/x');
});
