/**
 * What an issuance reads besides its request: the generations of the CA it names, the Policy objects and the
 * Identity it names. Read from the store for each issuance (`readIssuanceConfiguration`), or through a cache that
 * every Runtime carries (`issuanceConfigurationCache`), which reads only the store's configuration revision per
 * issuance (one small row; src/store/configuration-revision.ts) and reads the rest again when it changed. The
 * revision changes in the same transaction as any write of an object or a CA, by any process, so the cache answers
 * what reading everything would have answered: a policy applied or a CA rotated elsewhere counts for the next
 * issuance. Reading them all cost ~220 µs of SQLite (and their JSON) per issuance in bench/issue; the revision ~15.
 */
import type { IdentityObject, PolicyObject } from '../declarative/objects.js';
import type { CertificateAuthority } from '../ports/authority-store.js';
import type { Store } from '../ports/store.js';
import { generationsFrom } from './rotate-authority.js';

export interface IssuanceConfiguration {
  /** The CA named and its successors, oldest first; CUSTOS_CA_NOT_FOUND when the name is unknown. */
  generations(name: string): Promise<CertificateAuthority[]>;
  policies(): Promise<readonly PolicyObject[]>;
  identity(name: string): Promise<IdentityObject | null>;
}

export interface IssuanceConfigurationSource {
  current(): Promise<IssuanceConfiguration>;
}

/** The configuration as the store holds it now, each part read when first asked and kept for this issuance. */
export function readIssuanceConfiguration(
  store: Pick<Store, 'authorities' | 'objects'>,
): IssuanceConfiguration {
  const generations = new Map<string, Promise<CertificateAuthority[]>>();
  let policies: Promise<readonly PolicyObject[]> | undefined;
  let identities: Promise<Map<string, IdentityObject>> | undefined;
  return {
    generations(name) {
      let read = generations.get(name);
      if (read === undefined) {
        read = generationsFrom({ store }, name);
        generations.set(name, read);
      }
      return read;
    },
    policies() {
      policies ??= store.objects.list('Policy').then((stored) => stored.map((s) => s.object));
      return policies;
    },
    async identity(name) {
      identities ??= store.objects
        .list('Identity')
        .then((stored) => new Map(stored.map((s) => [s.object.metadata.name, s.object])));
      return (await identities).get(name) ?? null;
    },
  };
}

/**
 * The configuration, read again only when the store's configuration revision has changed since it was read. The
 * issuances that ask while a revision read is under way share the next one, which starts after they all asked (as
 * the issuance batcher shares a commit): never one that began before them, which could have missed a change they
 * must see. In bench/issue with 64 in flight a read of the revision cost ~200 µs while the writer was busy.
 */
export function issuanceConfigurationCache(
  store: Pick<Store, 'authorities' | 'objects' | 'configurationRevision'>,
): IssuanceConfigurationSource {
  let cached: { revision: string | null; configuration: IssuanceConfiguration } | undefined;
  let underWay: Promise<unknown> | undefined;
  let next: Promise<string | null> | undefined;

  const startRead = (): Promise<string | null> => {
    next = undefined;
    const read = store.configurationRevision();
    underWay = read;
    const done = () => {
      if (underWay === read) underWay = undefined;
    };
    read.then(done, done);
    return read;
  };

  const revision = (): Promise<string | null> => {
    if (next !== undefined) return next;
    if (underWay === undefined) return startRead();
    next = underWay.then(startRead, startRead);
    return next;
  };

  return {
    async current() {
      // The revision first: what is read after it is at least as new, and a later change moves it again.
      const now = await revision();
      if (cached === undefined || cached.revision !== now)
        cached = { revision: now, configuration: readIssuanceConfiguration(store) };
      return cached.configuration;
    },
  };
}
