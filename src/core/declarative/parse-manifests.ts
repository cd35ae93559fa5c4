import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { collectionKey, KEY_NOT_PLAIN } from '../../pki/formats/yaml-keys.js';
import { DomainError } from '../errors.js';
import {
  API_VERSION,
  isKind,
  KINDS,
  SPEC_SCHEMAS,
  metadataSchema,
  type AnyDeclarativeObject,
  type IdentityObject,
  type Kind,
  type ObjectMetadata,
  type OwnerObject,
  type SpecOfKind,
} from './objects.js';
import { referenceProblems, type ReferencedKind, type ReferenceTargets } from './references.js';
import { managedCertificateProblems } from './kinds/managed-certificate.js';
import { trustBundleProblems } from './kinds/trust-bundle.js';
import {
  formatPath,
  validator,
  type FieldPath,
  type FieldProblem,
  type Validate,
} from '../schema/validator.js';
import { redactedSecretProblems, withStoredSecrets } from './webhook-secrets.js';
import { counted } from '../plural.js';

/** Where an object came from: the file, the document's number in it (1-based) and the line of its first field. */
export interface ManifestSource {
  fileName: string;
  document: number;
  line: number;
}

/** One thing wrong with a file, precise enough to fix without guessing. */
export interface ManifestProblem {
  fileName: string;
  /** The document's number in the file, 1-based. */
  document: number;
  /** The 1-based line the problem is on (the field's, or its parent's when the field is missing). */
  line: number;
  kind: string | null;
  name: string | null;
  /** The field path, kubectl style (`spec.validations[0].expression`); `(document)` for the whole document. */
  path: string;
  message: string;
}

export interface ParsedManifest {
  object: AnyDeclarativeObject;
  source: ManifestSource;
  /** The 1-based line of a field of this object (of its nearest present parent when absent). */
  lineOf(path: FieldPath): number;
}

/** A document whose kind is known, as written: its spec may have schema problems, so a check reads it defensively. */
export interface DocumentUnderCheck {
  kind: Kind;
  spec: unknown;
}

/**
 * A further check of a document (beyond its schema), such as compiling a policy's CEL. It runs on every document
 * whose kind is known, valid or not, so that one run reports every problem. `lineInValue` is the 0-based line
 * inside a multi-line scalar (a `|` block), so an error in the third line of an expression points there.
 */
export type ObjectCheck = (document: DocumentUnderCheck) => Array<FieldProblem & { lineInValue?: number }>;

/** What is already stored, for the checks that span the file and the store: references and kept secrets. */
export interface StoredObjects {
  owners: readonly OwnerObject[];
  identities: readonly IdentityObject[];
}

export type ManifestResult =
  { ok: true; manifests: ParsedManifest[] } | { ok: false; problems: ManifestProblem[] };

/** A document of a known kind after its own checks: `object` is set when its envelope and schema are valid. */
interface CheckedDocument {
  fileName: string;
  document: number;
  kind: Kind;
  name: string | null;
  spec: unknown;
  object: AnyDeclarativeObject | undefined;
  lineOf(path: FieldPath): number;
  problem(path: FieldPath, message: string): void;
}

const validateMetadata = validator(metadataSchema);
const SPEC_VALIDATORS = Object.fromEntries(KINDS.map((k) => [k, validator(SPEC_SCHEMAS[k])])) as {
  [K in Kind]: Validate<AnyDeclarativeObject['spec']>;
};

/**
 * How many alias expansions a document may cause in all (yaml's maxAliasCount); a billion-laughs bomb stops there.
 * The file itself is at most 16 MiB (read-user-file.ts), so parsing is bounded too.
 */
const MAX_ALIAS_COUNT = 50;

const ENVELOPE_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

/**
 * Reads a multi-document YAML file of declarative objects, all or nothing: every document valid gives every
 * object; anything wrong gives every problem (YAML syntax, envelope, schema, the further checks, a name declared
 * twice) with its document, field path and line, and no object at all. Empty documents are skipped. With `stored`,
 * references (an identity's or rule's owner, an exception's identities) must name a valid object of the file or a
 * stored one, and a webhook secret written as the redaction marker `(redacted)` takes the stored owner's secret for that URL.
 */
export function parseManifests(
  text: string,
  fileName: string,
  checks: ObjectCheck[] = [],
  stored?: StoredObjects,
): ManifestResult {
  return parseManifestFiles([{ text, fileName }], checks, stored);
}

/** One file of manifests as read: its text and the name problems give it. */
export interface ManifestFile {
  text: string;
  fileName: string;
}

/**
 * Several files read as one set (`apply -f a.yaml -f b.yaml`), all or nothing: a reference may name an object of
 * another file, and an object declared in two files is a problem. Each problem names its own file.
 */
