import type { AuditEventInput } from '../audit/audit-event.js';
import { DomainError } from '../errors.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { Clock } from '../ports/clock.js';
import type { Store, StoreTransaction } from '../ports/store.js';
import { readGovernance } from '../ownership/governance.js';
import type { OwnerChange } from '../ownership/reconcile-ownership.js';
import type { DecisionChange } from '../policy/compliance-decisions.js';
import type { OwnerAssignment } from '../ownership/resolve-owner.js';
import { formatPath } from '../schema/validator.js';
import { counted } from '../plural.js';
import { storeDefaultPolicies } from './apply-manifests.js';
import { COLLECTION_OF_KIND } from './kind-names.js';
import type { AnyDeclarativeObject, Kind } from './objects.js';
import { referenceProblems, type ReferenceTargets } from './references.js';
import { manifestError, parseManifests } from './parse-manifests.js';

export interface DeleteObjectsDeps {
  store: Store;
  clock: Clock;
}

export interface ObjectRef {
  kind: Kind;
  name: string;
}

export interface DeleteObjectsInput {
  objects: ObjectRef[];
  /** Who deletes: `cli:alice`. */
  actor: string;
  /** An object that does not exist is reported as `not-found` instead of refusing the whole request. */
  ignoreNotFound?: boolean;
}

export interface DeletedObject extends ObjectRef {
  change: 'deleted' | 'not-found';
}

export interface DeleteObjectsResult {
  objects: DeletedObject[];
  /** Certificates whose owner changed because a rule, identity or owner went. */
  ownerChanges: OwnerChange[];
  /** Policy decisions that changed: those of a deleted policy are `retracted`, a deleted exception's waivers end. */
  decisionChanges: DecisionChange[];
}

const keyOf = (o: ObjectRef): string => `${o.kind}/${o.name}`;

/** The objects a manifest file names (`custos delete -f FILE`), checked as `apply -f` checks their form. */
export function objectsOfManifest(text: string, fileName: string): ObjectRef[] {
  const parsed = parseManifests(text, fileName);
  if (!parsed.ok) throw manifestError(parsed.problems);
  return parsed.manifests.map(({ object }) => ({ kind: object.kind, name: object.metadata.name }));
}

/**
 * `custos delete KIND NAME...` / `delete -f FILE` / `DELETE /v1/objects/{kind}/{name}`: all or nothing, in one
 * transaction. Every object must exist (unless `ignoreNotFound`) and no object that stays may refer to one that goes
 * (an identity's or rule's owner, an exception's or managed certificate's identity); a ManagedCertificate is torn
 * down by `managed delete`, which clears its destinations. Then each object is deleted (`object.deleted`), the
 * default policies being stored first if this is the first write, and every certificate is evaluated again in the
 * same transaction: owners re-resolved (`owner.changed`), a deleted policy's decisions retracted and a deleted
 * exception's waivers ended (`policy.decided`), and the stored evaluations rewritten.
 */
export async function deleteObjects(
  deps: DeleteObjectsDeps,
  input: DeleteObjectsInput,
): Promise<DeleteObjectsResult> {
  const managed = input.objects.find((o) => o.kind === 'ManagedCertificate');
  if (managed !== undefined)
    throw new DomainError(
      'CUSTOS_USAGE',
      `ManagedCertificate "${managed.name}" is deleted with its destinations, not as a plain object`,
      { hint: `use \`custos managed delete ${managed.name}\`, with --revoke to revoke its revisions` },
    );
  const at = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    await storeDefaultPolicies(tx.objects, at, (events) => tx.appendAudit(events));
    const stored = await storedObjects(tx);
    const results: DeletedObject[] = [];
    const seen = new Set<string>();
    for (const ref of input.objects) {
      if (seen.has(keyOf(ref))) continue;
      seen.add(keyOf(ref));
      results.push({ ...ref, change: stored.has(keyOf(ref)) ? 'deleted' : 'not-found' });
    }
    const missing = results.filter((r) => r.change === 'not-found');
    if (missing.length > 0 && input.ignoreNotFound !== true)
      throw new DomainError('CUSTOS_NOT_FOUND', `no ${missing.map(keyOf).join(', ')}; nothing was deleted`, {
        hint: `\`custos get ${COLLECTION_OF_KIND[missing[0]!.kind]}\` lists them; --ignore-not-found deletes the others`,
      });
    const going = new Set(results.filter((r) => r.change === 'deleted').map(keyOf));
    const blocking = referencesTo(going, [...stored.values()], await tx.objects.assignments());
    if (blocking.length > 0)
      throw new DomainError(
        'CUSTOS_OBJECT_IN_USE',
        `${counted(blocking.length, 'reference')} to what would be deleted: ${blocking.join('; ')}; nothing was deleted`,
        { hint: 'delete or change what refers to it first, or delete them together' },
      );
    const events: AuditEventInput[] = [];
    for (const r of results) {
      if (r.change !== 'deleted') continue;
      await tx.objects.remove(r.kind, r.name);
      events.push({
        type: 'object.deleted',
        actor: input.actor,
        subject: keyOf(r),
        at,
        data: { kind: r.kind, name: r.name },
      });
    }
    if (events.length === 0) return { objects: results, ownerChanges: [], decisionChanges: [] };
    await tx.appendAudit(events);
    const { ownerChanges, decisionChanges } = await evaluate(
      { tx, at, actor: input.actor, ownersMayHaveGone: true },
      'all',
    );
    return { objects: results, ownerChanges, decisionChanges };
  });
}

/** Every stored object by `Kind/name`, policies as in effect (the default set counts once stored above). */
async function storedObjects(tx: StoreTransaction): Promise<Map<string, AnyDeclarativeObject>> {
  const g = await readGovernance(tx.objects);
  const all: AnyDeclarativeObject[] = [
    ...g.owners,
    ...g.identities,
    ...g.rules,
    ...g.policies,
    ...g.exceptions,
    ...(await tx.objects.list('ManagedCertificate')).map((s) => s.object),
    ...(await tx.objects.list('TrustBundle')).map((s) => s.object),
  ];
  return new Map(all.map((o) => [keyOf({ kind: o.kind, name: o.metadata.name }), o]));
}

/** What refers to an object in `going` and does not go itself: `Identity/web spec.owner names Owner/payments`. */
function referencesTo(
  going: ReadonlySet<string>,
  objects: readonly AnyDeclarativeObject[],
  assignments: readonly OwnerAssignment[],
): string[] {
  const found: string[] = [];
  for (const o of objects) {
    const from = keyOf({ kind: o.kind, name: o.metadata.name });
    if (going.has(from)) continue;
    const named: string[] = [];
    // The references apply checks, asked of the objects that stay: a target that goes is missing.
    const targets: ReferenceTargets = {
      has: (kind, name) => {
        const target = keyOf({ kind, name });
        if (!going.has(target)) return true;
        named.push(target);
        return false;
      },
      invalidDeclaration: () => undefined,
    };
    referenceProblems(o.kind, o.spec, targets).forEach((p, i) =>
      found.push(`${from} ${formatPath(p.path)} names ${named[i] ?? '?'}`),
    );
  }
  for (const a of assignments)
    if (going.has(`Owner/${a.owner}`))
      found.push(`certificate ${a.fingerprintSha256.slice(0, 16)} is assigned to Owner/${a.owner}`);
  return found;
}
