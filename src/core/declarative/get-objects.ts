import type { ObjectsReader } from '../ports/objects-store.js';
import { readGovernance } from '../ownership/governance.js';
import type { AnyDeclarativeObject, Kind } from './objects.js';
import { redactSecrets } from './webhook-secrets.js';

export interface GetObjectsDeps {
  store: { objects: ObjectsReader };
}

/**
 * The declarative objects of a kind as anyone outside may see them (CLI `get`, the API): webhook secrets are
 * redacted, and policies are those in effect (the default set counts before it has been stored).
 */
export async function getObjects(
  deps: GetObjectsDeps,
  input: { kind: Kind },
): Promise<AnyDeclarativeObject[]> {
  const objects =
    input.kind === 'Policy'
      ? (await readGovernance(deps.store.objects)).policies
      : (await deps.store.objects.list(input.kind)).map((s) => s.object as AnyDeclarativeObject);
  return objects.map(redactSecrets);
}
