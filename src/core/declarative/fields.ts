import { Type, type TProperties, type TSchema, type ObjectOptions } from '@sinclair/typebox';

/**
 * The field types the declarative kinds are written with, as TypeBox schemas: validated by core/schema/validator.ts
 * and published as they are in the API's OpenAPI document. `x-expected` says what a valid value looks like, for the
 * message of one that is not.
 */

/** Object names: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (as Kubernetes). */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

interface TextOptions {
  pattern?: RegExp;
  /** What the pattern means, for the message: "a lower-case name (a-z, 0-9, '-')". */
  expected?: string;
  format?: string;
  description?: string;
}

/** A non-empty string. */
export const text = (options: TextOptions = {}) =>
  Type.String({
    minLength: 1,
    ...(options.pattern ? { pattern: options.pattern.source } : {}),
    ...(options.expected ? { 'x-expected': options.expected } : {}),
    ...(options.format ? { format: options.format } : {}),
    ...(options.description ? { description: options.description } : {}),
  });

/** A closed object: an unknown field is a problem. */
export const closed = <P extends TProperties>(properties: P, options: ObjectOptions = {}) =>
  Type.Object(properties, { ...options, additionalProperties: false });

/** A closed object of optional fields of which at least one is given (JSON Schema: `anyOf` of each required). */
export const atLeastOne = <P extends TProperties>(properties: P, options: ObjectOptions = {}) =>
  closed(properties, { ...options, anyOf: Object.keys(properties).map((key) => ({ required: [key] })) });

export const integer = (minimum: number, maximum: number, description?: string) =>
  Type.Integer({ minimum, maximum, ...(description ? { description } : {}) });

/** One of a few strings (a plain JSON Schema enum). */
export const choice = <const T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const list = <T extends TSchema>(item: T, options: { minItems?: number; description?: string } = {}) =>
  Type.Array(item, options);

export const name = (description?: string) =>
  text({
    pattern: NAME_PATTERN,
    expected: "a name of lower-case letters, digits, '-' and '.' (at most 63)",
    ...(description ? { description } : {}),
  });

export const email = () => text({ format: 'email' });

export const httpUrl = () => text({ format: 'http-url' });

export const duration = (description?: string) =>
  text({ format: 'declared-duration', ...(description ? { description } : {}) });

/** An RFC 3339 time with a zone, e.g. 2027-03-31T00:00:00Z. */
export const timestamp = (description?: string) =>
  text({ format: 'date-time', ...(description ? { description } : {}) });

/** Free labels: keys and values are strings. */
export const labels = (description: string) =>
  Type.Record(Type.String(), text({ expected: 'a non-empty string label value' }), { description });

/** A list of globs (see src/core/ownership/glob.ts). */
export const globs = (description: string) => list(text(), { minItems: 1, description });

export const absolutePath = (description: string) =>
  text({ pattern: /^\//, expected: 'an absolute path', description });

/** A program and its arguments, run without a shell. */
export const command = (description: string) => list(text(), { minItems: 1, description });

/** An octal file mode, quoted so YAML does not read it as a decimal number. */
export const fileMode = (description: string) =>
  text({
    pattern: /^0?[0-7]{3}$/,
    expected: "an octal file mode as a quoted string, e.g. '0640'",
    description,
  });

/** The command a file destination runs after it wrote its files (a server's reload). */
export const reloadCommand = () =>
  closed({
    command: command('Program and arguments, run without a shell after the files are written.'),
    timeout: Type.Optional(duration('How long the command may run (default 30s).')),
  });
