import type { JwksLocation } from '../ca/provisioners/provisioner.js';

/** A JSON Web Key Set (RFC 7517 §5) as its issuer publishes it: checked and used by the JWT verifier. */
export interface JsonWebKeySet {
  keys: ReadonlyArray<Record<string, unknown>>;
}

/**
 * The signing keys of a JWT provisioner's issuer (built by the composition root): a `uri` fetched with a timeout
 * and cached, a `file` read through the one reader of user-named files. `refresh` asks past the cache, once the
 * issuer may have rotated its keys (a token names a key the cached set lacks); a source may still answer from its
 * cache when asked again too soon. Failures are DomainErrors with the reason (never the token).
 */
export interface JwksSource {
  keys(location: JwksLocation, options?: { refresh?: boolean }): Promise<JsonWebKeySet>;
}
