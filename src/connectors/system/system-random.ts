import type { Random } from '../../core/ports/random.js';
import { randomInt } from 'node:crypto';

const RANGE = 2 ** 48 - 1;

/** The machine's randomness: the only place outside tests where Custos draws jitter. */
export const systemRandom: Random = { float: () => randomInt(RANGE) / RANGE };
