import { createHash } from 'node:crypto';
import { replaceForOwnerChange } from '../managed/replace-revision.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import type { Clock } from '../ports/clock.js';
import type { NotifierRegistry } from '../ports/notifier.js';
import { unreachableContacts, type ContactWarning } from '../notify/channel-settings.js';
import type { ObjectsReader, ObjectsWriter } from '../ports/objects-store.js';
import type { Store } from '../ports/store.js';
import { governance, readGovernance, withObjects } from '../ownership/governance.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { OwnerChange } from '../ownership/reconcile-ownership.js';
import { describeSource } from '../ownership/resolve-owner.js';
import { DEFAULT_POLICIES } from '../policy/default-policies.js';
import { checkPolicyExpressions } from './check-policy-expressions.js';
import type { AnyDeclarativeObject } from './objects.js';
import { redactSecrets } from './webhook-secrets.js';
import {
  manifestError,
  parseManifestFiles,
  type ManifestFile,
  type ParsedManifest,
} from './parse-manifests.js';

export interface ApplyManifestsDeps {
  store: Store;
  clock: Clock;
  /** The notification channels configured: given, the Owners applied are checked against them (`warnings`). */
  notifiers?: NotifierRegistry;
}

export interface ApplyManifestsInput {
  text: string;
  fileName: string;
  /** Files applied with the first as one set (`apply -f a.yaml -f b.yaml`): all of them or nothing. */
  moreFiles?: readonly ManifestFile[];
  /** Who applies: `cli:alice`. */
  actor: string;
  /** Report what would change, write nothing. */
  dryRun?: boolean;
}

export interface ObjectChange {
  kind: string;
  name: string;
  change: 'created' | 'configured' | 'unchanged';
  /** The generation after the change (the current one when unchanged). */
  generation: number;
}

export interface ApplyResult {
  dryRun: boolean;
  objects: ObjectChange[];
  ownerChanges: OwnerChange[];
  /** What was applied but will not work as written: an Owner's email contact while no SMTP is configured. */
  warnings: ContactWarning[];
}

const key = (o: AnyDeclarativeObject): string => `${o.kind}/${o.metadata.name}`;
const canonical = (o: AnyDeclarativeObject): string => JSON.stringify([o.metadata, o.spec]);

/**
 * The `specSha256` an object event carries. The spec itself may hold webhook secrets: the audit keeps the hash of
 * the spec as `get` shows it, secrets redacted, so that a printed object and the audit export together allow no
 * offline guess of a secret. `audit verify --state` recomputes it over the stored objects.
 */
export function auditedSpecSha256(object: AnyDeclarativeObject): string {
  return createHash('sha256')
    .update(canonical(redactSecrets(object)))
    .digest('hex');
}

/**
 * `custos apply -f FILE`: all or nothing. The file is parsed and checked first (schemas, CEL, references to owners
 * and identities valid in the file or stored, and redacted webhook secrets that must keep a stored one); any problem
 * refuses the whole file with every problem listed and nothing written. Otherwise, in one transaction: the default policies are stored if this is the
 * first write, every object is created or configured (an identical one is left unchanged), each change is an audit
 * event, and ownership and policy decisions are reconciled so that a changed rule re-assigns and a changed policy or
 * exception re-decides (each owner change and each changed decision audited).
 */
