/**
 * A small typed schema description: one value per kind describes its spec once, and that one description
 * validates input (every problem with its field path, not just the first) and turns into JSON Schema for the API's
 * OpenAPI document and the docs. Objects are closed: an unknown field is a problem (a typo must not pass silently).
 */

/** A field path: object keys and list indexes, e.g. ['spec', 'validations', 0, 'expression']. */
export type FieldPath = ReadonlyArray<string | number>;

export interface FieldProblem {
  path: FieldPath;
  message: string;
}

export type JsonSchema = { [key: string]: unknown };

export interface Schema<T> {
  /** The value when it is valid, else undefined with the problems appended. */
  validate(value: unknown, path: FieldPath, problems: FieldProblem[]): T | undefined;
  json(): JsonSchema;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `${typeof value} ${JSON.stringify(value)}`;
}

interface StringOptions {
  pattern?: RegExp;
  /** What the pattern means, for the message: "a lower-case name (a-z, 0-9, '-')". */
  expected?: string;
  /** A check beyond the pattern: returns the problem, or null when the value is fine. */
  check?: (value: string) => string | null;
  format?: string;
  description?: string;
}

export function string(options: StringOptions = {}): Schema<string> {
  return {
    validate(value, path, problems) {
      if (typeof value !== 'string' || value === '') {
        problems.push({
          path,
          message: `expected ${options.expected ?? 'a non-empty string'}, got ${describe(value)}`,
        });
        return undefined;
      }
      if (options.pattern && !options.pattern.test(value)) {
        problems.push({
          path,
          message: `expected ${options.expected ?? `a match of ${options.pattern}`}, got ${JSON.stringify(value)}`,
        });
        return undefined;
      }
      const problem = options.check?.(value) ?? null;
      if (problem !== null) {
        problems.push({ path, message: problem });
        return undefined;
      }
      return value;
    },
    json: () => ({
      type: 'string',
      minLength: 1,
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.description ? { description: options.description } : {}),
    }),
  };
}

export function integer(options: { min?: number; max?: number; description?: string } = {}): Schema<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return {
    validate(value, path, problems) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        problems.push({ path, message: `expected an integer from ${min} to ${max}, got ${describe(value)}` });
        return undefined;
      }
      return value;
    },
    json: () => ({
      type: 'integer',
      minimum: min,
      maximum: max,
      ...(options.description ? { description: options.description } : {}),
    }),
  };
}

export function oneOf<const T extends string>(values: readonly T[], description?: string): Schema<T> {
  return {
    validate(value, path, problems) {
      if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
      problems.push({ path, message: `expected one of ${values.join(', ')}, got ${describe(value)}` });
      return undefined;
    },
    json: () => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) }),
  };
}

export function listOf<T>(
  item: Schema<T>,
  options: { minItems?: number; description?: string } = {},
): Schema<T[]> {
  const minItems = options.minItems ?? 0;
  return {
    validate(value, path, problems) {
      if (!Array.isArray(value)) {
        problems.push({ path, message: `expected a list, got ${describe(value)}` });
        return undefined;
      }
      if (value.length < minItems) {
        problems.push({ path, message: `expected at least ${minItems} item(s), got ${value.length}` });
        return undefined;
      }
      const before = problems.length;
      const out = value.map((v, i) => item.validate(v, [...path, i], problems));
      return problems.length === before ? (out as T[]) : undefined;
    },
    json: () => ({
      type: 'array',
      items: item.json(),
      ...(minItems > 0 ? { minItems } : {}),
      ...(options.description ? { description: options.description } : {}),
    }),
  };
}

/** A map of free string keys to values of one schema (labels). */
export function mapOf<T>(value: Schema<T>, description?: string): Schema<Record<string, T>> {
  return {
    validate(input, path, problems) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        problems.push({ path, message: `expected a map, got ${describe(input)}` });
        return undefined;
      }
      const before = problems.length;
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(input)) {
        const checked = value.validate(v, [...path, k], problems);
        if (checked !== undefined) out[k] = checked;
      }
      return problems.length === before ? out : undefined;
    },
    json: () => ({
      type: 'object',
      additionalProperties: value.json(),
      ...(description ? { description } : {}),
    }),
  };
}

/** Marks an object field as optional. */
export interface Optional<T> {
  optional: Schema<T>;
}

export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: schema };
}

type Fields = Record<string, Schema<unknown> | Optional<unknown>>;
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? never : K }[keyof F];
type OptionalKeys<F extends Fields> = Exclude<keyof F, RequiredKeys<F>>;
type FieldType<S> = S extends Optional<infer T> ? T : S extends Schema<infer T> ? T : never;
export type ObjectOf<F extends Fields> = { [K in RequiredKeys<F>]: FieldType<F[K]> } & {
  [K in OptionalKeys<F>]?: FieldType<F[K]>;
};

function isOptional(field: Schema<unknown> | Optional<unknown>): field is Optional<unknown> {
  return 'optional' in field;
}

/**
 * A closed object: every required field present, no unknown field. `minFields` asks for at least that many of the
 * (optional) fields, e.g. a scope that must say something.
 */
export function object<F extends Fields>(
  fields: F,
  options: { minFields?: number; description?: string } = {},
): Schema<ObjectOf<F>> {
  return {
    validate(value, path, problems) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push({ path, message: `expected a map, got ${describe(value)}` });
        return undefined;
      }
      const before = problems.length;
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (!(key in fields)) {
          problems.push({
            path: [...path, key],
            message: `unknown field (expected ${Object.keys(fields).join(', ')})`,
          });
        }
      }
      for (const [key, field] of Object.entries(fields)) {
        const present = input[key] !== undefined && input[key] !== null;
        if (!present) {
          if (!isOptional(field))
            problems.push({ path: [...path, key], message: 'required field is missing' });
          continue;
        }
        const schema = isOptional(field) ? field.optional : field;
        const checked = schema.validate(input[key], [...path, key], problems);
        if (checked !== undefined) out[key] = checked;
      }
      const given = Object.keys(fields).filter((k) => input[k] !== undefined && input[k] !== null).length;
      if (options.minFields !== undefined && given < options.minFields) {
        problems.push({
          path,
          message: `give at least ${options.minFields} of ${Object.keys(fields).join(', ')}`,
        });
      }
      return problems.length === before ? (out as ObjectOf<F>) : undefined;
    },
    json: () => {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [key, field] of Object.entries(fields)) {
        properties[key] = isOptional(field) ? field.optional.json() : field.json();
        if (!isOptional(field)) required.push(key);
      }
      return {
        type: 'object',
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
        ...(options.minFields !== undefined ? { minProperties: options.minFields } : {}),
        ...(options.description ? { description: options.description } : {}),
      };
    },
  };
}