export function parseManifestFiles(
  files: readonly ManifestFile[],
  checks: ObjectCheck[] = [],
  stored?: StoredObjects,
): ManifestResult {
  const problems: ManifestProblem[] = [];
  const checked: CheckedDocument[] = [];
  const seen = new Map<string, { fileName: string; document: number }>();
  const empty: string[] = [];
  for (const { text, fileName } of files) {
    const before = checked.length;
    readFile(text, fileName, checks, { problems, checked, seen });
    if (checked.length === before) empty.push(fileName);
  }
  if (stored !== undefined) checkAgainstStore(checked, stored);
  if (problems.length === 0)
    for (const fileName of empty)
      problems.push({
        fileName,
        document: 0,
        line: 1,
        kind: null,
        name: null,
        path: '(file)',
        message: 'holds no objects',
      });
  if (problems.length > 0) {
    // Problems found across documents (references) are listed with their document's own, file by file.
    const order = new Map(files.map((f, i) => [f.fileName, i]));
    return {
      ok: false,
      problems: problems.sort(
        (a, b) => (order.get(a.fileName) ?? 0) - (order.get(b.fileName) ?? 0) || a.document - b.document,
      ),
    };
  }
  return {
    ok: true,
    manifests: checked.flatMap(({ object, fileName, document, lineOf }) =>
      object === undefined ? [] : [{ object, source: { fileName, document, line: lineOf([]) }, lineOf }],
    ),
  };
}

