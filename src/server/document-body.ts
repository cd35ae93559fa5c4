/**
 * Routes whose body is declarative documents (`POST /v1/apply`, `POST /v1/managed`). The OpenAPI document describes
 * the body with the kinds' schemas (components.schemas.<Kind>, from core/declarative/objects.ts); the body itself is
 * validated by `applyManifests` (parseManifests) with those very schemas, exactly as `custos apply -f` validates a
 * file, so the API answers the CLI's code and problem list (CUSTOS_MANIFEST_INVALID: every document, field path and
 * line). Fastify's own Ajv leaves the body alone: it would answer in its own words, and its type coercion would
 * accept what the CLI refuses ("10" for an integer). The other parts of the request (the query string) are checked
 * by the core's Ajv, without coercion either.
 */
import type { TSchema } from '@sinclair/typebox';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { compileCheck } from '../core/schema/validator.js';

// Fastify hands the compiler one part's schema at a time (typed as the route's whole schema).
export const documentBodyValidator = <S>({
  schema,
  httpPart,
}: FastifyRouteSchemaDef<S>): FastifyValidationResult =>
  httpPart === 'body' ? () => true : compileCheck(schema as TSchema);

/**
 * A body of documents as the text `custos apply -f` reads: a YAML text as sent, anything JSON as one YAML document
 * per element of an array (JSON is YAML), so the problems name each document and its line.
 */
export function documentsText(body: unknown): string {
  if (typeof body === 'string') return body;
  const documents = Array.isArray(body) ? body : [body];
  return documents.map((d) => JSON.stringify(d, null, 1)).join('\n---\n');
}
