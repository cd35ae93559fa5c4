import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { STRING_FORMATS } from '../../core/schema/formats.js';
import { withCustosVocabulary } from '../../core/schema/validator.js';
import { CONFIG_SCHEMA } from './schema.js';

/** One thing wrong with one layer of the configuration, as a field path and a message (no location yet). */
export interface SchemaProblem {
  /** The path of the key the problem is about, e.g. ['scan', 'concurrency'] ([] for the whole layer). */
  path: string[];
  message: string;
}

// One Ajv setup with the declarative kinds and the API: the same formats (core/schema/formats.ts) and annotations.
const ajv = withCustosVocabulary(new Ajv({ allErrors: true, strict: true, verbose: true }));
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
ajv.addKeyword({ keyword: 'x-env', schemaType: 'string' });

/** The schema with every key optional: what one layer (the file, the environment, the flags) may hold. */
function optionalKeys(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(optionalKeys);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required') continue;
    out[key] = key === 'default' ? value : optionalKeys(value);
  }
  return out;
}

const validateLayer: ValidateFunction = ajv.compile(optionalKeys(CONFIG_SCHEMA) as object);
const validateEffective: ValidateFunction = ajv.compile(CONFIG_SCHEMA);

const pointer = (instancePath: string): string[] =>
  instancePath === ''
    ? []
    : instancePath
        .slice(1)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function problemOf(error: ErrorObject, valueOf: (path: string[]) => unknown): SchemaProblem {
  const path = pointer(error.instancePath);
  const got = (): string => ` (got ${describe(valueOf(path))})`;
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(schema?.properties ?? {}).join(', ');
      return {
        path: [...path, String(params.additionalProperty)],
        message: `unknown key (${path.length === 0 ? 'the keys are' : 'expected'} ${known})`,
      };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required here' };
    case 'type':
      return {
        path,
        message: `must be ${params.type === 'integer' ? 'a whole number' : `a ${String(params.type)}`}${got()}`,
      };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}${got()}` };
    case 'format':
      return {
        path,
        message: `must be ${STRING_FORMATS[String(params.format)]?.expected ?? params.format}${got()}`,
      };
    default:
      return { path, message: `${error.message ?? 'is not valid'}${got()}` };
  }
}

function problemsOf(validate: ValidateFunction, value: unknown): SchemaProblem[] {
  if (validate(value)) return [];
  const valueOf = (path: string[]): unknown =>
    path.reduce<unknown>(
      (v, p) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined),
      value,
    );
  return (validate.errors ?? []).map((e) => problemOf(e, valueOf));
}

/** Checks one layer (any key may be absent): unknown keys, wrong types and bad values, every one. */
export const layerProblems = (layer: unknown): SchemaProblem[] => problemsOf(validateLayer, layer);

/** Checks the merged configuration, defaults applied: what is missing only once the layers are put together. */
export const effectiveProblems = (config: unknown): SchemaProblem[] => problemsOf(validateEffective, config);
