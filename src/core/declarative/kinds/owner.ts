import { Type, type Static } from '@sinclair/typebox';
import { atLeastOne, closed, duration, email, httpUrl, list, text } from '../fields.js';

const contacts = atLeastOne(
  {
    email: Type.Optional(list(email(), { minItems: 1, description: 'Email addresses (SMTP).' })),
    webhooks: Type.Optional(
      list(
        closed({
          url: httpUrl(),
          secret: text({ description: 'HMAC-SHA256 signing secret; never printed back.' }),
        }),
        { minItems: 1, description: 'Generic JSON webhooks, signed with the secret (Custos-Signature).' },
      ),
    ),
    slack: Type.Optional(
      list(httpUrl(), { minItems: 1, description: 'Slack-compatible incoming-webhook URLs.' }),
    ),
  },
  { description: 'Where notices go: at least one of email, webhooks, slack.' },
);

export type Contacts = Static<typeof contacts>;

/**
 * Owner: an accountable team. `contacts` is escalation level 0; each `escalation` level is reached when a notice
 * is still unacknowledged `after` this long after it was first sent.
 */
export const ownerSpec = closed({
  contacts,
  escalation: Type.Optional(
    list(
      closed({
        after: duration('Time unacknowledged after the first notice before this level is told.'),
        contacts,
      }),
      { description: 'Ordered escalation levels after level 0 (contacts).' },
    ),
  ),
});

export type OwnerSpec = Static<typeof ownerSpec>;
