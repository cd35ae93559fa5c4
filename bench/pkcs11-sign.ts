/**
 * bench/pkcs11-sign: how fast a CA key held in a PKCS#11 token signs, next to the same key type in software.
 *
 *   npm run bench -- pkcs11      (node dist/bench/pkcs11-sign.js [--count 2000])
 *
 * A fresh SoftHSM2 token in a temporary directory; for P-256, P-384, RSA-2048 and Ed25519: signatures per second
 * through the PKCS#11 backend's Signer (one after the other, and 8 in flight: one session per slot runs them in
 * turn off the main thread), beside node:crypto's sign with a software key of the same type (nodeSigner). Each the
 * best of three passes. Skipped, with the reason, when softhsm2-util is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeSigner } from '../src/connectors/crypto/node-signer.js';
import { pkcs11KeyBackend } from '../src/connectors/keys-pkcs11/pkcs11-key-backend.js';
import type { KeyType } from '../src/core/ports/key-manager.js';
import type { Signer } from '../src/pki/x509/generate/signer.js';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' } } });
const COUNT = Number(values.count);

if (spawnSync('softhsm2-util', ['--version']).status !== 0 || !existsSync(MODULE)) {
  console.log(`pkcs11-sign: skipped, softhsm2-util or ${MODULE} is absent (apt-get install softhsm2)`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'custos-bench-pkcs11-'));
mkdirSync(join(dir, 'tokens'));
writeFileSync(
  join(dir, 'softhsm2.conf'),
  `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
);
process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
const init = execFileSync(
  'softhsm2-util',
  ['--init-token', '--free', '--label', 'custos-bench', '--pin', '1234', '--so-pin', '5678'],
  { encoding: 'utf8' },
);
const slot = Number(/reassigned to slot (\d+)/.exec(init)![1]);
const backend = pkcs11KeyBackend({ pin: '1234' });

/** Signatures per second over `count` TBS-sized inputs, `inFlight` at a time; the best of three passes. */
async function rate(signer: Signer, count: number, inFlight: number): Promise<number> {
  const data = Buffer.alloc(600, 0x5a);
  let best = 0;
  for (let pass = 0; pass < 3; pass++) {
    const start = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < count) {
          next += 1;
          await signer.sign(data);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, count / seconds);
  }
  return best;
}

const software: Record<string, () => Signer> = {
  'ec-p256': () => nodeSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
  'ec-p384': () => nodeSigner(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey),
  'rsa-2048': () => nodeSigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
  ed25519: () => nodeSigner(generateKeyPairSync('ed25519').privateKey),
};

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(8);
console.log(`pkcs11-sign: ${COUNT} signatures per pass, SoftHSM2 slot ${slot}, signatures per second`);
console.log('key type    token (1 at a time)  token (8 in flight)  software (node:crypto)');
try {
  for (const type of ['ec-p256', 'ec-p384', 'rsa-2048', 'ed25519'] as KeyType[]) {
    const { reference } = await backend.generate(
      type,
      { backend: 'pkcs11', module: MODULE, slot },
      `bench ${type}`,
    );
    if (reference.backend !== 'pkcs11') throw new Error('not a token key');
    const token = await backend.signer(reference);
    const count = type.startsWith('rsa') ? Math.ceil(COUNT / 4) : COUNT;
    const one = await rate(token, count, 1);
    const eight = await rate(token, count, 8);
    const soft = await rate(software[type]!(), count, 1);
    console.log(`${type.padEnd(10)}  ${fmt(one)}/s          ${fmt(eight)}/s          ${fmt(soft)}/s`);
  }
} finally {
  backend.close();
  rmSync(dir, { recursive: true, force: true });
}
