import type { ExceptionSpec } from '../declarative/kinds/exception.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectsReader } from '../ports/objects-store.js';
import { exceptionState, type ExceptionState } from './waivers.js';

export interface ListExceptionsDeps {
  store: { objects: ObjectsReader };
  clock: Clock;
}

export type ExceptionListing = { name: string; state: ExceptionState } & ExceptionSpec;

/** The stored exceptions with their state now: active, expiring (within 14 days) or expired (waiving nothing). */
export async function listExceptions(deps: ListExceptionsDeps): Promise<ExceptionListing[]> {
  const now = deps.clock.now();
  return (await deps.store.objects.list('Exception')).map(({ object }) => ({
    name: object.metadata.name,
    state: exceptionState(object, now),
    ...object.spec,
  }));
}
