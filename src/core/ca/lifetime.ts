import { parseDuration } from '../duration.js';

const YEAR_MS = 365 * 86_400_000;

/**
 * A certificate lifetime as flags take it: the one duration syntax (`24h`, `90d`), plus whole years (`10y` is 3650
 * days) for CA certificates. CUSTOS_INVALID_ARGUMENT for anything else, naming `what`.
 */
export function parseLifetime(text: string, what: string): number {
  const years = /^\s*([1-9][0-9]?)y\s*$/.exec(text);
  if (years) return Number(years[1]) * YEAR_MS;
  return parseDuration(text, what);
}
