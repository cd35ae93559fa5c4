/**
 * The JwksSource of the composition root: a JWT provisioner's JWK Set fetched from its `jwksUri` (Node's fetch,
 * bounded by a timeout and a size, cached) or read from its `jwksFile` through the one reader of user-named files.
 * A cached set is used for `maxAgeMs`; a refresh (a token names a key the set lacks: the issuer rotated) goes to
 * the issuer at most once per `minRefreshMs`, so a stream of tokens with unknown keys cannot make Custos hammer it.
 * When the issuer cannot be reached a set fetched earlier is used rather than refusing every token.
 */
import { DomainError } from '../../core/errors.js';
import type { JwksLocation } from '../../core/ca/provisioners/provisioner.js';
import type { JsonWebKeySet, JwksSource } from '../../core/ports/jwks-source.js';

export interface JwksSourceOptions {
  /** Deadline of one fetch. */
  timeoutMs: number;
  /** How long a fetched set is used before it is fetched again (default 5 minutes). */
  maxAgeMs?: number;
  /** The least time between two fetches of one URL (default 30 seconds). */
  minRefreshMs?: number;
  /** Reads a `jwksFile` (the composition root passes readUserFile). */
  readFile(path: string, options: { maxBytes: number; what: string }): Promise<Uint8Array>;
  /** The time, for the cache. */
  now(): number;
}

/** A JWK Set is small: an issuer publishes a handful of public keys. */
const MAX_JWKS_BYTES = 1_048_576;

const unavailable = (where: string, reason: string, cause?: unknown): DomainError =>
  new DomainError('CUSTOS_JWKS_UNAVAILABLE', `The JWK Set at ${where} ${reason}.`, {
    cause,
    hint: "check the provisioner's jwksUri or jwksFile in custos.yaml (docs/provisioners.md)",
  });

/** Checks the shape (RFC 7517 §5: an object whose `keys` is an array of objects); jose checks each key. */
function jwkSet(text: string, where: string): JsonWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unavailable(where, 'is not JSON', error);
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k)))
    throw unavailable(where, 'is not a JWK Set (an object with a "keys" array)');
  return { keys: keys as Array<Record<string, unknown>> };
}

/** The origin and path of a URL, for messages (a query string may carry a secret). */
const shown = (uri: string): string => {
  try {
    const url = new URL(uri);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'an invalid URL';
  }
};

async function fetchJwks(uri: string, timeoutMs: number): Promise<JsonWebKeySet> {
  const where = shown(uri);
  let text: string;
  try {
    const response = await fetch(uri, {
      headers: { accept: 'application/json, application/jwk-set+json', 'user-agent': 'custos' },
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(where, `answered HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_JWKS_BYTES) {
      await response.body?.cancel();
      throw unavailable(where, `is larger than ${MAX_JWKS_BYTES} bytes`);
    }
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_JWKS_BYTES) throw unavailable(where, `is larger than ${MAX_JWKS_BYTES} bytes`);
    text = new TextDecoder().decode(body);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const timedOut =
      error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw unavailable(
      where,
      timedOut
        ? `gave no answer within ${timeoutMs} ms`
        : `could not be fetched (${(error as Error).message})`,
      error,
    );
  }
  return jwkSet(text, where);
}

export function createJwksSource(options: JwksSourceOptions): JwksSource {
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const minRefreshMs = options.minRefreshMs ?? 30_000;
  const cache = new Map<string, { set: JsonWebKeySet; fetchedAt: number }>();

  async function fromUri(uri: string, refresh: boolean): Promise<JsonWebKeySet> {
    const cached = cache.get(uri);
    const age = cached === undefined ? Infinity : options.now() - cached.fetchedAt;
    if (cached !== undefined && (refresh ? age < minRefreshMs : age < maxAgeMs)) return cached.set;
    try {
      const set = await fetchJwks(uri, options.timeoutMs);
      cache.set(uri, { set, fetchedAt: options.now() });
      return set;
    } catch (error) {
      if (cached !== undefined) return cached.set;
      throw error;
    }
  }

  async function fromFile(path: string): Promise<JsonWebKeySet> {
    const bytes = await options.readFile(path, { maxBytes: MAX_JWKS_BYTES, what: 'the jwksFile' });
    return jwkSet(new TextDecoder().decode(bytes), path);
  }

  return {
    keys: (location: JwksLocation, request = {}) =>
      'uri' in location ? fromUri(location.uri, request.refresh === true) : fromFile(location.file),
  };
}
