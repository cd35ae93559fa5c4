/**
 * One set of named certificate lints, run before the built-in CA signs (a failure refuses issuance with
 * `CUSTOS_LINT_<NAME>`), over the inventory (findings `lint-<name>`), by `custos lint FILE...`, and by path
 * validation's WebPKI profile. Each lint is one file in this folder, cites its source (RFC 5280 section, CA/B
 * Forum BR section) and returns a reason or nothing (DESIGN habit 4).
 */
import type { PathCertificate } from '../path/path-certificate.js';

export type LintSeverity = 'error' | 'warning' | 'notice';

/** What a lint knows besides the certificate itself. */
export interface LintContext {
  /** The issuing CA's certificate when known (validity nesting, AKI against its SKI). */
  issuer?: PathCertificate;
}

export interface LintFailure {
  /** kebab-case name: finding `lint-<name>`, error code `CUSTOS_LINT_<NAME upper-snake>`. */
  lint: string;
  severity: LintSeverity;
  /** What is wrong, for a person. */
  message: string;
  /** "RFC 5280 §4.1.2.2", "BR 7.1". */
  source: string;
}

export interface Lint {
  name: string;
  severity: LintSeverity;
  source: string;
  /** Applies to: leaf, CA certificates, or both. */
  appliesTo: 'leaf' | 'ca' | 'any';
  /** The reason the certificate fails, or nothing. */
  check(certificate: PathCertificate, context: LintContext): string | undefined;
}
