import { DomainError } from '../errors.js';
import type {
  DestinationOutcome,
  DestinationRegistry,
  DestinationSpec,
  RevisionBundle,
} from '../ports/destination.js';

/** The destination a declared entry names (the schema admits exactly one kind per entry), with its connector. */
function dispatch<T>(
  registry: DestinationRegistry,
  spec: DestinationSpec,
  run: {
    [K in keyof DestinationRegistry]: (
      destination: DestinationRegistry[K],
      config: NonNullable<DestinationSpec[K]>,
    ) => Promise<T>;
  },
): Promise<T> {
  if (spec.file !== undefined) return run.file(registry.file, spec.file);
  if (spec.exec !== undefined) return run.exec(registry.exec, spec.exec);
  if (spec.webhook !== undefined) return run.webhook(registry.webhook, spec.webhook);
  throw new DomainError('CUSTOS_INTERNAL', 'A destination names no kind (the schema admits none such).');
}

/** Installs the revision at one declared destination. */
export const deployTo = (
  registry: DestinationRegistry,
  spec: DestinationSpec,
  bundle: RevisionBundle,
): Promise<DestinationOutcome> =>
  dispatch(registry, spec, {
    file: (d, c) => d.deploy(c, bundle),
    exec: (d, c) => d.deploy(c, bundle),
    webhook: (d, c) => d.deploy(c, bundle),
  });

/** Removes what was installed at one declared destination (teardown). */
export const removeFrom = (
  registry: DestinationRegistry,
  spec: DestinationSpec,
  name: string,
): Promise<DestinationOutcome> =>
  dispatch(registry, spec, {
    file: (d, c) => d.remove(c, name),
    exec: (d, c) => d.remove(c, name),
    webhook: (d, c) => d.remove(c, name),
  });
