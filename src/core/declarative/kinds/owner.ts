import { duration, email, httpUrl } from '../fields.js';
import { listOf, object, optional, string, type Infer } from '../schema.js';

const contacts = object(
  {
    email: optional(listOf(email(), { minItems: 1, description: 'Email addresses (SMTP).' })),
    webhooks: optional(
      listOf(
        object({
          url: httpUrl(),
          secret: string({ description: 'HMAC-SHA256 signing secret; never printed back.' }),
        }),
        { minItems: 1, description: 'Generic JSON webhooks, signed with the secret (Custos-Signature).' },
      ),
    ),
    slack: optional(
      listOf(httpUrl(), { minItems: 1, description: 'Slack-compatible incoming-webhook URLs.' }),
    ),
  },
  { minFields: 1, description: 'Where notices go: at least one of email, webhooks, slack.' },
);

export type Contacts = Infer<typeof contacts>;

/**
 * Owner: an accountable team. `contacts` is escalation level 0; each `escalation` level is reached when a notice
 * is still unacknowledged `after` this long after it was first sent.
 */
export const ownerSpec = object({
  contacts,
  escalation: optional(
    listOf(
      object({
        after: duration('Time unacknowledged after the first notice before this level is told.'),
        contacts,
      }),
      { description: 'Ordered escalation levels after level 0 (contacts).' },
    ),
  ),
});

export type OwnerSpec = Infer<typeof ownerSpec>;
