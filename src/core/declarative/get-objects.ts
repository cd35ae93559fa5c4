import type { ObjectsReader } from '../ports/objects-store.js';
import { readGovernance } from '../ownership/governance.js';
import type { AnyDeclarativeObject, Kind } from './objects.js';
import { redactSecrets } from './webhook-secrets.js';

export interface GetObjectsDeps {
  store: { objects: ObjectsReader };
}

/**
 * The declarative objects of a kind as anyone outside may see them (CLI `get`, the API): webhook secrets and the
 * token parts of webhook and Slack URLs are redacted, and policies are those in effect (the default set counts before it has been stored).
 */
export async function getObjects(
  deps: GetObjectsDeps,
  /** `showSecrets`: webhook and Slack URLs whole; webhook signing secrets are never shown. */
  input: { kind: Kind; showSecrets?: boolean },
): Promise<AnyDeclarativeObject[]> {
  const objects =
    input.kind === 'Policy'
      ? (await readGovernance(deps.store.objects)).policies
      : (await deps.store.objects.list(input.kind)).map((s) => s.object as AnyDeclarativeObject);
  return objects.map((o) => redactSecrets(o, input.showSecrets === true));
}
