import type { Contacts, OwnerSpec } from './kinds/owner.js';
import type { AnyDeclarativeObject } from './objects.js';
import { valueAt, type FieldPath, type FieldProblem } from './schema.js';

/**
 * What `get` prints in place of every webhook secret. Applied back as a secret, it means "keep the secret stored
 * for this URL", so the output of `get owners -o yaml` can be edited and applied again without the secrets.
 */
export const REDACTED_SECRET = '(redacted)';

type Webhook = NonNullable<Contacts['webhooks']>[number];

/** The spec with every webhook replaced; `level` is 0 for `contacts` and N for `escalation[N-1]`. */
function mapWebhooks(spec: OwnerSpec, change: (webhook: Webhook, level: number) => Webhook): OwnerSpec {
  const inLevel = (contacts: Contacts, level: number): Contacts =>
    contacts.webhooks ? { ...contacts, webhooks: contacts.webhooks.map((w) => change(w, level)) } : contacts;
  return {
    ...spec,
    contacts: inLevel(spec.contacts, 0),
    ...(spec.escalation
      ? { escalation: spec.escalation.map((l, i) => ({ ...l, contacts: inLevel(l.contacts, i + 1) })) }
      : {}),
  };
}

/** The object as `get` shows it: webhook secrets are never printed back after they are applied. */
export function redactSecrets(object: AnyDeclarativeObject): AnyDeclarativeObject {
  if (object.kind !== 'Owner') return object;
  return { ...object, spec: mapWebhooks(object.spec, (w) => ({ ...w, secret: REDACTED_SECRET })) };
}

/** The stored secret for a URL: the one at the same level first, else the first at any level. */
function storedSecret(stored: OwnerSpec | undefined, level: number, url: string): string | undefined {
  if (stored === undefined) return undefined;
  const levels = [stored.contacts, ...(stored.escalation ?? []).map((l) => l.contacts)];
  const secretIn = (contacts: Contacts | undefined) => contacts?.webhooks?.find((w) => w.url === url)?.secret;
  return secretIn(levels[level]) ?? levels.map(secretIn).find((s) => s !== undefined);
}

/**
 * A webhook secret written as REDACTED_SECRET must have a stored secret to keep: one of the stored owner of the
 * same name, for the same URL. Reads the spec as written (it may have schema problems of its own).
 */
export function redactedSecretProblems(
  ownerName: string,
  spec: unknown,
  stored: OwnerSpec | undefined,
): FieldProblem[] {
  const escalation = valueAt(spec, ['escalation']);
  const levels: FieldPath[] = [
    ['contacts'],
    ...(Array.isArray(escalation) ? escalation.map((_, i) => ['escalation', i, 'contacts']) : []),
  ];
  const problems: FieldProblem[] = [];
  levels.forEach((contactsPath, level) => {
    const webhooks = valueAt(spec, [...contactsPath, 'webhooks']);
    if (!Array.isArray(webhooks)) return;
    webhooks.forEach((webhook: unknown, index) => {
      const url = valueAt(webhook, ['url']);
      if (valueAt(webhook, ['secret']) !== REDACTED_SECRET || typeof url !== 'string') return;
      if (storedSecret(stored, level, url) !== undefined) return;
      problems.push({
        path: ['spec', ...contactsPath, 'webhooks', index, 'secret'],
        message: `"${REDACTED_SECRET}" keeps a stored secret, but Owner/${ownerName} has none stored for ${url}: write the secret itself`,
      });
    });
  });
  return problems;
}

/** The spec with every REDACTED_SECRET replaced by the stored secret it stands for (see redactedSecretProblems). */
export function withStoredSecrets(spec: OwnerSpec, stored: OwnerSpec | undefined): OwnerSpec {
  return mapWebhooks(spec, (w, level) =>
    w.secret === REDACTED_SECRET ? { ...w, secret: storedSecret(stored, level, w.url) ?? w.secret } : w,
  );
}
