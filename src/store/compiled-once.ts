/**
 * A query of a fixed shape whose SQL Kysely builds once: each later run binds its own parameters to the same SQL
 * text (which the SQLite engine has prepared once, sqlite-engine.ts). Building and compiling a query through
 * Kysely's builder costs tens of µs, more than SQLite takes to answer an indexed read, so the hottest reads (the
 * OCSP responder's revocation state of a serial) skip it. Only for queries whose SQL does not depend on the values
 * (no `is null` on a value, no lists): the first run checks that the compiled parameters are the values given, in
 * their order, so a shape that breaks that fails at once instead of binding values to the wrong places.
 */
import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import type { StoreDatabase } from './schema.js';

export function compiledOnce<A extends readonly unknown[], R>(
  db: Kysely<StoreDatabase>,
  build: (...values: A) => Compilable<R>,
): (...values: A) => Promise<R[]> {
  let compiled: CompiledQuery<R> | undefined;
  return async (...values) => {
    if (compiled === undefined) {
      const first = build(...values).compile();
      if (
        first.parameters.length !== values.length ||
        first.parameters.some((parameter, i) => parameter !== values[i])
      )
        throw new Error(`compiledOnce: the parameters of "${first.sql}" are not the values given, in order`);
      compiled = first;
    }
    const result = await db.executeQuery<R>({ ...compiled, parameters: values });
    return result.rows;
  };
}
