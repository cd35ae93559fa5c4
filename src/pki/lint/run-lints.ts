import type { PathCertificate } from '../path/path-certificate.js';
import type { Lint, LintContext, LintFailure } from './lint.js';

/** Every lint, in the order they run (one file each in this folder). */
export const LINTS: readonly Lint[] = [];

/** The failures of `certificate` against every lint that applies to it (a leaf or a CA), in LINTS order. */
export function runLints(certificate: PathCertificate, context: LintContext = {}): LintFailure[] {
  const failures: LintFailure[] = [];
  for (const lint of LINTS) {
    if (lint.appliesTo === 'leaf' && certificate.isCA) continue;
    if (lint.appliesTo === 'ca' && !certificate.isCA) continue;
    const message = lint.check(certificate, context);
    if (message !== undefined)
      failures.push({ lint: lint.name, severity: lint.severity, message, source: lint.source });
  }
  return failures;
}
