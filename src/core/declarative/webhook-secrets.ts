import type { Contacts, OwnerSpec } from './kinds/owner.js';
import type { AnyDeclarativeObject } from './objects.js';
import { REDACTED, redactedQuery } from '../redaction.js';
import { valueAt, type FieldPath, type FieldProblem } from '../schema/validator.js';

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

/**
 * A URL with its token parts replaced by the marker: a Slack-compatible incoming-webhook URL is a secret from its
 * path on (`https://hooks.slack.com/(redacted)`); a generic webhook URL keeps its path but loses its user info and
 * query values (`?token=(redacted)`). The same URL always redacts the same way, so a redacted URL applied back
 * finds the stored one it stands for.
 */
export function redactUrl(url: string, kind: 'slack' | 'webhook'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  if (kind === 'slack') return `${parsed.protocol}//${parsed.host}/${REDACTED}`;
  const user = parsed.username || parsed.password ? `${REDACTED}@` : '';
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}${redactedQuery(parsed.searchParams, () => true)}`;
}

/** Whether `shown` is `stored` as get printed it (the URL itself, or its redaction). */
const shownAs = (stored: string, shown: string, kind: 'slack' | 'webhook') =>
  stored === shown || (shown.includes(REDACTED) && redactUrl(stored, kind) === shown);

/** The spec with every Slack URL replaced; `level` as in mapWebhooks. */
function mapSlack(spec: OwnerSpec, change: (url: string, level: number) => string): OwnerSpec {
  const inLevel = (contacts: Contacts, level: number): Contacts =>
    contacts.slack ? { ...contacts, slack: contacts.slack.map((u) => change(u, level)) } : contacts;
  return {
    ...spec,
    contacts: inLevel(spec.contacts, 0),
    ...(spec.escalation
      ? { escalation: spec.escalation.map((l, i) => ({ ...l, contacts: inLevel(l.contacts, i + 1) })) }
      : {}),
  };
}

/**
 * The object as `get` shows it: webhook secrets are never printed back after they are applied, and the token parts
 * of webhook and Slack URLs are redacted unless `showSecrets` (`get --show-secrets`).
 */
export function redactSecrets(object: AnyDeclarativeObject, showSecrets = false): AnyDeclarativeObject {
  if (object.kind !== 'Owner') return object;
  const withoutSecrets = mapWebhooks(object.spec, (w) => ({
    url: showSecrets ? w.url : redactUrl(w.url, 'webhook'),
    secret: REDACTED,
  }));
  return {
    ...object,
    spec: showSecrets ? withoutSecrets : mapSlack(withoutSecrets, (url) => redactUrl(url, 'slack')),
  };
}

const levelsOf = (stored: OwnerSpec): Contacts[] => [
  stored.contacts,
  ...(stored.escalation ?? []).map((l) => l.contacts),
];

/** The stored webhook a URL (possibly redacted) stands for: the one at the same level first, else at any level. */
function storedWebhook(stored: OwnerSpec | undefined, level: number, url: string): Webhook | undefined {
  if (stored === undefined) return undefined;
  const levels = levelsOf(stored);
  const find = (contacts: Contacts | undefined) =>
    contacts?.webhooks?.find((w) => shownAs(w.url, url, 'webhook'));
  return find(levels[level]) ?? levels.map(find).find((w) => w !== undefined);
}

/** The stored Slack URL a redacted one stands for, as storedWebhook. */
function storedSlack(stored: OwnerSpec | undefined, level: number, url: string): string | undefined {
  if (stored === undefined) return undefined;
  const levels = levelsOf(stored);
  const find = (contacts: Contacts | undefined) => contacts?.slack?.find((u) => shownAs(u, url, 'slack'));
  return find(levels[level]) ?? levels.map(find).find((u) => u !== undefined);
}

const storedSecret = (stored: OwnerSpec | undefined, level: number, url: string): string | undefined =>
  storedWebhook(stored, level, url)?.secret;

/**
 * A webhook secret written as REDACTED must have a stored secret to keep: one of the stored owner of the
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
      if (typeof url !== 'string') return;
      if (url.includes(REDACTED) && storedWebhook(stored, level, url) === undefined) {
        problems.push({
          path: ['spec', ...contactsPath, 'webhooks', index, 'url'],
          message: `"${REDACTED}" keeps a stored URL, but Owner/${ownerName} has none stored that reads ${url}: write the URL itself`,
        });
        return;
      }
      if (valueAt(webhook, ['secret']) !== REDACTED) return;
      if (storedSecret(stored, level, url) !== undefined) return;
      problems.push({
        path: ['spec', ...contactsPath, 'webhooks', index, 'secret'],
        message: `"${REDACTED}" keeps a stored secret, but Owner/${ownerName} has none stored for ${url}: write the secret itself`,
      });
    });
  });
  levels.forEach((contactsPath, level) => {
    const slack = valueAt(spec, [...contactsPath, 'slack']);
    if (!Array.isArray(slack)) return;
    slack.forEach((url: unknown, index) => {
      if (typeof url !== 'string' || !url.includes(REDACTED)) return;
      if (storedSlack(stored, level, url) !== undefined) return;
      problems.push({
        path: ['spec', ...contactsPath, 'slack', index],
        message: `"${REDACTED}" keeps a stored Slack URL, but Owner/${ownerName} has none stored that reads ${url}: write the URL itself`,
      });
    });
  });
  return problems;
}

/**
 * The spec with every REDACTED replaced by the stored secret or URL it stands for (see
 * redactedSecretProblems).
 */
export function withStoredSecrets(spec: OwnerSpec, stored: OwnerSpec | undefined): OwnerSpec {
  const webhooks = mapWebhooks(spec, (w, level) => {
    const url = w.url.includes(REDACTED) ? (storedWebhook(stored, level, w.url)?.url ?? w.url) : w.url;
    return {
      url,
      secret: w.secret === REDACTED ? (storedSecret(stored, level, w.url) ?? w.secret) : w.secret,
    };
  });
  return mapSlack(webhooks, (url, level) =>
    url.includes(REDACTED) ? (storedSlack(stored, level, url) ?? url) : url,
  );
}

/**
 * The object with every value that is kept sealed at rest passed through `change`: each webhook's secret and URL
 * (its URL may carry a token) and each Slack URL (a token from its path on). The store seals them on write and opens
 * them on read with its SecretCipher; every other field stays readable in the database.
 */
export function mapSecretsAtRest(
  object: AnyDeclarativeObject,
  change: (value: string) => string,
): AnyDeclarativeObject {
  if (object.kind !== 'Owner') return object;
  const webhooks = mapWebhooks(object.spec, (w) => ({ url: change(w.url), secret: change(w.secret) }));
  return { ...object, spec: mapSlack(webhooks, (url) => change(url)) };
}
