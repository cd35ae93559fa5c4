import type { LintFailure, LintSeverity } from '../../pki/lint/lint.js';
import { INVENTORY_SKIPPED, lintCertificate } from '../../pki/lint/run-lints.js';
import type { Finding, Severity } from './finding.js';

/**
 * The lints of src/pki/lint as inventory findings, `lint-<name>`. A lint failure is a profile violation, not an
 * outage, and internal PKIs carry many (no EKU, a CN beside the SANs), so an error-severity lint is a `low`
 * finding, a warning or notice `info`; they are not sent as notices (plan-notices.ts).
 * Lints whose fact a built-in finding already reports are skipped (INVENTORY_SKIPPED: rsa-key-size is `weak-key`).
 * The inventory lints each certificate on its own: the issuer-dependent checks (validity-within-issuer, AKI against
 * the issuer's SKI) run only in `custos lint` and before issuance.
 */
export const LINT_FINDING_SEVERITY: Record<LintSeverity, Severity> = {
  error: 'low',
  warning: 'info',
  notice: 'info',
};

export const LINT_FINDING_PREFIX = 'lint-';

export const isLintFinding = (finding: Finding): boolean => finding.code.startsWith(LINT_FINDING_PREFIX);

/** The lint findings of one DER certificate, in lint order; none for a certificate that cannot be read at all. */
export function lintFindings(der: Uint8Array): Finding[] {
  let failures;
  try {
    failures = lintCertificate(der);
  } catch {
    return []; // not even lenient DER: the inventory never holds such a certificate
  }
  return findingsOfLintFailures(failures);
}

/** Lint failures as inventory findings (those of a certificate the CA just linted, passed along unread). */
export function findingsOfLintFailures(failures: readonly LintFailure[]): Finding[] {
  return failures
    .filter((f) => !INVENTORY_SKIPPED.has(f.lint))
    .map((f) => ({
      code: `${LINT_FINDING_PREFIX}${f.lint}`,
      severity: LINT_FINDING_SEVERITY[f.severity],
      message: `${f.message} (${f.source})`,
    }));
}
