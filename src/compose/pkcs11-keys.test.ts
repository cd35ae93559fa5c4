import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { DomainError } from '../core/errors.js';
import { pkcs11KeyBackendFromEnvironment } from './pkcs11-keys.js';

const require = createRequire(import.meta.url);

it('loads the PKCS#11 binding only when a token key is first asked for', async () => {
  const binding = require.resolve('pkcs11js');
  const backend = pkcs11KeyBackendFromEnvironment({ CUSTOS_PKCS11_PIN: '1234' });
  assert.equal(backend.backend, 'pkcs11');
  assert.ok(!(binding in require.cache), 'building the backend loads no native addon');
  const missing = '/nonexistent/libcustos-no-such-pkcs11.so';
  await assert.rejects(
    backend.generate('ec-p256', { backend: 'pkcs11', module: missing, slot: 0 }, 'x'),
    (error: DomainError) =>
      error.code === 'CUSTOS_KEY_UNAVAILABLE' &&
      error.message.includes(missing) &&
      !error.message.includes('1234'),
  );
  assert.ok(binding in require.cache, 'the first use loaded it');
  backend.close();
});
