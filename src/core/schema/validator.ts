import { Ajv, type ErrorObject, type FormatDefinition, type KeywordDefinition } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { formatProblem, STRING_FORMATS } from './formats.js';
import { counted } from '../plural.js';

/**
 * Validation of input against a TypeBox schema with Ajv: every problem (not just the first), each with its field
 * path and a message a user can act on. The schema is the one source: the same value validates input here and is
 * published as JSON Schema (the API's OpenAPI document). Objects are closed by their schema
 * (`additionalProperties: false`), so an unknown field is a problem, not a silent typo.
 */

/** A field path: object keys and list indexes, e.g. ['spec', 'validations', 0, 'expression']. */
export type FieldPath = ReadonlyArray<string | number>;

export interface FieldProblem {
  path: FieldPath;
  message: string;
}

/** Formats a field path the way kubectl does: `spec.validations[0].expression`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(document)' : out;
}

/** The value at a path of input not yet validated (undefined where the path does not lead), for checks that run on
 * documents whose schema problems are reported apart. */
export function valueAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (typeof part === 'number' ? !Array.isArray(current) : Array.isArray(current)) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * Teaches an Ajv instance what the schemas of Custos use beyond JSON Schema: the `x-expected` annotation (what a
 * valid value looks like, for messages: "a name of lower-case letters, …") and the string formats of formats.ts. The
 * API's Ajv gets it too (an Ajv plugin of the server), so a schema means the same wherever it is compiled.
 */
export function withCustosVocabulary<A extends Ajv>(instance: A): A {
  const { keywords, formats } = custosVocabulary();
  for (const keyword of keywords) instance.addKeyword(keyword);
  for (const [name, format] of Object.entries(formats)) instance.addFormat(name, format);
  return instance;
}

/**
 * The same vocabulary as Ajv constructor options, for an Ajv that Custos does not build itself: Fastify's response
 * serializer (fast-json-stringify) makes its own to pick anyOf branches, and without these it printed "unknown format
 * ignored" on stderr for every schema with one.
 */
export function custosVocabulary(): {
  keywords: KeywordDefinition[];
  formats: Record<string, FormatDefinition<string>>;
} {
  const formats: Record<string, FormatDefinition<string>> = {};
  for (const name of Object.keys(STRING_FORMATS)) {
    formats[name] = { type: 'string', validate: (text: string) => formatProblem(name, text) === null };
  }
  return { keywords: [{ keyword: 'x-expected', schemaType: 'string' }], formats };
}

// strictRequired off: an anyOf branch names a field its parent object declares.
const ajv = withCustosVocabulary(
  new Ajv({ allErrors: true, strict: true, strictRequired: false, verbose: true }),
);

type JsonSchema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxProperties?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  'x-expected'?: string;
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

function expectedOf(schema: JsonSchema): string {
  if (schema['x-expected'] !== undefined) return schema['x-expected'];
  if (schema.enum !== undefined) return `one of ${schema.enum.join(', ')}`;
  if (schema.format !== undefined && STRING_FORMATS[schema.format] !== undefined)
    return STRING_FORMATS[schema.format].expected;
  switch (schema.type) {
    case 'integer':
      return `an integer from ${schema.minimum ?? Number.MIN_SAFE_INTEGER} to ${schema.maximum ?? Number.MAX_SAFE_INTEGER}`;
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    default:
      return 'a non-empty string';
  }
}

const pointer = (instancePath: string): string[] =>
  instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));

function problemOf(error: ErrorObject, at: FieldPath): FieldProblem {
  const path = [...at, ...pointer(error.instancePath).map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const params = error.params as Record<string, unknown>;
  const data: unknown = error.data;
  const keys = Object.keys(schema.properties ?? {}).join(', ');
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        path: [...path, String(params.additionalProperty)],
        message: `unknown field (expected ${keys})`,
      };
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'required field is missing' };
    case 'type':
    case 'minLength':
    case 'enum':
    case 'minimum':
    case 'maximum':
      return { path, message: `expected ${expectedOf(schema)}, got ${describe(data)}` };
    case 'pattern':
      return { path, message: `expected ${expectedOf(schema)}, got ${JSON.stringify(data)}` };
    case 'format':
      return { path, message: formatProblem(String(params.format), String(data)) ?? 'is not valid' };
    case 'minItems':
      return {
        path,
        message: `expected at least ${counted(Number(params.limit), 'item')}, got ${Array.isArray(data) ? data.length : 0}`,
      };
    case 'anyOf':
      return { path, message: `give at least 1 of ${keys}` };
    case 'minProperties':
      return schema.maxProperties === 1
        ? { path, message: `give exactly one of ${keys}` }
        : { path, message: `give at least ${String(params.limit)} of ${keys}` };
    case 'maxProperties': {
      const given = Object.keys(data as object).join(' and ');
      return { path, message: `give exactly one of ${keys}, got ${given}` };
    }
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

/** A field's key in the order of its schema: declared fields by position, unknown ones first. */
function orderOf(schema: JsonSchema | undefined, path: FieldPath): number[] {
  const out: number[] = [];
  let current = schema;
  for (const part of path) {
    if (typeof part === 'number') {
      out.push(part);
      current = current?.items;
      continue;
    }
    out.push(Object.keys(current?.properties ?? {}).indexOf(part));
    current = current?.properties?.[part] ?? Object.values(current?.patternProperties ?? {})[0];
  }
  return out;
}

/** Problems in the order a reader meets the fields: by the schema's order; a field's own after its children's. */
function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return b.length - a.length;
}

/** A copy without the keys whose value is null: YAML `key:` with nothing after it means the key is absent. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** A plain check against a schema (Ajv's: true, or false with `errors`), for what is not a document: an API route's
 * query string. No type coercion: a value is what it is, as in a file. */
export const compileCheck = (schema: TSchema) => ajv.compile(schema);

export type Validate<T> = (value: unknown, path: FieldPath, problems: FieldProblem[]) => T | undefined;

/** Compiles a schema once: the returned function gives the value when it is valid, else undefined with every
 * problem appended (one per field), in the order of the schema's fields. */
export function validator<S extends TSchema>(schema: S): Validate<Static<S>> {
  const validate = ajv.compile(schema);
  return (input, at, problems) => {
    const value = withoutNulls(input);
    if (validate(value)) return value as Static<S>;
    const seen = new Set<string>();
    const found = (validate.errors ?? [])
      // The branches of an anyOf (at least one of these fields) are told by the anyOf's own problem.
      .filter((e) => !e.schemaPath.includes('/anyOf/'))
      .map((e) => problemOf(e, at))
      .filter((p) => {
        const key = formatPath(p.path);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((p) => ({ p, order: orderOf(schema as JsonSchema, p.path.slice(at.length)) }))
      .sort((x, y) => compareOrder(x.order, y.order));
    problems.push(...found.map(({ p }) => p));
    return undefined;
  };
}
