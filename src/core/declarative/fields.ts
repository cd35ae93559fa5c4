import { durationProblem } from '../duration.js';
import { listOf, mapOf, string, type Schema } from './schema.js';

/** Object names: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (as Kubernetes). */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

export const name = (description?: string): Schema<string> =>
  string({
    pattern: NAME_PATTERN,
    expected: "a name of lower-case letters, digits, '-' and '.' (at most 63)",
    ...(description ? { description } : {}),
  });

export const email = (): Schema<string> =>
  string({ pattern: /^[^@\s]+@[^@\s]+$/, expected: 'an email address', format: 'email' });

export const httpUrl = (): Schema<string> =>
  string({
    expected: 'an http(s) URL',
    format: 'uri',
    check: (value) => {
      if (!URL.canParse(value)) return `expected an http(s) URL, got ${JSON.stringify(value)}`;
      const { protocol } = new URL(value);
      return protocol === 'https:' || protocol === 'http:'
        ? null
        : `expected an http(s) URL, got ${JSON.stringify(value)}`;
    },
  });

export const duration = (description?: string): Schema<string> =>
  string({
    expected: 'a duration such as 2s, 5m, 4h or 7d',
    check: durationProblem,
    ...(description ? { description } : {}),
  });

/** An RFC 3339 time with a zone, e.g. 2027-03-31T00:00:00Z. */
export const timestamp = (description?: string): Schema<string> =>
  string({
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
    expected: 'an RFC 3339 time with a zone, e.g. 2027-03-31T00:00:00Z',
    format: 'date-time',
    check: (value) => (Number.isNaN(Date.parse(value)) ? `"${value}" is not a real time` : null),
    ...(description ? { description } : {}),
  });

/** Free labels: keys and values are strings. */
export const labels = (description: string): Schema<Record<string, string>> =>
  mapOf(string({ expected: 'a non-empty string label value' }), description);

/** A list of globs (see src/core/ownership/glob.ts). */
export const globs = (description: string): Schema<string[]> =>
  listOf(string(), { minItems: 1, description });
