import { parseIpAddress, parseIpv4, parseIpv6 } from '../../pki/ip-address.js';
import { durationProblem, MAX_DURATION_MS, MAX_TIMER_MS, parseDuration } from '../duration.js';

/**
 * The string formats the TypeBox schemas of Custos use (`format: 'duration'`), each with what it means for the
 * message of a value that does not match and, when one message does not fit every case, its own problem. Pure, and
 * the one table of formats: the declarative kinds (core), the configuration file (compose) and the API's routes
 * (server) compile their schemas with these, so a value means the same to all three.
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

/** A duration of the flag form (`500ms`, `1h30m`) above zero and at most `maxMs`. */
function isFlagDuration(text: string, maxMs: number): boolean {
  try {
    return parseDuration(text, 'duration', { maxMs }) > 0;
  } catch {
    return false;
  }
}

function isSmtpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return false;
  }
  return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
}

/** `HOST:PORT` or `[IPv6]:PORT` split, the port checked against `minPort`..65535; null when the text is not one. */
function hostAndPort(text: string, minPort: number): { host: string; bracketed: boolean } | null {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return null;
  const port = Number(match[3]);
  if (port < minPort || port > 65_535) return null;
  return match[1] !== undefined
    ? { host: match[1], bracketed: true }
    : { host: match[2] ?? '', bracketed: false };
}

/** `10.0.0.53`, `10.0.0.53:5353`, `fd00::53` or `[fd00::53]:53`, the forms node's resolver accepts. */
function isDnsServer(text: string): boolean {
  if (!text.startsWith('[') && parseIpAddress(text) !== null) return true;
  const split = hostAndPort(text, 1);
  if (split === null) return false;
  return split.bracketed ? parseIpv6(split.host) !== null : parseIpv4(split.host) !== null;
}

/** `127.0.0.1:8700`, `localhost:0`, `[::1]:8700`: a host name or address and a port (0: any free port). */
function isListenAddress(text: string): boolean {
  const split = hostAndPort(text, 0);
  if (split === null) return false;
  if (split.bracketed) return parseIpv6(split.host) !== null;
  return (
    parseIpv4(split.host) !== null || /^(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})*$/i.test(split.host)
  );
}

/** An absolute http(s) URL without query or fragment: a base that paths are appended to. */
function isBaseUrl(text: string): boolean {
  if (!isHttpUrl(text)) return false;
  const url = new URL(text);
  return url.search === '' && url.hash === '';
}

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
  // The configuration's formats (custos.yaml, CUSTOS_* and flags: src/compose/config/schema.ts).
  duration: {
    expected: 'a duration above zero, e.g. 12h, 7d',
    check: (text) => isFlagDuration(text, MAX_DURATION_MS),
  },
  timeout: {
    expected: 'a duration above zero and at most 24 days (a timer holds no more), e.g. 500ms, 5s, 1m30s',
    check: (text) => isFlagDuration(text, MAX_TIMER_MS),
  },
  ttl: {
    expected: 'a duration above zero, e.g. 15m, 24h, 90d',
    check: (text) => isFlagDuration(text, MAX_DURATION_MS),
  },
  'smtp-url': {
    expected: 'smtp://host:port or smtps://user:password@host:port (user and password percent-encoded)',
    check: isSmtpUrl,
  },
  'mail-sender': {
    expected: 'a sender address, e.g. custos@corp.example or "Custos <custos@corp.example>"',
    check: (text) => /^[^@\s<>]+@[^@\s<>]+$/.test(text.replace(/^[^<]*<([^>]*)>$/, '$1')),
  },
  'postgres-url': {
    expected: 'postgres://user@host:5432/database (or postgresql://)',
    check: (text) => /^postgres(ql)?:\/\/./i.test(text) && URL.canParse(text),
  },
  'base-url': {
    expected: 'an http:// or https:// URL without query or fragment, e.g. https://custos.corp.example',
    check: isBaseUrl,
  },
  'provisioner-name': {
    expected:
      'a name of lower-case letters, digits, ".", "_" and "-" (at most 63; "cli" is the local operator)',
    check: (text) => /^[a-z0-9][a-z0-9._-]{0,62}$/.test(text) && text !== 'cli',
  },
  'dns-server': { expected: 'an IP address with an optional port, e.g. 10.0.0.53:5353', check: isDnsServer },
  'listen-address': {
    expected: 'HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8700, 0.0.0.0:443 or [::1]:8700',
    check: isListenAddress,
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
