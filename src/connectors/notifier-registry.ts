import { setTimeout as wait } from 'node:timers/promises';
import type { NotifierRegistry } from '../core/ports/notifier.js';
import type { Sleep } from '../core/notify/deliver-notices.js';
import { createEmailNotifier, type EmailSettings } from './notifier-email/email-notifier.js';
import { createSlackNotifier } from './notifier-slack/slack-notifier.js';
import { createWebhookNotifier } from './notifier-webhook/webhook-notifier.js';

/**
 * The notification channels, as one explicit map: Slack and webhooks always (their contacts carry the URL),
 * email when SMTP is configured (`smtp:` in custos.yaml, CUSTOS_SMTP_URL and CUSTOS_SMTP_FROM). A contact on a
 * channel that is off is recorded as a failed delivery.
 */
export function buildNotifierRegistry(settings: { email: EmailSettings | undefined }): NotifierRegistry {
  const { email } = settings;
  return {
    ...(email === undefined ? {} : { email: createEmailNotifier(email) }),
    slack: createSlackNotifier(),
    webhook: createWebhookNotifier(),
  };
}

/** The Sleep the delivery use case waits with: a real timer that an abort ends early. */
export const sleep: Sleep = async (ms, signal) => {
  try {
    await wait(ms, undefined, { signal });
  } catch {
    // Aborted: the wait is over early, as the caller asked.
  }
};
