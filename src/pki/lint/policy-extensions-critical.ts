import { extensionOf } from './facts.js';
import type { Lint } from './lint.js';

const OID_POLICY_CONSTRAINTS = '2.5.29.36';
const OID_INHIBIT_ANY_POLICY = '2.5.29.54';

/**
 * RFC 5280 §4.2.1.11 (policyConstraints) and §4.2.1.14 (inhibitAnyPolicy): "Conforming CAs MUST mark this
 * extension as critical."
 */
export const policyExtensionsCritical: Lint = {
  name: 'policy-extensions-critical',
  severity: 'error',
  source: 'RFC 5280 §4.2.1.11, §4.2.1.14',
  appliesTo: 'any',
  check(certificate) {
    const constraints = extensionOf(certificate, OID_POLICY_CONSTRAINTS);
    if (constraints && !constraints.critical) return 'policyConstraints is not critical';
    const inhibit = extensionOf(certificate, OID_INHIBIT_ANY_POLICY);
    if (inhibit && !inhibit.critical) return 'inhibitAnyPolicy is not critical';
    return undefined;
  },
};
