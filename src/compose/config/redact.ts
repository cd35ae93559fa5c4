import { REDACTED, redactedQuery } from '../../core/redaction.js';
import { CONFIG_KEYS, type Config } from './schema.js';

/** A URL with its password (in the user part or a `password=` query parameter) replaced. */
export function redactUrl(text: string): string {
  if (!URL.canParse(text)) return text;
  const url = new URL(text);
  const secret = (name: string): boolean => /pass/i.test(name);
  const changed = url.password !== '' || [...url.searchParams.keys()].some(secret);
  // Left as written when nothing is secret, so the shown value is the one given.
  if (!changed) return text;
  if (url.password !== '') url.password = REDACTED;
  const query = redactedQuery(url.searchParams, secret);
  const hash = url.hash;
  url.search = '';
  url.hash = '';
  return `${url.toString()}${query}${hash}`;
}

/**
 * The configuration as it may be shown or logged: the secret keys of the schema (`x-secret`) without their secret —
 * a URL's password, or the whole value of a secret that is not a URL (a key).
 */
export function redactedConfig(config: Config): Config {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const key of CONFIG_KEYS.filter((k) => k.secret)) {
    const parent = key.path
      .slice(0, -1)
      .reduce<Record<string, unknown> | undefined>(
        (node, part) => node?.[part] as Record<string, unknown> | undefined,
        copy,
      );
    const leaf = key.path.at(-1) as string;
    const value = parent?.[leaf];
    if (parent !== undefined && typeof value === 'string')
      parent[leaf] = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value) : REDACTED;
  }
  return copy as Config;
}
