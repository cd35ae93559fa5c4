import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/ports/clock.js';
import type { Random } from '../../core/ports/random.js';

/** The machine's clock: the only place outside tests where Custos reads the time. */
export const systemClock: Clock = { now: () => new Date() };

/** The operating system's CSPRNG. */
export const systemRandom: Random = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
  float: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
};