export async function applyManifests(
  deps: ApplyManifestsDeps,
  input: ApplyManifestsInput,
): Promise<ApplyResult> {
  const current = await readGovernance(deps.store.objects);
  const parsed = parseManifestFiles(
    [{ text: input.text, fileName: input.fileName }, ...(input.moreFiles ?? [])],
    [checkPolicyExpressions],
    current,
  );
  if (!parsed.ok) throw manifestError(parsed.problems);
  const manifests = parsed.manifests;
  const owners = manifests.flatMap(({ object }) => (object.kind === 'Owner' ? [object] : []));
  const warnings = deps.notifiers === undefined ? [] : unreachableContacts(owners, deps.notifiers);

  const at = deps.clock.now();
  if (input.dryRun) {
    const entries = await deps.store.inventory.listCertificates({});
    const objects = await plannedChanges(deps.store.objects, manifests);
    const merged = withObjects(
      current,
      manifests.map((m) => m.object),
    );
    const recorded = new Map(
      (await deps.store.objects.recordedOwnerships()).map((r) => [r.fingerprintSha256, r]),
    );
    const { resolveOwner } = governance(merged, at);
    const ownerChanges: OwnerChange[] = [];
    for (const entry of entries) {
      const ownership = resolveOwner({
        certificate: entry.certificate,
        locations: entry.sightings.map((s) => s.location),
      });
      const before = recorded.get(entry.certificate.fingerprintSha256)?.owner ?? null;
      if (before !== ownership.owner) {
        ownerChanges.push({
          fingerprintSha256: entry.certificate.fingerprintSha256,
          oldOwner: before,
          newOwner: ownership.owner,
          identity: ownership.identity?.metadata.name ?? null,
          by: describeSource(ownership.source),
        });
      }
    }
    return { dryRun: true, objects, ownerChanges, warnings };
  }

  return deps.store.transaction(async (tx) => {
    await storeDefaultPolicies(tx.objects, at, (events) => tx.appendAudit(events));
    const objects: ObjectChange[] = [];
    const events: AuditEventInput[] = [];
    const ownersBefore = new Map(
      (await tx.objects.list('Identity')).map((o) => [o.object.metadata.name, o.object.spec.owner]),
    );
    for (const manifest of manifests) {
      const { object } = manifest;
      const result = await tx.objects.put(object, at, input.actor);
      objects.push({ kind: object.kind, name: object.metadata.name, ...result });
      if (result.change !== 'unchanged') events.push(objectEvent(object, result, at, input.actor, manifest));
    }
    if (events.length > 0) await tx.appendAudit(events);
    // An identity handed to another owner: its managed certificates are re-issued and the old revisions revoked.
    for (const { object } of manifests) {
      if (object.kind !== 'Identity') continue;
      const before = ownersBefore.get(object.metadata.name);
      if (before !== undefined && before !== object.spec.owner)
        await replaceForOwnerChange(tx, { identity: object.metadata.name, at, actor: input.actor });
    }
    const { ownerChanges } = await evaluate({ tx, at, actor: input.actor }, 'all');
    return { dryRun: false, objects, ownerChanges, warnings };
  });
}

function objectEvent(
  object: AnyDeclarativeObject,
  result: { change: string; generation: number },
  at: Date,
  actor: string,
  manifest?: ParsedManifest,
): AuditEventInput {
  return {
    type: `object.${result.change}`,
    actor,
    subject: key(object),
    at,
    data: {
      kind: object.kind,
      name: object.metadata.name,
      generation: result.generation,
      specSha256: auditedSpecSha256(object),
      ...(manifest ? { file: manifest.source.fileName, document: manifest.source.document } : {}),
    },
  };
}

/** Stores the default policy set once, on the first write; a default already stored by name is left as it is. */
export async function storeDefaultPolicies(
  objects: ObjectsWriter,
  at: Date,
  appendAudit: (events: AuditEventInput[]) => Promise<void>,
): Promise<void> {
  if (await objects.defaultsSeeded()) return;
  const events: AuditEventInput[] = [];
  const stored = new Set((await objects.list('Policy')).map((p) => p.object.metadata.name));
  for (const policy of DEFAULT_POLICIES) {
    if (stored.has(policy.metadata.name)) continue;
    const result = await objects.put(policy, at, 'custos:defaults');
    events.push(objectEvent(policy, result, at, 'custos:defaults'));
  }
  await objects.markDefaultsSeeded(at);
  if (events.length > 0) await appendAudit(events);
}

async function plannedChanges(
  reader: ObjectsReader,
  manifests: readonly ParsedManifest[],
): Promise<ObjectChange[]> {
  const changes: ObjectChange[] = [];
  for (const { object } of manifests) {
    const existing = (await reader.list(object.kind)).find(
      (s) => s.object.metadata.name === object.metadata.name,
    );
    if (existing === undefined)
      changes.push({ kind: object.kind, name: object.metadata.name, change: 'created', generation: 1 });
    else {
      const same = canonical(existing.object as AnyDeclarativeObject) === canonical(object);
      changes.push({
        kind: object.kind,
        name: object.metadata.name,
        change: same ? 'unchanged' : 'configured',
        generation: same ? existing.generation : existing.generation + 1,
      });
    }
  }
  return changes;
}
