import { Type, type Static } from '@sinclair/typebox';
import { atLeastOne, closed, globs, labels, list, name, text, timestamp } from '../fields.js';

/**
 * Exception: an approved, expiring waiver of named finding codes for a scope. Within `scope` all given keys must
 * match (a list matches when any item does). Waived findings stay visible with `waivedBy`; an expired exception
 * stops waiving.
 */
export const exceptionSpec = closed({
  waives: list(text({ pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, expected: 'a finding code such as weak-key' }), {
    minItems: 1,
    description: 'Finding codes waived (built-in or policy codes).',
  }),
  scope: atLeastOne(
    {
      fingerprints: Type.Optional(
        list(
          text({
            pattern: /^[0-9a-fA-F:]{8,}$/,
            expected: 'a SHA-256 fingerprint or a prefix of at least 8 hex digits',
          }),
          { minItems: 1 },
        ),
      ),
      identities: Type.Optional(list(name(), { minItems: 1, description: 'Identity names.' })),
      selector: Type.Optional(closed({ labels: labels('Identity labels that must all match.') })),
      paths: Type.Optional(
        globs(
          'Globs over file locations (** crosses directories); every location of the certificate must match.',
        ),
      ),
      endpoints: Type.Optional(
        list(
          text({
            pattern: /^(\[[0-9a-fA-F:.*]+\]|[^\s:[\]]+):(\*|[0-9]{1,5})$/,
            expected: 'a host:port pattern such as *.corp.example:443, 10.0.0.5:* or [::1]:8443',
          }),
          { minItems: 1, description: 'host:port patterns over TLS endpoints; every location must match.' },
        ),
      ),
    },
    {
      description: 'Which certificates: fingerprints, identities, a label selector and/or locations.',
    },
  ),
  reason: text({ description: 'Why the rule cannot be followed.' }),
  compensatingControl: text({ description: 'What reduces the risk meanwhile.' }),
  approver: text({ description: 'Who approved the waiver (a name or an email address).' }),
  expires: timestamp('When the waiver ends.'),
});

export type ExceptionSpec = Static<typeof exceptionSpec>;
