/**
 * The one marker shown in place of a secret — a password in a configured URL (`config show`), a webhook secret or
 * token URL (`get owners`), a secret query parameter in a request log line — so that a reader (and a grep) knows one
 * form. Applied back in a manifest, it means "keep the stored secret" (core/declarative/webhook-secrets.ts).
 */
export const REDACTED = '(redacted)';

/**
 * A query string (`?a=1&token=(redacted)`, or '' when there are no parameters) with the value of every parameter
 * `isSecret` names replaced by the marker, written as is so it reads the same everywhere; other values encoded.
 */
export function redactedQuery(params: URLSearchParams, isSecret: (name: string) => boolean): string {
  const parts = [...params.entries()].map(
    ([name, value]) => `${encodeURIComponent(name)}=${isSecret(name) ? REDACTED : encodeURIComponent(value)}`,
  );
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
