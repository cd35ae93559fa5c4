import type { Static } from '@sinclair/typebox';
import { SEVERITIES } from '../../findings/finding.js';
import { choice, closed, list, text } from '../fields.js';

/**
 * Policy: rules as code in CEL. A `compliance` policy runs over the inventory; an `issuance` policy runs when a
 * certificate is requested. A certificate (or request) violates the policy when any validation is false; each
 * violated validation is a finding with the policy's `code`, `severity` and the validation's `message`.
 */
export const POLICY_TYPES = ['compliance', 'issuance'] as const;

export const policySpec = closed({
  type: choice(POLICY_TYPES, 'compliance: over the inventory; issuance: at request time.'),
  code: text({
    pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/,
    expected: 'a finding code of lower-case words joined by "-", e.g. rsa-too-small',
  }),
  severity: choice(SEVERITIES),
  validations: list(
    closed({
      expression: text({ description: 'A CEL expression that is true when the certificate complies.' }),
      message: text({ description: 'The finding message when the expression is false.' }),
    }),
    { minItems: 1 },
  ),
});

export type PolicySpec = Static<typeof policySpec>;
