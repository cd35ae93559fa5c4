import { hash } from 'node:crypto';

/**
 * H^n(x) for the PKCS#12 KDF, whose rounds hash a 20- to 32-byte digest thousands of times (2048 for
 * OpenSSL, 10000 for keytool, per password tried). A Node hash call costs ~5 us of overhead per round, so
 * for SHA-1, SHA-224 and SHA-256 — whose digests fit one block — the rounds are computed here on 32-bit
 * words without allocation (~10x faster, measured); SHA-384/512 fall back to Node. The differential test
 * checks every size against node:crypto.
 */
const K256 = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV256 = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const IV224 = Int32Array.from([
  0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4,
]);
const IV1 = Int32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** One SHA-256 compression of block `w` (16 words, expanded in place to 64) from `iv`, into `out`. */
function sha256Block(w: Int32Array, iv: Int32Array, out: Int32Array, words: number): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = iv[0]!;
  let b = iv[1]!;
  let c = iv[2]!;
  let d = iv[3]!;
  let e = iv[4]!;
  let f = iv[5]!;
  let g = iv[6]!;
  let h = iv[7]!;
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (iv[0]! + a) | 0;
  out[1] = (iv[1]! + b) | 0;
  out[2] = (iv[2]! + c) | 0;
  out[3] = (iv[3]! + d) | 0;
  out[4] = (iv[4]! + e) | 0;
  out[5] = (iv[5]! + f) | 0;
  out[6] = (iv[6]! + g) | 0;
  if (words === 8) out[7] = (iv[7]! + h) | 0;
}

/** One SHA-1 compression of block `w` (16 words, expanded in place to 80) from the standard IV, into `out`. */
function sha1Block(w: Int32Array, out: Int32Array): void {
  for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
  let a = IV1[0]!;
  let b = IV1[1]!;
  let c = IV1[2]!;
  let d = IV1[3]!;
  let e = IV1[4]!;
  for (let i = 0; i < 80; i++) {
    const f = i < 20 ? (b & c) | (~b & d) : i < 40 || i >= 60 ? b ^ c ^ d : (b & c) | (b & d) | (c & d);
    const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? -0x70e44324 : -0x359d3e2a;
    const t = (rotl(a, 5) + f + e + k + w[i]!) | 0;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = t;
  }
  out[0] = (IV1[0]! + a) | 0;
  out[1] = (IV1[1]! + b) | 0;
  out[2] = (IV1[2]! + c) | 0;
  out[3] = (IV1[3]! + d) | 0;
  out[4] = (IV1[4]! + e) | 0;
}

const JS_DIGESTS: Record<string, { words: number; iv?: Int32Array }> = {
  sha1: { words: 5 },
  sha224: { words: 7, iv: IV224 },
  sha256: { words: 8, iv: IV256 },
};

/** Applies the hash `times` more times to `digest` (which must be the algorithm's own output). */
export function iterateDigest(algorithm: string, digest: Uint8Array, times: number): Uint8Array {
  const js = JS_DIGESTS[algorithm];
  if (!js || digest.length !== js.words * 4) {
    let out = digest;
    for (let i = 0; i < times; i++) out = hash(algorithm, out, 'buffer');
    return out;
  }
  const state = new Int32Array(js.words);
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  for (let i = 0; i < js.words; i++) state[i] = view.getInt32(4 * i);
  const w = new Int32Array(80);
  for (let round = 0; round < times; round++) {
    w.fill(0);
    w.set(state);
    w[js.words] = -0x80000000; // padding: a 1 bit after the message ...
    w[15] = js.words * 32; // ... and the message length in bits
    if (js.iv) sha256Block(w, js.iv, state, js.words);
    else sha1Block(w, state);
  }
  const out = new Uint8Array(js.words * 4);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < js.words; i++) outView.setInt32(4 * i, state[i]!);
  return out;
}
