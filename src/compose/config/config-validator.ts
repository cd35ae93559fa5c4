import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { MAX_DURATION_MS, MAX_TIMER_MS, parseDuration } from '../../core/duration.js';
import { CONFIG_SCHEMA } from './schema.js';

/** One thing wrong with one layer of the configuration, as a field path and a message (no location yet). */
export interface SchemaProblem {
  /** The path of the key the problem is about, e.g. ['scan', 'concurrency'] ([] for the whole layer). */
  path: string[];
  message: string;
}

/** A timer's delay: above zero and within what a Node timer holds (longer ones fire after 1 ms). */
function isTimeout(text: string): boolean {
  try {
    return parseDuration(text, 'timeout', { maxMs: MAX_TIMER_MS }) > 0;
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

/** `10.0.0.53`, `10.0.0.53:5353`, `fd00::53` or `[fd00::53]:53`, the forms node's resolver accepts. */
function isDnsServer(text: string): boolean {
  if (isIP(text) !== 0) return true;
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  if (match === null) return false;
  const port = Number(match[3]);
  const address = match[1] ?? match[2] ?? '';
  return port >= 1 && port <= 65_535 && isIP(address) === (match[1] === undefined ? 4 : 6);
}

/** A duration the one syntax reads (`7d`, `12h`), above zero. */
function isDuration(text: string): boolean {
  try {
    return parseDuration(text, 'duration') > 0;
  } catch {
    return false;
  }
}

/** A lifetime: above zero, at most 100 years. */
function isTtl(text: string): boolean {
  try {
    return parseDuration(text, 'ttl', { maxMs: MAX_DURATION_MS }) > 0;
  } catch {
    return false;
  }
}

/** An absolute http(s) URL without query or fragment: a base that paths are appended to. */
function isBaseUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.search === '' &&
    url.hash === ''
  );
}

/** `127.0.0.1:8700`, `localhost:0`, `[::1]:8700`: a host name or address and a port (0: any free port). */
function isListenAddress(text: string): boolean {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null || Number(match[3]) > 65_535) return false;
  if (match[1] !== undefined) return isIP(match[1]) === 6;
  const host = match[2] ?? '';
  return isIP(host) === 4 || /^(?!-)[a-z0-9-]{1,63}(?:\.(?!-)[a-z0-9-]{1,63})*$/i.test(host);
}

const isHttpUrl = (text: string): boolean =>
  URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol) && new URL(text).hostname !== '';

/** What each format means, for the message of a value that does not match it. */
const FORMATS: Record<string, { check: (text: string) => boolean; expected: string }> = {
  timeout: {
    check: isTimeout,
    expected: 'a duration above zero and at most 24 days (a timer holds no more), e.g. 500ms, 5s, 1m30s',
  },
  'smtp-url': {
    check: isSmtpUrl,
    expected: 'smtp://host:port or smtps://user:password@host:port (user and password percent-encoded)',
  },
  'mail-sender': {
    check: (text) => /^[^@\s<>]+@[^@\s<>]+$/.test(text.replace(/^[^<]*<([^>]*)>$/, '$1')),
    expected: 'a sender address, e.g. custos@corp.example or "Custos <custos@corp.example>"',
  },
  'postgres-url': {
    check: (text) => /^postgres(ql)?:\/\/./i.test(text) && URL.canParse(text),
    expected: 'postgres://user@host:5432/database (or postgresql://)',
  },
  duration: { check: isDuration, expected: 'a duration above zero, e.g. 12h, 7d' },
  'base-url': {
    check: isBaseUrl,
    expected: 'an http:// or https:// URL without query or fragment, e.g. https://custos.corp.example',
  },
  ttl: { check: isTtl, expected: 'a duration above zero, e.g. 15m, 24h, 90d' },
  'http-url': { check: isHttpUrl, expected: 'an https:// (or http://) URL' },
  'provisioner-name': {
    check: (text) => /^[a-z0-9][a-z0-9._-]{0,62}$/.test(text) && text !== 'cli',
    expected:
      'a name of lower-case letters, digits, ".", "_" and "-" (at most 63; "cli" is the local operator)',
  },
  'dns-server': { check: isDnsServer, expected: 'an IP address with an optional port, e.g. 10.0.0.53:5353' },
  'listen-address': {
    check: isListenAddress,
    expected: 'HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8700, 0.0.0.0:443 or [::1]:8700',
  },
};

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'x-env', schemaType: 'string' });
for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format.check);

/** The schema with every key optional: what one layer (the file, the environment, the flags) may hold. */
function optionalKeys(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(optionalKeys);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required') continue;
    out[key] = key === 'default' ? value : optionalKeys(value);
  }
  return out;
}

const validateLayer: ValidateFunction = ajv.compile(optionalKeys(CONFIG_SCHEMA) as object);
const validateEffective: ValidateFunction = ajv.compile(CONFIG_SCHEMA);

const pointer = (instancePath: string): string[] =>
  instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function problemOf(error: ErrorObject, valueOf: (path: string[]) => unknown): SchemaProblem {
  const path = pointer(error.instancePath);
  const got = (): string => ` (got ${describe(valueOf(path))})`;
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(schema?.properties ?? {}).join(', ');
      return {
        path: [...path, String(params.additionalProperty)],
        message: `unknown key (${path.length === 0 ? 'the keys are' : 'expected'} ${known})`,
      };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required here' };
    case 'type':
      return {
        path,
        message: `must be ${params.type === 'integer' ? 'a whole number' : `a ${String(params.type)}`}${got()}`,
      };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}${got()}` };
    case 'format':
      return {
        path,
        message: `must be ${FORMATS[String(params.format)]?.expected ?? params.format}${got()}`,
      };
    default:
      return { path, message: `${error.message ?? 'is not valid'}${got()}` };
  }
}

function problemsOf(validate: ValidateFunction, value: unknown): SchemaProblem[] {
  if (validate(value)) return [];
  const valueOf = (path: string[]): unknown =>
    path.reduce<unknown>(
      (v, p) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined),
      value,
    );
  return (validate.errors ?? []).map((e) => problemOf(e, valueOf));
}

/** Checks one layer (any key may be absent): unknown keys, wrong types and bad values, every one. */
export const layerProblems = (layer: unknown): SchemaProblem[] => problemsOf(validateLayer, layer);

/** Checks the merged configuration, defaults applied: what is missing only once the layers are put together. */
export const effectiveProblems = (config: unknown): SchemaProblem[] => problemsOf(validateEffective, config);
