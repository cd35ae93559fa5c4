import { globs, labels, name, timestamp } from '../fields.js';
import { listOf, object, optional, string, type Infer } from '../schema.js';

/**
 * Exception: an approved, expiring waiver of named finding codes for a scope. Within `scope` all given keys must
 * match (a list matches when any item does). Waived findings stay visible with `waivedBy`; an expired exception
 * stops waiving.
 */
export const exceptionSpec = object({
  waives: listOf(
    string({ pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, expected: 'a finding code such as weak-key' }),
    { minItems: 1, description: 'Finding codes waived (built-in or policy codes).' },
  ),
  scope: object(
    {
      fingerprints: optional(
        listOf(
          string({
            pattern: /^[0-9a-fA-F:]{8,}$/,
            expected: 'a SHA-256 fingerprint or a prefix of at least 8 hex digits',
          }),
          { minItems: 1 },
        ),
      ),
      identities: optional(listOf(name(), { minItems: 1, description: 'Identity names.' })),
      selector: optional(object({ labels: labels('Identity labels that must all match.') })),
      paths: optional(
        globs(
          'Globs over file locations (** crosses directories); every location of the certificate must match.',
        ),
      ),
      endpoints: optional(
        listOf(
          string({
            pattern: /^(\[[0-9a-fA-F:.*]+\]|[^\s:[\]]+):(\*|[0-9]{1,5})$/,
            expected: 'a host:port pattern such as *.corp.example:443, 10.0.0.5:* or [::1]:8443',
          }),
          { minItems: 1, description: 'host:port patterns over TLS endpoints; every location must match.' },
        ),
      ),
    },
    {
      minFields: 1,
      description: 'Which certificates: fingerprints, identities, a label selector and/or locations.',
    },
  ),
  reason: string({ description: 'Why the rule cannot be followed.' }),
  compensatingControl: string({ description: 'What reduces the risk meanwhile.' }),
  approver: string({ description: 'Who approved the waiver (a name or an email address).' }),
  expires: timestamp('When the waiver ends.'),
});

export type ExceptionSpec = Infer<typeof exceptionSpec>;
