/**
 * The fuzzer's seeded mutator: every input is a pure function of (run seed, target, index), so any input a
 * run reports can be made again alone (`npm run fuzz -- --replay TARGET:INDEX`). Mutations: bit flips, byte
 * overwrites, insertions and deletions, DER length-field tweaks, truncation, chunk duplication, and splices of
 * two seeds; one to four of them stacked.
 */

/** mulberry32: a small seeded generator, floats in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the text, mixed with the numbers: the seed of one input. */
export function inputSeed(runSeed: number, target: string, index: number): number {
  let h = 0x811c9dc5 ^ runSeed;
  for (const c of `${target}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

type Rng = () => number;
const below = (rnd: Rng, n: number): number => Math.floor(rnd() * n);

type Mutation = (input: Uint8Array, rnd: Rng, seeds: readonly Uint8Array[]) => Uint8Array;

const concat = (...parts: ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export const MUTATIONS: Record<string, Mutation> = {
  'flip a bit': (input, rnd) => {
    const out = input.slice();
    if (out.length > 0) out[below(rnd, out.length)]! ^= 1 << below(rnd, 8);
    return out;
  },
  'overwrite bytes': (input, rnd) => {
    const out = input.slice();
    for (let n = 1 + below(rnd, 4); n > 0 && out.length > 0; n--)
      out[below(rnd, out.length)] = below(rnd, 256);
    return out;
  },
  'insert bytes': (input, rnd) => {
    const at = below(rnd, input.length + 1);
    const extra = Array.from({ length: 1 + below(rnd, 16) }, () => below(rnd, 256));
    return concat(input.subarray(0, at), extra, input.subarray(at));
  },
  'delete bytes': (input, rnd) => {
    const at = below(rnd, input.length + 1);
    return concat(input.subarray(0, at), input.subarray(at + 1 + below(rnd, 16)));
  },
  'tweak a length field': (input, rnd) => {
    // Right after a constructed tag (0x30 SEQUENCE, 0x31 SET, 0xa0-0xa3 context) comes a length, in DER.
    const out = input.slice();
    const tags: number[] = [];
    for (let i = 0; i < out.length - 1; i++)
      if (out[i] === 0x30 || out[i] === 0x31 || (out[i]! & 0xe0) === 0xa0) tags.push(i);
    const at = tags.length > 0 ? tags[below(rnd, tags.length)]! + 1 : below(rnd, Math.max(1, out.length));
    if (at >= out.length) return out;
    const choices = [
      0x00,
      0x7f,
      0x80,
      0x81,
      0x82,
      0x84,
      0x85,
      0x89,
      0xff,
      out[at]! + 1,
      out[at]! - 1,
      out[at]! * 2,
    ];
    out[at] = choices[below(rnd, choices.length)]! & 0xff;
    return out;
  },
  truncate: (input, rnd) => input.slice(0, below(rnd, input.length + 1)),
  'duplicate a chunk': (input, rnd) => {
    const from = below(rnd, input.length + 1);
    const chunk = input.subarray(from, from + 1 + below(rnd, 64));
    const at = below(rnd, input.length + 1);
    return concat(input.subarray(0, at), chunk, input.subarray(at));
  },
  'splice with another seed': (input, rnd, seeds) => {
    const other = seeds[below(rnd, seeds.length)]!;
    return concat(
      input.subarray(0, below(rnd, input.length + 1)),
      other.subarray(below(rnd, other.length + 1)),
    );
  },
};

const NAMES = Object.keys(MUTATIONS);

/** Input `index` of a run: a seed with one to four mutations, or (one in 64) a seed as it is. */
export function mutate(seeds: readonly Uint8Array[], rnd: Rng): Uint8Array {
  let input = seeds[below(rnd, seeds.length)]!;
  if (below(rnd, 64) === 0) return input;
  for (let n = 1 + below(rnd, 4); n > 0; n--)
    input = MUTATIONS[NAMES[below(rnd, NAMES.length)]!]!(input, rnd, seeds);
  return input;
}
