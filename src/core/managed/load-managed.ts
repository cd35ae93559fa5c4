import { DomainError } from '../errors.js';
import type { ManagedCertificateSpec } from '../declarative/kinds/managed-certificate.js';
import type { ObjectsReader } from '../ports/objects-store.js';

export interface ManagedSpecEntry {
  name: string;
  spec: ManagedCertificateSpec;
  generation: number;
}

/** Every declared ManagedCertificate, by name. */
export async function managedSpecs(objects: ObjectsReader): Promise<ManagedSpecEntry[]> {
  return (await objects.list('ManagedCertificate')).map((stored) => ({
    name: stored.object.metadata.name,
    spec: stored.object.spec,
    generation: stored.generation,
  }));
}

/** CUSTOS_MANAGED_NOT_FOUND for this name. */
export const managedNotFound = (name: string): DomainError =>
  new DomainError('CUSTOS_MANAGED_NOT_FOUND', `No managed certificate is named "${name}".`, {
    hint: '`custos managed list` shows them; declare one with `custos apply -f` (kind: ManagedCertificate).',
  });

/** One declared ManagedCertificate; CUSTOS_MANAGED_NOT_FOUND when none has that name. */
export async function managedSpec(objects: ObjectsReader, name: string): Promise<ManagedSpecEntry> {
  const found = (await managedSpecs(objects)).find((m) => m.name === name);
  if (found === undefined) throw managedNotFound(name);
  return found;
}
