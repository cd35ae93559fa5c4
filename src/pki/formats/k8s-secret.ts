import { Composer, isScalar, Parser, visit, type Document } from 'yaml';
import { collectionKey } from './yaml-keys.js';
import { quote, type ContainerCollector, type K8sSecretRef } from './container-collector.js';
import type { ReadContainerResult } from './container-types.js';
import type { WorkBudget } from './work-budget.js';

/**
 * Kubernetes Secret manifests, YAML (multi-document, `---`) or JSON, single objects or lists (`kind: List`
 * with `items`, or a `SecretList` whose items carry no kind). Every `data` (base64) and `stringData` (plain)
 * value of every Secret is read by content — so `tls.crt`/`ca.crt` give certificates and `tls.key` a key, and
 * so does any other entry that holds PEM, DER or a keystore — and every entry found is tagged with its
 * Secret (namespace defaulting to "default"). Documents of other kinds are ignored.
 */
type ReadEntry = (bytes: Uint8Array) => ReadContainerResult;

/** A cheap pre-check, so ordinary text files are never handed to the YAML parser. */
export function mayHoldK8sSecret(text: Buffer): boolean {
  return text.includes('Secret') && text.includes('kind');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads the Secrets; returns false (having recorded nothing) when there is no Secret with anything in it. */
export function readK8sSecrets(text: Buffer, collector: ContainerCollector, readEntry: ReadEntry): boolean {
  let found = false;
  for (const secret of parseObjects(text.toString('utf8'), collector.budget).flatMap(secretsIn)) {
    const metadata = record(secret['metadata']);
    const ref: K8sSecretRef = {
      namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default',
      name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    };
    for (const [key, value] of entriesOf(secret)) {
      collector.budget.step();
      const where = (): string => `Secret ${quote(`${ref.namespace}/${ref.name}`)} key ${quote(key)}`;
      if (value === null) {
        collector.problem('CUSTOS_FILE_MALFORMED', `${where()}: data is not base64`);
        found = true;
        continue;
      }
      const result = readEntry(value);
      for (const { der, alias } of result.certificates) {
        collector.addCertificate(der, alias === undefined ? { k8sSecret: ref } : { k8sSecret: ref, alias });
      }
      for (const { publicKeySha256, alias } of result.keys) {
        collector.addKey(
          publicKeySha256,
          alias === undefined ? { k8sSecret: ref } : { k8sSecret: ref, alias },
        );
      }
      for (const problem of result.problems)
        collector.problem(problem.code, `${where()}: ${problem.message}`);
      found ||= result.format !== null || result.problems.length > 0;
    }
  }
  return found;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * The YAML or JSON documents of a text that may hold a Secret; a document that does not parse (or has a key twice)
 * is skipped. Linear in the text: the text is cut at its document markers (a line that starts with `---` or `...`,
 * which YAML allows nowhere else) and only a document that names both `kind` and `Secret` is composed — yaml builds
 * a schema for every document, so a file of four million `---` lines took 83 s — each counted against the file's
 * budget. Duplicate keys are found with one Set per map: yaml's own check (`uniqueKeys`) compares every key with
 * every earlier one, 38 s for a Secret of 80,000 keys.
 */
function parseObjects(text: string, budget: WorkBudget): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return [JSON.parse(trimmed)];
    } catch {
      // not JSON after all: YAML (a flow mapping, or several documents) gets its chance below
    }
  }
  const objects: unknown[] = [];
  for (const part of documentTexts(text)) {
    budget.step();
    if (!part.includes('Secret') || !part.includes('kind')) continue;
    for (const document of new Composer({ uniqueKeys: false }).compose(new Parser().parse(part), true)) {
      budget.step();
      if (document.errors.length > 0 || hasDuplicateKey(document) || collectionKey(document) !== null)
        continue;
      try {
        objects.push(document.toJS({ maxAliasCount: 100 }));
      } catch {
        // an alias bomb past the count: the document is skipped
      }
    }
  }
  return objects;
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/** The text cut before every document marker line. */
function* documentTexts(text: string): Generator<string> {
  let start = 0;
  for (const marker of text.matchAll(DOCUMENT_MARKER)) {
    if (marker.index > start) yield text.slice(start, marker.index);
    start = marker.index;
  }
  yield text.slice(start);
}

function hasDuplicateKey(document: Document.Parsed): boolean {
  let duplicate = false;
  visit(document, {
    Map(_, map) {
      const keys = new Set<unknown>();
      for (const { key } of map.items) {
        const id = isScalar(key) ? key.value : key;
        if (keys.has(id)) {
          duplicate = true;
          return visit.BREAK;
        }
        keys.add(id);
      }
      return undefined;
    },
  });
  return duplicate;
}

function secretsIn(value: unknown): Record<string, unknown>[] {
  const object = record(value);
  const items = Array.isArray(object['items']) ? (object['items'] as unknown[]) : [];
  if (object['kind'] === 'Secret') return [object];
  if (object['kind'] === 'List') return items.map(record).filter((item) => item['kind'] === 'Secret');
  if (object['kind'] === 'SecretList') return items.map(record);
  return [];
}

/** Non-empty entries, `stringData` winning over `data` for the same key (as the API server merges them); null marks bad base64. */
function entriesOf(secret: Record<string, unknown>): Map<string, Uint8Array | null> {
  const entries = new Map<string, Uint8Array | null>();
  for (const [key, value] of Object.entries(record(secret['data']))) {
    if (typeof value !== 'string' || value.length === 0) continue;
    const compact = value.replace(/\s+/g, '');
    entries.set(key, BASE64.test(compact) ? Buffer.from(compact, 'base64') : null);
  }
  for (const [key, value] of Object.entries(record(secret['stringData']))) {
    if (typeof value === 'string' && value.length > 0) entries.set(key, Buffer.from(value, 'utf8'));
  }
  return entries;
}
