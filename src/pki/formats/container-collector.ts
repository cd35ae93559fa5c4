import { createHash } from 'node:crypto';
import { PkiFormatError, type PkiProblem, type PkiProblemCode } from '../problem.js';
import type { ContainerCertificate, ContainerKey } from './container-types.js';
import { WorkBudgetExceeded, type WorkBudget } from './work-budget.js';

export interface K8sSecretRef {
  namespace: string;
  name: string;
}

/** Where an entry came from inside its file: a Kubernetes Secret, a keystore alias. */
export interface EntryOrigin {
  k8sSecret?: K8sSecretRef;
  alias?: string;
}

/**
 * Gathers what the format readers find in one file. A certificate seen twice (the same DER) is kept once,
 * with the origin of its first sighting; in a Kubernetes manifest the Secret is part of the identity, so the
 * same certificate in two Secrets is two entries (two locations). Keys are kept once per public key and
 * Secret in the same way. Both checks are one Set lookup (by SHA-256 of the DER), so a bundle of 28,000 distinct
 * certificates is read in linear time (comparing each with every earlier one took 68 s and 500 MB).
 */
export class ContainerCollector {
  readonly certificates: ContainerCertificate[] = [];
  readonly keys: ContainerKey[] = [];
  readonly problems: PkiProblem[] = [];
  private readonly certificateIds = new Set<string>();
  private readonly keyIds = new Set<string>();

  /** `budget` is shared with the collectors of the entries inside this file (a Kubernetes Secret's values). */
  constructor(readonly budget: WorkBudget) {}

  addCertificate(der: Uint8Array, origin: EntryOrigin = {}): void {
    const id = `${secretId(origin)}|${createHash('sha256').update(der).digest('base64')}`;
    if (this.certificateIds.has(id)) return;
    this.budget.certificate();
    this.certificateIds.add(id);
    this.certificates.push({ der: new Uint8Array(der), ...origin });
  }

  addKey(publicKeySha256: string, origin: EntryOrigin = {}): void {
    const id = `${secretId(origin)}|${publicKeySha256}`;
    if (this.keyIds.has(id)) return;
    this.keyIds.add(id);
    this.keys.push({ publicKeySha256, ...origin });
  }

  problem(code: PkiProblemCode, message: string): void {
    this.problems.push({ code, message });
  }

  /**
   * Records a parser failure as a problem: a `PkiFormatError` keeps its code, anything else is malformed.
   * `embedded` is for structures inside a complete outer one (a PEM block, a keystore entry): running past
   * their end is broken DER, not a truncated file. The file's exhausted budget is not an entry's failure: it
   * passes on, up to readContainer.
   */
  failure(error: unknown, context: string, embedded = false): void {
    if (error instanceof WorkBudgetExceeded) throw error;
    const message = `${context}: ${error instanceof Error ? error.message : String(error)}`;
    if (!(error instanceof PkiFormatError)) this.problem('CUSTOS_FILE_MALFORMED', message);
    else if (embedded && error.code === 'CUSTOS_FILE_TRUNCATED')
      this.problem('CUSTOS_DER_MALFORMED', message);
    else this.problem(error.code, message);
  }

  get isEmpty(): boolean {
    return this.certificates.length === 0 && this.keys.length === 0 && this.problems.length === 0;
  }
}

/** A name read from the file (alias, Secret, key), quoted and escaped for a one-line message, at most 64 characters. */
export function quote(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

function secretId(origin: EntryOrigin): string {
  return origin.k8sSecret ? `${origin.k8sSecret.namespace}/${origin.k8sSecret.name}` : '';
}
