import type { IdentityObject } from '../declarative/objects.js';
import { anyMatches, compileGlob, type Glob } from './glob.js';
import { certificateNames, type GovernedCertificate } from './governed-certificate.js';

export interface IdentityLinker {
  /** The identity the certificate belongs to, or null. */
  link(subject: GovernedCertificate): IdentityObject | null;
}

/**
 * Links certificates to identities: first the identity the built-in CA issued it for (an `issued` location naming an
 * identity that exists), then by SPIFFE ID (an identity whose `spiffeId` equals the certificate's),
 * then by names (the first identity, by name, one of whose `dnsNames` globs matches a SAN or the CN).
 */
export function identityLinker(identities: readonly IdentityObject[]): IdentityLinker {
  const sorted = [...identities].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const bySpiffeId = new Map<string, IdentityObject>();
  for (const identity of sorted) {
    const id = identity.spec.spiffeId;
    if (id !== undefined && !bySpiffeId.has(id)) bySpiffeId.set(id, identity);
  }
  const byNames: Array<{ identity: IdentityObject; globs: Glob[] }> = sorted
    .filter((i) => i.spec.dnsNames !== undefined)
    .map((identity) => ({
      identity,
      globs: (identity.spec.dnsNames ?? []).map((g) => compileGlob(g, 'name')),
    }));
  const byName = new Map(identities.map((i) => [i.metadata.name, i]));
  return {
    link({ certificate, locations }) {
      for (const location of locations) {
        if (location.kind !== 'issued' || location.identity === null) continue;
        const issuedFor = byName.get(location.identity);
        if (issuedFor) return issuedFor;
      }
      if (certificate.spiffeId !== null) {
        const linked = bySpiffeId.get(certificate.spiffeId);
        if (linked) return linked;
      }
      if (byNames.length === 0) return null;
      const names = certificateNames(certificate);
      return byNames.find((candidate) => anyMatches(candidate.globs, names))?.identity ?? null;
    },
  };
}
