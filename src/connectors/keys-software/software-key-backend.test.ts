import assert from 'node:assert/strict';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { KEY_TYPES } from '../../core/ports/key-manager.js';
import { softwareKeyBackend } from './software-key-backend.js';

const backend = (kek: Buffer) => softwareKeyBackend({ loadKek: () => Promise.resolve(kek) });

describe('the software key backend', () => {
  const kek = randomBytes(32);

  for (const type of KEY_TYPES) {
    it(`generates a sealed ${type} key that signs what its public key verifies`, async () => {
      const generated = await backend(kek).generate(type, { backend: 'software' }, 'default');
      assert.equal(generated.reference.backend, 'software');
      const sealed = (generated.reference as { sealed: string }).sealed;
      assert.match(sealed, /^custos-kek:v1:ZGVmYXVsdA:[A-Za-z0-9+/]+=*$/);
      // A fresh backend (another process) opens it with the same key-encryption key.
      const signer = await backend(kek).signer({ backend: 'software', sealed });
      assert.deepEqual(signer.publicKeySpki, generated.publicKeySpki);
      const data = Buffer.from('to be signed');
      const signature = await signer.sign(data);
      const publicKey = createPublicKey({
        key: Buffer.from(generated.publicKeySpki),
        format: 'der',
        type: 'spki',
      });
      const digest = type === 'ed25519' ? null : type === 'ec-p384' ? 'sha384' : 'sha256';
      assert.ok(verify(digest, data, publicKey, signature));
    });
  }

  it('refuses another key-encryption key, a moved label and a truncated text with CUSTOS_KEY_INVALID', async () => {
    const { reference } = await backend(kek).generate('ec-p256', { backend: 'software' }, 'alpha');
    const sealed = (reference as { sealed: string }).sealed;
    const invalid = (error: unknown) => {
      assert.equal((error as { code?: string }).code, 'CUSTOS_KEY_INVALID');
      assert.ok(!(error as Error).message.includes(sealed.slice(-20)), 'the message carries no key material');
      return true;
    };
    await assert.rejects(backend(randomBytes(32)).signer({ backend: 'software', sealed }), invalid);
    const moved = sealed.replace(':YWxwaGE:', `:${Buffer.from('beta').toString('base64url')}:`);
    await assert.rejects(backend(kek).signer({ backend: 'software', sealed: moved }), invalid);
    await assert.rejects(backend(kek).signer({ backend: 'software', sealed: sealed.slice(0, 30) }), invalid);
    await assert.rejects(backend(kek).signer({ backend: 'software', sealed: 'plain' }), invalid);
  });

  it('loads the key-encryption key once, and again after a failure', async () => {
    let loads = 0;
    const flaky = softwareKeyBackend({
      loadKek: () => (++loads === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve(kek)),
    });
    await assert.rejects(flaky.generate('ed25519', { backend: 'software' }, 'a'), /not yet/);
    await flaky.generate('ed25519', { backend: 'software' }, 'a');
    await flaky.generate('ed25519', { backend: 'software' }, 'b');
    assert.equal(loads, 2);
  });
});