/** Reads one file's documents into the set: their problems, the documents checked, the names seen so far. */
function readFile(
  text: string,
  fileName: string,
  checks: ObjectCheck[],
  into: {
    problems: ManifestProblem[];
    checked: CheckedDocument[];
    seen: Map<string, { fileName: string; document: number }>;
  },
): void {
  const { problems, checked, seen } = into;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;

  documents.forEach((doc, index) => {
    const document = index + 1;
    const lineOf = (path: FieldPath): number => lineAt(nearestNode(doc, path)?.range?.[0] ?? doc.range[0]);
    const problem = (
      path: FieldPath,
      message: string,
      kind: string | null,
      objectName: string | null,
      line?: number,
    ) =>
      problems.push({
        fileName,
        document,
        line: line ?? lineOf(path),
        kind,
        name: objectName,
        path: formatPath(path),
        message,
      });

    if (doc.errors.length > 0) {
      for (const error of doc.errors) problem([], `YAML: ${error.message}`, null, null, lineAt(error.pos[0]));
      return;
    }
    const badKey = collectionKey(doc);
    if (badKey !== null) {
      problem([], KEY_NOT_PLAIN, null, null, lineAt(badKey.range?.[0] ?? doc.range[0]));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      // yaml throws a ReferenceError when aliases expand past the count (a billion-laughs bomb).
      const message = error instanceof Error ? error.message : String(error);
      problem([], `YAML: ${message} (at most ${MAX_ALIAS_COUNT} alias expansions per document)`, null, null);
      return;
    }
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem([], `expected a map with apiVersion, kind, metadata and spec`, null, null);
      return;
    }
    const input = value as Record<string, unknown>;
    const kind = isKind(input.kind) ? input.kind : null;
    const rawName = (input.metadata as { name?: unknown } | null | undefined)?.name;
    const objectName = typeof rawName === 'string' ? rawName : null;
    const fieldProblems: FieldProblem[] = [];

    if (input.apiVersion !== API_VERSION) {
      fieldProblems.push({
        path: ['apiVersion'],
        message: `expected ${API_VERSION}, got ${JSON.stringify(input.apiVersion ?? null)}`,
      });
    }
    if (kind === null) {
      fieldProblems.push({
        path: ['kind'],
        message: `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(input.kind ?? null)}`,
      });
    }
    for (const key of Object.keys(input)) {
      if (!ENVELOPE_FIELDS.has(key))
        fieldProblems.push({
          path: [key],
          message: 'unknown field (expected apiVersion, kind, metadata, spec)',
        });
    }
    const metadata = validateMetadata(input.metadata, ['metadata'], fieldProblems);
    const spec = kind === null ? undefined : validateSpec(kind, input.spec, fieldProblems);
    for (const p of fieldProblems) problem(p.path, p.message, kind, objectName);
    if (kind === null) return;

    // The further checks run on the document as written, so a schema problem does not hide a CEL error.
    for (const check of checks) {
      for (const p of check({ kind, spec: input.spec })) {
        const node = nearestNode(doc, p.path);
        const line =
          p.lineInValue === undefined
            ? lineOf(p.path)
            : lineOf(p.path) + p.lineInValue + blockHeaderLines(node);
        problem(p.path, p.message, kind, objectName, line);
      }
    }
    if (objectName !== null) {
      const key = `${kind}/${objectName}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const where =
          earlier.fileName === fileName
            ? `document ${earlier.document}`
            : `${earlier.fileName} document ${earlier.document}`;
        problem(['metadata', 'name'], `${key} is already declared in ${where}`, kind, objectName);
      }
      seen.set(key, { fileName, document });
    }
    const valid = fieldProblems.length === 0 && metadata !== undefined && spec !== undefined;
    checked.push({
      fileName,
      document,
      kind,
      name: objectName,
      spec: input.spec,
      object: valid
        ? ({
            apiVersion: API_VERSION,
            kind,
            metadata: metadata as ObjectMetadata,
            spec,
          } as AnyDeclarativeObject)
        : undefined,
      lineOf,
      problem: (path, message) => problem(path, message, kind, objectName),
    });
  });
}

/**
 * The checks that need the whole file and the store: references must name a valid object of the file or a stored
 * one, and a webhook secret written as the redaction marker `(redacted)` is replaced by the stored one (a problem when there is none).
 */
function checkAgainstStore(checked: CheckedDocument[], stored: StoredObjects): void {
  const files = new Set(checked.map((d) => d.fileName)).size;
  const declared = (kind: ReferencedKind, valid: boolean) =>
    new Map(
      checked
        .filter((d) => d.kind === kind && d.name !== null && (d.object !== undefined) === valid)
        .map((d) => [d.name, files > 1 ? `${d.fileName} document ${d.document}` : `document ${d.document}`]),
    );
  const storedNames = {
    Owner: new Set(stored.owners.map((o) => o.metadata.name)),
    Identity: new Set(stored.identities.map((o) => o.metadata.name)),
  };
  const valid = { Owner: declared('Owner', true), Identity: declared('Identity', true) };
  const invalid = { Owner: declared('Owner', false), Identity: declared('Identity', false) };
  const targets: ReferenceTargets = {
    has: (kind, name) => storedNames[kind].has(name) || valid[kind].has(name),
    invalidDeclaration: (kind, name) => invalid[kind].get(name),
  };
  for (const d of checked) {
    for (const p of referenceProblems(d.kind, d.spec, targets)) d.problem(p.path, p.message);
    if (d.kind !== 'Owner' || d.name === null) continue;
    const storedOwner = stored.owners.find((o) => o.metadata.name === d.name)?.spec;
    for (const p of redactedSecretProblems(d.name, d.spec, storedOwner)) d.problem(p.path, p.message);
    if (d.object?.kind === 'Owner') {
      d.object = { ...d.object, spec: withStoredSecrets(d.object.spec, storedOwner) };
    }
  }
}

function validateSpec(
  kind: Kind,
  spec: unknown,
  problems: FieldProblem[],
): AnyDeclarativeObject['spec'] | undefined {
  const valid = SPEC_VALIDATORS[kind](spec, ['spec'], problems);
  if (valid === undefined) return valid;
  // The checks across fields of a valid spec.
  const more =
    kind === 'ManagedCertificate'
      ? managedCertificateProblems(valid as SpecOfKind['ManagedCertificate'], ['spec'])
      : kind === 'TrustBundle'
        ? trustBundleProblems(valid as SpecOfKind['TrustBundle'], ['spec'])
        : [];
  problems.push(...more);
  return more.length === 0 ? valid : undefined;
}

/** The node at the path, or at the nearest parent that exists. */
function nearestNode(doc: Document, path: FieldPath): Node | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    if (isScalar(node) || isMap(node) || (typeof node === 'object' && node !== null && 'range' in node)) {
      return node as Node;
    }
  }
  return undefined;
}

/** A `|` or `>` block scalar's text starts on the line after its header. */
function blockHeaderLines(node: Node | undefined): number {
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') ? 1 : 0;
}

/** The one error of a refused file: every problem on its own line, `FILE:LINE: document N (Kind/name) PATH: message`. */
export function manifestError(problems: ManifestProblem[]): DomainError {
  const files = [...new Set(problems.map((p) => p.fileName))].join(', ');
  const lines = problems.map(formatProblem);
  return new DomainError(
    'CUSTOS_MANIFEST_INVALID',
    `${files}: ${counted(problems.length, 'problem')}, nothing was applied\n${lines.join('\n')}`,
    { hint: 'fix every problem listed and apply the file again' },
  );
}

export function formatProblem(p: ManifestProblem): string {
  const what = p.kind === null ? '' : ` (${p.kind}${p.name === null ? '' : `/${p.name}`})`;
  return `${p.fileName}:${p.line}: document ${p.document}${what} ${p.path}: ${p.message}`;
}
