import { DomainError } from '../../errors.js';
import type { Provisioner, ProvisionerType } from './provisioner.js';

/** The provisioner of that name and type; CUSTOS_PROVISIONER_NOT_FOUND naming the ones of that type otherwise. */
export function findProvisioner<T extends ProvisionerType>(
  provisioners: readonly Provisioner[],
  name: string,
  type: T | readonly T[],
): Extract<Provisioner, { type: T }> {
  const types: readonly ProvisionerType[] = Array.isArray(type) ? type : [type as T];
  const found = provisioners.find((p) => p.name === name);
  if (found !== undefined && types.includes(found.type)) return found as Extract<Provisioner, { type: T }>;
  const fitting = provisioners.filter((p) => types.includes(p.type)).map((p) => p.name);
  throw new DomainError(
    'CUSTOS_PROVISIONER_NOT_FOUND',
    found === undefined
      ? `No provisioner is named "${name}".`
      : `The provisioner "${name}" is of type ${found.type}, not ${types.join(' or ')}.`,
    {
      hint:
        fitting.length === 0
          ? `configure one of type ${types.join(' or ')} under provisioners: in custos.yaml (docs/provisioners.md)`
          : `the ${types.join(' or ')} provisioners are: ${fitting.join(', ')}`,
    },
  );
}
