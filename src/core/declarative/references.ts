import { NAME_PATTERN } from './fields.js';
import type { Kind } from './objects.js';
import { valueAt, type FieldProblem } from '../schema/validator.js';

export type ReferencedKind = Extract<Kind, 'Owner' | 'Identity'>;

/** What a reference may name: the valid objects of the file and the stored ones. */
export interface ReferenceTargets {
  has(kind: ReferencedKind, name: string): boolean;
  /** Where this name is declared but invalid, if anywhere (`document 2`, `b.yaml document 2`), for the message. */
  invalidDeclaration(kind: ReferencedKind, name: string): string | undefined;
}

/**
 * The owner of an identity or a rule, and the identities of an exception's scope, must name an object that is valid
 * in the file or stored. Reads the spec as written (it may have schema problems of its own); a reference that is
 * not a well-formed name is left to the schema.
 */
export function referenceProblems(kind: Kind, spec: unknown, targets: ReferenceTargets): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (target: ReferencedKind, name: unknown, path: Array<string | number>) => {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name) || targets.has(target, name)) return;
    const invalid = targets.invalidDeclaration(target, name);
    problems.push({
      path,
      message:
        invalid === undefined
          ? `no ${target} named "${name}" in this file or the store`
          : `${target} "${name}" is declared in ${invalid}, which is invalid`,
    });
  };
  if (kind === 'Identity' || kind === 'OwnershipRule') {
    check('Owner', valueAt(spec, ['owner']), ['spec', 'owner']);
  }
  if (kind === 'ManagedCertificate' && valueAt(spec, ['identity']) !== undefined) {
    check('Identity', valueAt(spec, ['identity']), ['spec', 'identity']);
  }
  if (kind === 'Exception') {
    const identities = valueAt(spec, ['scope', 'identities']);
    if (Array.isArray(identities)) {
      identities.forEach((name: unknown, i) => check('Identity', name, ['spec', 'scope', 'identities', i]));
    }
  }
  return problems;
}
