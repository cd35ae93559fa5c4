import { DomainError } from '../errors.js';
import { mapInTurns } from '../in-turns.js';
import type { DecisionChange } from '../policy/compliance-decisions.js';
import type { InventoryEntry } from '../ports/inventory-store.js';
import type { StoreTransaction } from '../ports/store.js';
import { governance, readGovernance } from '../ownership/governance.js';
import { reconcilePolicyDecisions } from '../ownership/reconcile-decisions.js';
import { reconcileOwnership, type OwnerChange } from '../ownership/reconcile-ownership.js';
import type { LintFailure } from '../../pki/lint/lint.js';
import { findingsOfLintFailures, lintFindings } from '../findings/lint-findings.js';
import { sameEvaluation, type Evaluation } from './evaluation.js';

/** Up to this many certificates, their recorded decisions are read by fingerprint; more, and reading all is cheaper. */
const READ_DECISIONS_BY_FINGERPRINT = 256;

/** What evaluation reads of an inventory entry: the certificate and its sightings (not its key's). */
export type WrittenEntry = Pick<InventoryEntry, 'certificate' | 'sightings'>;

export interface EvaluateDeps {
  /** The transaction of the change that calls for the evaluation (a scan batch, an apply, an assignment). */
  tx: StoreTransaction;
  at: Date;
  actor: string;
  /**
   * The lint failures of certificates linted just before (by fingerprint): the built-in CA lints every certificate
   * before it signs, so recording an issuance passes that result along instead of reading the DER and linting again.
   */
  lintFailures?: ReadonlyMap<string, readonly LintFailure[]>;
  /**
   * The DER of certificates the caller holds in memory (a scan has just read them), by fingerprint: linted from these
   * bytes instead of being read back from the store. A first scan of 100,000 files read its 120,000 DERs back in one
   * query of 2.4-2.6 s (bench/scan-files).
   */
  ders?: ReadonlyMap<string, Uint8Array>;
  /**
   * The entries of the certificates being evaluated as the caller has just written them in this transaction (an
   * issuance: the certificate and its one sighting at its `issued` location), evaluated as they are instead of read
   * back (bench/issue: reading a batch's certificates and sightings back was ~7% of a persisted issuance).
   */
  written?: readonly WrittenEntry[];
  /**
   * A deletion may have taken the last rule, identity or assignment away: ownership is reconciled even though nothing
   * can give a certificate an owner now, so the owners recorded before are cleared (and audited).
   */
  ownersMayHaveGone?: boolean;
}

export interface EvaluateResult {
  ownerChanges: OwnerChange[];
  decisionChanges: DecisionChange[];
  /** How many evaluations were written (new or changed). */
  written: number;
}

/**
 * Evaluates these certificates (or every current one) once, inside the caller's transaction: resolves each owner and
 * runs the compliance policies (governance.evaluate), records the owner changes (`owner.changed`) and decision
 * changes (`policy.decided`) with their audit events, and stores each evaluation that is new or changed. A
 * certificate no longer sighted anywhere is left as last evaluated. Nothing here survives a rollback, so a failure
 * loses no evaluation: it is redone with the change that called for it.
 */
export async function evaluate(
  deps: EvaluateDeps,
  fingerprints: readonly string[] | 'all',
): Promise<EvaluateResult> {
  if (fingerprints !== 'all' && fingerprints.length === 0)
    return { ownerChanges: [], decisionChanges: [], written: 0 };
  const { tx, at, actor } = deps;
  const objects = await readGovernance(tx.objects);
  const entries =
    deps.written !== undefined && fingerprints !== 'all'
      ? writtenEntries(deps.written, fingerprints)
      : await tx.inventory.listCertificates(fingerprints === 'all' ? {} : { fingerprints });
  const judged = governance(objects, at);
  const evaluated = await mapInTurns(
    entries,
    (e) => judged.evaluate(e.certificate, e.sightings),
    () => tx.giveTurn(),
  );
  const evaluations = evaluated.map((e) => e.evaluation);
  // Ownership is skipped while nothing can give a certificate an owner (no recorded owner can exist then either,
  // unless a deletion has just taken the last of them away).
  const owned =
    deps.ownersMayHaveGone === true ||
    objects.rules.length > 0 ||
    objects.identities.length > 0 ||
    objects.assignments.length > 0;
  const ownerChanges = owned ? await reconcileOwnership(tx, { evaluations, at, actor }) : [];
  const decisionChanges = await reconcilePolicyDecisions(tx, {
    evaluated,
    at,
    actor,
    onlyEntries: fingerprints !== 'all' && fingerprints.length <= READ_DECISIONS_BY_FINGERPRINT,
  });
  await addLintFindings(tx, evaluations, deps.lintFailures ?? new Map(), deps.ders ?? new Map());
  const stored = await tx.evaluations.evaluationsOf(evaluations.map((e) => e.fingerprintSha256));
  const changed = evaluations.filter((e) => {
    const before = stored.get(e.fingerprintSha256);
    return before === undefined || !sameEvaluation(before, e);
  });
  if (changed.length > 0) await tx.evaluations.putEvaluations(changed, at);
  return { ownerChanges, decisionChanges, written: changed.length };
}

/**
 * Adds each certificate's lint findings (src/core/findings/lint-findings.ts) to its evaluation, so listings show
 * them without reading DER: each evaluated certificate is linted from the failures passed in (an issuance), from the
 * bytes passed in (a scan: those it has just read), or else from its DER read here (an apply: all, which is also how
 * an inventory evaluated before the lints existed gains them; a scan: those whose sightings ended).
 */
async function addLintFindings(
  tx: StoreTransaction,
  evaluations: Evaluation[],
  known: ReadonlyMap<string, readonly LintFailure[]>,
  inMemory: ReadonlyMap<string, Uint8Array>,
): Promise<void> {
  const unread = evaluations.filter(
    (e) => !known.has(e.fingerprintSha256) && !inMemory.has(e.fingerprintSha256),
  );
  const read =
    unread.length === 0
      ? new Map<string, Uint8Array>()
      : await tx.inventory.certificateDers(unread.map((e) => e.fingerprintSha256));
  await mapInTurns(
    evaluations,
    (evaluation) => {
      const failures = known.get(evaluation.fingerprintSha256);
      const der = inMemory.get(evaluation.fingerprintSha256) ?? read.get(evaluation.fingerprintSha256);
      if (failures !== undefined)
        evaluation.findings = [...evaluation.findings, ...findingsOfLintFailures(failures)];
      else if (der) evaluation.findings = [...evaluation.findings, ...lintFindings(der)];
    },
    () => tx.giveTurn(),
  );
}

/** The written entries of these fingerprints, in their order; a fingerprint not among them is a caller's mistake. */
function writtenEntries(written: readonly WrittenEntry[], fingerprints: readonly string[]): WrittenEntry[] {
  const byFingerprint = new Map(written.map((e) => [e.certificate.fingerprintSha256, e]));
  return fingerprints.map((fingerprint) => {
    const entry = byFingerprint.get(fingerprint);
    if (entry === undefined)
      throw new DomainError('CUSTOS_INTERNAL', `evaluate: no written entry for certificate ${fingerprint}.`);
    return entry;
  });
}
