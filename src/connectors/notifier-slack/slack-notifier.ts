import { renderNotice } from '../../core/notify/render-notice.js';
import type { Notice } from '../../core/notify/notice.js';
import type { Notifier } from '../../core/ports/notifier.js';
import { postJson } from '../notifier-http/post-json.js';

/** The body of a Slack-compatible incoming webhook: `text` for every client, `blocks` for those that render them. */
export interface SlackMessage {
  text: string;
  blocks: Array<
    | { type: 'header'; text: { type: 'plain_text'; text: string } }
    | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  >;
}

/** Slack escapes only these three in mrkdwn. */
const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackMessage(notice: Notice): SlackMessage {
  const { title, lines } = renderNotice(notice);
  return {
    text: title,
    blocks: [
      // Slack caps header text at 150 characters.
      {
        type: 'header',
        text: { type: 'plain_text', text: title.length > 150 ? `${title.slice(0, 149)}…` : title },
      },
      { type: 'section', text: { type: 'mrkdwn', text: lines.map(escape).join('\n') } },
    ],
  };
}

export function createSlackNotifier(): Notifier {
  return {
    channel: 'slack',
    async deliver(notice, contact, { timeoutMs }) {
      if (contact.channel !== 'slack') return { ok: false, error: `not a Slack contact: ${contact.channel}` };
      return postJson(contact.url, JSON.stringify(slackMessage(notice)), { timeoutMs });
    },
  };
}
