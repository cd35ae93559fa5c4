import type { PkiProblem } from '../problem.js';
import type { FileWorkLimits } from './work-budget.js';

/** What `readContainer` returns, and what the format readers share; apart from the dispatcher so no reader imports it. */
export type ContainerFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs12' | 'jks' | 'k8s-secret';

export interface ContainerCertificate {
  der: Uint8Array;
  k8sSecret?: { namespace: string; name: string };
  alias?: string;
}

export interface ContainerKey {
  /** SHA-256 (lower-case hex) of the DER SubjectPublicKeyInfo of the key's public key — never key material. */
  publicKeySha256: string;
  k8sSecret?: { namespace: string; name: string };
  alias?: string;
}

export interface ReadContainerResult {
  /** null when nothing was recognised. */
  format: ContainerFormat | null;
  /** In file order; duplicates inside one file kept once (per Kubernetes Secret in a manifest). */
  certificates: ContainerCertificate[];
  /** Private keys found, by the hash of their public key. */
  keys: ContainerKey[];
  problems: PkiProblem[];
}

export interface ReadContainerOptions {
  /** Passwords to try on PKCS#12 files, keystores and encrypted keys, after the empty password. */
  passwords: readonly string[];
  /** The file's budget (default: MAX_CERTIFICATES_PER_FILE, and no time limit without a clock). */
  limits?: FileWorkLimits;
}
