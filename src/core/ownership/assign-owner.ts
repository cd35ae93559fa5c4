import { storeDefaultPolicies } from '../declarative/apply-manifests.js';
import { DomainError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { evaluate } from '../evaluation/evaluate.js';
import { findCertificateByPrefix } from '../inventory/find-by-prefix.js';
import { governance, readGovernance } from './governance.js';

export interface AssignOwnerDeps {
  store: Store;
  clock: Clock;
}

export interface AssignOwnerInput {
  fingerprintPrefix: string;
  owner: string;
  /** The person: `cli:alice`. */
  actor: string;
}

export interface AssignOwnerResult {
  fingerprintSha256: string;
  owner: string;
  previousOwner: string | null;
}

/**
 * `custos owners assign FINGERPRINT-PREFIX OWNER`: an explicit assignment, which beats every rule. Audited as
 * `owner.assigned` (old owner, new owner, the person), in the same transaction as the assignment, with the certificate's changed policy decisions (`policy.decided`).
 */
export async function assignOwner(
  deps: AssignOwnerDeps,
  input: AssignOwnerInput,
): Promise<AssignOwnerResult> {
  const certificate = await findCertificateByPrefix(deps.store.inventory, input.fingerprintPrefix);
  const owners = await deps.store.objects.list('Owner');
  if (!owners.some((o) => o.object.metadata.name === input.owner)) {
    throw new DomainError('CUSTOS_NOT_FOUND', `no Owner named "${input.owner}"`, {
      hint: 'declare it with `custos apply -f owners.yaml`; list them with `custos get owners`',
    });
  }
  const at = deps.clock.now();
  const fingerprint = certificate.fingerprintSha256;
  const entries = (await deps.store.inventory.listCertificates({ fingerprintPrefix: fingerprint })).filter(
    (e) => e.certificate.fingerprintSha256 === fingerprint,
  );
  return deps.store.transaction(async (tx) => {
    await storeDefaultPolicies(tx.objects, at, (events) => tx.appendAudit(events));
    const before = governance(await readGovernance(tx.objects), at).resolveOwner({
      certificate,
      locations: entries.flatMap((e) => e.sightings.map((s) => s.location)),
    });
    await tx.objects.assign({
      fingerprintSha256: fingerprint,
      owner: input.owner,
      assignedBy: input.actor,
      assignedAt: at,
    });
    await tx.appendAudit([
      {
        type: 'owner.assigned',
        actor: input.actor,
        subject: fingerprint,
        at,
        data: { oldOwner: before.owner, newOwner: input.owner, by: input.actor },
      },
    ]);
    await evaluate({ tx, at, actor: input.actor }, [fingerprint]);
    return { fingerprintSha256: fingerprint, owner: input.owner, previousOwner: before.owner };
  });
}
