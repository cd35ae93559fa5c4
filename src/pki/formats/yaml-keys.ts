import { isScalar, visit, type Document, type Node } from 'yaml';

/**
 * The first mapping key of a YAML document that is not a plain value: a map or list used as a key (`? [a, b] : c`,
 * `{x: 1}: y`) or an alias. No reader of Custos has a use for one, and turned into JSON it becomes a string while the
 * yaml library prints a warning on the process's stderr (bypassing the logs), which a hostile file or API body could
 * repeat at will: readers refuse such a document instead (null when there is none).
 */
export function collectionKey(document: Document): Node | null {
  let found: Node | null = null;
  visit(document, {
    Pair(_, pair) {
      if (pair.key === null || isScalar(pair.key)) return undefined;
      found = pair.key as Node;
      return visit.BREAK;
    },
  });
  return found;
}

/** What a reader that reports problems says of such a key. */
export const KEY_NOT_PLAIN = 'YAML: a key must be a plain value (a name), not a map, a list or an alias';
