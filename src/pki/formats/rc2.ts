/**
 * RC2 decryption in CBC mode (RFC 2268), for the certificates of legacy PKCS#12 files
 * (pbeWithSHAAnd40BitRC2-CBC is what `openssl pkcs12 -export -legacy` and older Java and Windows write).
 * Node's OpenSSL 3 keeps RC2 in the legacy provider, which Node does not load, so it is written here.
 * Decryption only; tested against the RFC 2268 vectors and against files made by OpenSSL.
 */
const PITABLE = Uint8Array.from(
  Buffer.from(
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2' +
      '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82' +
      '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
      '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7' +
      '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec' +
      'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
      '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9' +
      '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
    'hex',
  ),
);

/** Expands a key to the 64 16-bit subkeys K[0..63] for the given effective key length in bits. */
function expandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = PITABLE[(l[i - 1]! + l[i - t]!) & 0xff]!;
  const t8 = (effectiveBits + 7) >> 3;
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[l[i + 1]! ^ l[i + t8]!]!;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  return k;
}

const SHIFTS = [1, 2, 3, 5];

/** Decrypts one 8-byte block in place (RFC 2268 section 4). */
function decryptBlock(k: Uint16Array, block: Uint8Array, at: number): void {
  const r = [0, 1, 2, 3].map((i) => block[at + 2 * i]! | (block[at + 2 * i + 1]! << 8));
  let j = 63;
  const mix = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i]!;
      const v = r[i]! & 0xffff;
      r[i] = ((v >>> s) | (v << (16 - s))) & 0xffff;
      r[i] =
        (r[i]! - k[j--]! - (r[(i + 3) % 4]! & r[(i + 2) % 4]!) - (~r[(i + 3) % 4]! & r[(i + 1) % 4]!)) &
        0xffff;
    }
  };
  const mash = (): void => {
    for (let i = 3; i >= 0; i--) r[i] = (r[i]! - k[r[(i + 3) % 4]! & 63]!) & 0xffff;
  };
  for (let round = 0; round < 16; round++) {
    mix();
    if (round === 4 || round === 10) mash();
  }
  for (let i = 0; i < 4; i++) {
    block[at + 2 * i] = r[i]! & 0xff;
    block[at + 2 * i + 1] = r[i]! >> 8;
  }
}

/** Decrypts raw 8-byte blocks without chaining or padding (the RFC's test vectors are single ECB blocks). */
export function rc2DecryptBlocks(key: Uint8Array, effectiveBits: number, data: Uint8Array): Uint8Array {
  const k = expandKey(key, effectiveBits);
  const out = new Uint8Array(data);
  for (let at = 0; at + 8 <= out.length; at += 8) decryptBlock(k, out, at);
  return out;
}

/** RC2-CBC decryption with PKCS#7 padding removed; throws when the padding is wrong (a wrong key). */
export function rc2CbcDecrypt(
  key: Uint8Array,
  effectiveBits: number,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8) throw new Error('RC2: bad data length');
  const k = expandKey(key, effectiveBits);
  const out = new Uint8Array(data);
  for (let at = 0; at < out.length; at += 8) {
    decryptBlock(k, out, at);
    for (let i = 0; i < 8; i++) out[at + i]! ^= at === 0 ? iv[i]! : data[at - 8 + i]!;
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8 || out.subarray(out.length - pad).some((b) => b !== pad))
    throw new Error('RC2: bad decrypt');
  return out.subarray(0, out.length - pad);
}
