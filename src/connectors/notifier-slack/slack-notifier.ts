import type { Digest } from '../../core/notify/digest.js';
import { renderDigest } from '../../core/notify/render-digest.js';
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

/** A digest as one message: the headline, then its table and details as preformatted text. */
export function slackMessage(digest: Digest, at: Date): SlackMessage {
  const { title, lines } = renderDigest(digest, at);
  return {
    text: title,
    blocks: [
      // Slack caps header text at 150 characters.
      {
        type: 'header',
        text: { type: 'plain_text', text: title.length > 150 ? `${title.slice(0, 149)}…` : title },
      },
      ...sections(lines.map(escape)).map((text): SlackMessage['blocks'][number] => ({
        type: 'section',
        text: { type: 'mrkdwn', text: `\`\`\`${text}\`\`\`` },
      })),
    ],
  };
}

/** Slack caps a section's text at 3,000 characters and a message at 50 blocks. */
const SECTION_CHARS = 2_900;
const MAX_SECTIONS = 49;

/** The lines cut into sections Slack accepts; what does not fit in the message is counted in its last line. */
function sections(lines: readonly string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const [index, line] of lines.entries()) {
    const text = line.length > SECTION_CHARS ? `${line.slice(0, SECTION_CHARS - 1)}…` : line;
    if (current !== '' && current.length + 1 + text.length > SECTION_CHARS) {
      if (out.length === MAX_SECTIONS - 1) {
        out.push(
          `${current}\n… ${lines.length - index} more lines not shown (custos inventory list --owner shows every certificate)`,
        );
        return out;
      }
      out.push(current);
      current = '';
    }
    current = current === '' ? text : `${current}\n${text}`;
  }
  if (current !== '') out.push(current);
  return out;
}

export function createSlackNotifier(): Notifier {
  return {
    channel: 'slack',
    async deliver(digest, contact, { at, timeoutMs }) {
      if (contact.channel !== 'slack') return { ok: false, error: `not a Slack contact: ${contact.channel}` };
      return postJson(contact.url, JSON.stringify(slackMessage(digest, at)), { timeoutMs });
    },
  };
}
