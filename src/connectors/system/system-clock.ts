import type { Clock } from '../../core/ports/clock.js';

/** The machine's clock: the only place outside tests where Custos reads the time. */
export const systemClock: Clock = { now: () => new Date() };
