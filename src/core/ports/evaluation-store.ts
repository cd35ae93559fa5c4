import type { Evaluation, StoredEvaluation } from '../evaluation/evaluation.js';

/** Reads the stored evaluations (`store.evaluations`, committed data; `tx.evaluations`, the transaction's). */
export interface EvaluationReader {
  /** The stored evaluations of these certificates, by fingerprint (a certificate never evaluated is absent). */
  evaluationsOf(fingerprints: readonly string[]): Promise<Map<string, StoredEvaluation>>;
}

/** Writes evaluations inside a store transaction, with the change that caused them. */
export interface EvaluationWriter extends EvaluationReader {
  /** Creates or replaces the evaluations of these certificates. */
  putEvaluations(evaluations: readonly Evaluation[], at: Date): Promise<void>;
}
