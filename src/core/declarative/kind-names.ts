import { DomainError } from '../errors.js';
import { KINDS, type Kind } from './objects.js';

/**
 * The collection name of each kind: what `custos get` lists and the API's `/v1/{collection}` (the API serves
 * managed certificates under `/v1/managed` with their readiness instead).
 */
export const COLLECTION_OF_KIND: Record<Kind, string> = {
  Owner: 'owners',
  Identity: 'identities',
  OwnershipRule: 'rules',
  Policy: 'policies',
  Exception: 'exceptions',
  ManagedCertificate: 'managedcertificates',
  TrustBundle: 'trustbundles',
};

/** The singular word of each kind, short as the collection is (`rule` for OwnershipRule). */
export const SINGULAR_OF_KIND: Record<Kind, string> = {
  Owner: 'owner',
  Identity: 'identity',
  OwnershipRule: 'rule',
  Policy: 'policy',
  Exception: 'exception',
  ManagedCertificate: 'managedcertificate',
  TrustBundle: 'trustbundle',
};

const PLURAL: Record<Kind, string> = { ...COLLECTION_OF_KIND, OwnershipRule: 'ownershiprules' };

/** Every word that names a kind, lower-case: the kind and its plural, and the short word and collection name. */
const NAMES: ReadonlyMap<string, Kind> = new Map(
  KINDS.flatMap((kind): Array<[string, Kind]> => [
    [kind.toLowerCase(), kind],
    [PLURAL[kind], kind],
    [SINGULAR_OF_KIND[kind], kind],
    [COLLECTION_OF_KIND[kind], kind],
  ]),
);

/** The words `get` and `delete` accept, for help texts and errors: `owner|owners, identity|identities, ...`. */
export const KIND_WORDS = KINDS.map((k) => `${SINGULAR_OF_KIND[k]}|${COLLECTION_OF_KIND[k]}`).join(', ');

/**
 * The kind a word names, as kubectl reads resource names: singular or plural, any case (`owner`, `Owners`,
 * `OwnershipRule`, `rules`). An unknown word is `CUSTOS_USAGE` listing the words there are.
 */
export function kindNamed(word: string): Kind {
  const kind = NAMES.get(word.toLowerCase());
  if (kind === undefined)
    throw new DomainError('CUSTOS_USAGE', `"${word}" is not a kind of object`, {
      hint: `use one of ${KIND_WORDS}`,
    });
  return kind;
}
