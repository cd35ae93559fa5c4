import { parseIpAddress } from '../../pki/ip-address.js';
import { durationProblem } from '../duration.js';

/**
 * The string formats the TypeBox schemas of Custos use (`format: 'duration'`), each with what it means for the
 * message of a value that does not match and, when one message does not fit every case, its own problem. Pure: the
 * declarative kinds (core) and the configuration (compose) check them alike.
 */
export interface StringFormat {
  /** What a valid value looks like: "a duration such as 2s, 5m, 4h or 7d". */
  expected: string;
  /** The problem of a value, or null when it is fine; without it a mismatch reads `expected …, got "value"`. */
  problem?: (text: string) => string | null;
  check?: (text: string) => boolean;
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

const isHttpUrl = (text: string): boolean =>
  URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol) && new URL(text).hostname !== '';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const STRING_FORMATS: Record<string, StringFormat> = {
  email: { expected: 'an email address', check: (text) => /^[^@\s]+@[^@\s]+$/.test(text) },
  'http-url': { expected: 'an http(s) URL', check: isHttpUrl },
  /** An http(s) URL that may carry a private key: https://, or http:// to a loopback address only. */
  'key-safe-url': {
    expected: 'an http(s) URL',
    problem: (text) => {
      if (!isHttpUrl(text)) return `expected an http(s) URL, got ${JSON.stringify(text)}`;
      const url = new URL(text);
      return url.protocol === 'http:' && !isLoopback(url.hostname)
        ? 'the revision carries its private key: use https:// (http:// only to a loopback address)'
        : null;
    },
  },
  'declared-duration': { expected: 'a duration such as 2s, 5m, 4h or 7d', problem: durationProblem },
  'date-time': {
    expected: 'an RFC 3339 time with a zone, e.g. 2027-03-31T00:00:00Z',
    problem: (text) => {
      if (!RFC3339.test(text))
        return `expected an RFC 3339 time with a zone, e.g. 2027-03-31T00:00:00Z, got ${JSON.stringify(text)}`;
      return Number.isNaN(Date.parse(text)) ? `"${text}" is not a real time` : null;
    },
  },
  'ip-address': {
    expected: 'an IPv4 or IPv6 address',
    problem: (text) => (parseIpAddress(text) === null ? `"${text}" is not an IP address` : null),
  },
  uri: {
    expected: 'a URI such as spiffe://corp.example/ns/web/sa/api',
    problem: (text) => (URL.canParse(text) ? null : `"${text}" is not a URI`),
  },
};

/** The problem of a string against a format (null when it matches). */
export function formatProblem(name: string, text: string): string | null {
  const format = STRING_FORMATS[name];
  if (format === undefined) return `unknown format ${name}`;
  if (format.problem !== undefined) return format.problem(text);
  return format.check?.(text) === false ? `expected ${format.expected}, got ${JSON.stringify(text)}` : null;
}
