import { CONFIG_KEYS, type Config } from './schema.js';

/** What is shown in place of a password. */
const REDACTED = '(redacted)';

/** A URL with its password (in the user part or a `password=` query parameter) replaced. */
export function redactUrl(text: string): string {
  if (!URL.canParse(text)) return text;
  const url = new URL(text);
  let changed = false;
  if (url.password !== '') {
    url.password = REDACTED;
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (/pass/i.test(name)) {
      url.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  // Left as written when nothing is secret, so the shown value is the one given.
  return changed ? url.toString() : text;
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
