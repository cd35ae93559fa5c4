import type { ExceptionObject, IdentityObject } from '../declarative/objects.js';
import type { Finding } from '../findings/finding.js';
import type { Location } from '../inventory/location.js';
import { compileGlob } from '../ownership/glob.js';

const DAY_MS = 86_400_000;

/** An exception is announced (and listed as expiring) this long before it expires. */
export const EXCEPTION_EXPIRY_NOTICE_MS = 14 * DAY_MS;

export type ExceptionState = 'active' | 'expiring' | 'expired';

export const expiresAt = (exception: ExceptionObject): Date => new Date(exception.spec.expires);

/** Active until `expires` (exclusive); expiring when active and expiring within 14 days; then expired. */
export function exceptionState(exception: ExceptionObject, now: Date): ExceptionState {
  const left = expiresAt(exception).getTime() - now.getTime();
  if (left <= 0) return 'expired';
  return left <= EXCEPTION_EXPIRY_NOTICE_MS ? 'expiring' : 'active';
}

/** The exceptions still waiving that expire within `withinMs` (default 14 days): the ones to announce. */
export function exceptionsExpiringWithin(
  exceptions: readonly ExceptionObject[],
  now: Date,
  withinMs = EXCEPTION_EXPIRY_NOTICE_MS,
): ExceptionObject[] {
  return exceptions.filter((e) => {
    const left = expiresAt(e).getTime() - now.getTime();
    return left > 0 && left <= withinMs;
  });
}

const normaliseFingerprint = (text: string): string => text.replaceAll(':', '').toLowerCase();

/** The certificate an exception's scope is judged against. */
export interface WaiverSubject {
  fingerprintSha256: string;
  identity: IdentityObject | null;
  /** Where the certificate is now (its open sightings' locations). */
  locations?: readonly Location[];
}

/**
 * `paths` (path globs over file locations) and `endpoints` (`host:port` with a name glob and a port or `*`) waive a
 * certificate only when every place it is found matches one of them: a waiver for a distribution's trust store
 * does not hide the same certificate served by a web server elsewhere.
 */
function locationsInScope(
  paths: readonly string[] | undefined,
  endpoints: readonly string[] | undefined,
  locations: readonly Location[],
): boolean {
  const pathGlobs = (paths ?? []).map((g) => compileGlob(g, 'path'));
  const endpointMatchers = (endpoints ?? []).map(endpointMatcher);
  return (
    locations.length > 0 &&
    locations.every((l) =>
      l.kind === 'file'
        ? pathGlobs.some((glob) => glob(l.path))
        : l.kind === 'tls' && endpointMatchers.some((m) => m(l.host, l.port, l.address)),
    )
  );
}

/** `host:port`, `[v6]:port`, `*.corp.example:*`: the host part is a name glob, the port a number or `*`. */
function endpointMatcher(pattern: string): (host: string, port: number, address: string | null) => boolean {
  const cut = pattern.lastIndexOf(':');
  const hostPattern = pattern.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  const portPattern = pattern.slice(cut + 1);
  const host = compileGlob(hostPattern, 'name');
  return (h, p, address) =>
    (portPattern === '*' || Number(portPattern) === p) && (host(h) || (address !== null && host(address)));
}

/** Every given scope key must match (AND); lists match when any item does; labels must all be on the identity. */
export function inScope(exception: ExceptionObject, subject: WaiverSubject): boolean {
  const { fingerprints, identities, selector, paths, endpoints } = exception.spec.scope;
  if ((paths || endpoints) && !locationsInScope(paths, endpoints, subject.locations ?? [])) return false;
  if (
    fingerprints &&
    !fingerprints.some((f) => subject.fingerprintSha256.startsWith(normaliseFingerprint(f)))
  ) {
    return false;
  }
  if (identities && (subject.identity === null || !identities.includes(subject.identity.metadata.name)))
    return false;
  if (selector) {
    const labels = subject.identity?.spec.labels ?? {};
    if (!Object.entries(selector.labels).every(([k, v]) => labels[k] === v)) return false;
  }
  return true;
}

export type Waiver = (findings: readonly Finding[], subject: WaiverSubject) => Finding[];

/**
 * Marks the findings that an active exception waives with `waivedBy` (the first such exception by name). Waived
 * findings stay in the list; an expired exception waives nothing.
 */
export function waiver(exceptions: readonly ExceptionObject[], now: Date): Waiver {
  const active = exceptions
    .filter((e) => exceptionState(e, now) !== 'expired')
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  if (active.length === 0) return (findings) => [...findings];
  return (findings, subject) => {
    const applicable = active.filter((e) => inScope(e, subject));
    return findings.map((finding) => {
      const by = applicable.find((e) => e.spec.waives.includes(finding.code));
      return by ? { ...finding, waivedBy: by.metadata.name } : finding;
    });
  };
}
