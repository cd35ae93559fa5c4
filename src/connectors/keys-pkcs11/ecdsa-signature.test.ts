import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { it } from 'node:test';
import { ecdsaSigValue } from './ecdsa-signature.js';

it('writes r and s as minimal positive INTEGERs: leading zeros dropped, 0x00 before a high bit', () => {
  const r = Buffer.alloc(32, 0x11);
  r[0] = 0;
  r[1] = 0;
  r[2] = 0x80; // after the zeros, a high bit: one 0x00 stays
  const s = Buffer.alloc(32, 0x22);
  const der = Buffer.from(ecdsaSigValue(Buffer.concat([r, s])));
  const expected = Buffer.concat([
    Buffer.from([0x30, 2 + 31 + 2 + 32, 0x02, 31, 0x00]),
    r.subarray(2),
    Buffer.from([0x02, 32]),
    s,
  ]);
  assert.deepEqual(der, expected);
});

it('agrees with node:crypto: r || s signatures converted verify as DER (P-256, P-384, P-521)', () => {
  for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaSigValue(raw);
      assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der), `${namedCurve} #${i}`);
    }
  }
});

it('refuses an odd or empty r || s', () => {
  assert.throws(() => ecdsaSigValue(new Uint8Array(63)));
  assert.throws(() => ecdsaSigValue(new Uint8Array(0)));
});
