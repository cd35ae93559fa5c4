/**
 * Globs of ownership rules, identities and exceptions. One syntax for names and paths, differing only in the
 * separator a single `*` does not cross:
 * - names (DNS names, CN, hosts): `*` matches any characters except '.', so `api*.corp.example` matches
 *   `api-2.corp.example` but not `api.eu.corp.example`; `**` matches any characters, dots included
 *   (`**.corp.example` covers every name below corp.example). Names compare case-insensitively (DNS is).
 * - paths: `*` matches any characters except '/', `**` matches any characters including '/'
 *   (`/etc/ssl/payments/**` covers every file below that directory). Paths compare case-sensitively.
 * Every other character is literal (a `*` in a wildcard certificate's SAN is matched by a `*` of the glob).
 */
export type GlobKind = 'name' | 'path';

export type Glob = (value: string) => boolean;

const escape = (text: string): string => text.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');

export function compileGlob(pattern: string, kind: GlobKind): Glob {
  const separator = kind === 'name' ? '.' : '/';
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map(escape)
        .join(`[^${escape(separator)}]*`),
    )
    .join('.*');
  const regex = new RegExp(`^${source}$`, kind === 'name' ? 'i' : '');
  return (value) => regex.test(value);
}

/** Any of the globs matches any of the values. */
export function anyMatches(globs: readonly Glob[], values: readonly string[]): boolean {
  return globs.some((glob) => values.some((value) => glob(value)));
}
