import nodemailer from 'nodemailer';
import { renderNotice } from '../../core/notify/render-notice.js';
import { DomainError } from '../../core/errors.js';
import type { Notifier } from '../../core/ports/notifier.js';

/** Email over SMTP: `CUSTOS_SMTP_URL=smtp://[user:pass@]host:port` (smtps:// for implicit TLS), `CUSTOS_SMTP_FROM`. */
export interface EmailSettings {
  url: string;
  from: string;
}

/** The settings from the environment, or null when CUSTOS_SMTP_URL is unset (the channel is then off). */
export function emailSettingsFromEnv(env: Record<string, string | undefined>): EmailSettings | null {
  const url = env.CUSTOS_SMTP_URL;
  if (url === undefined || url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new DomainError('CUSTOS_CONFIG_INVALID', 'CUSTOS_SMTP_URL is not a URL', {
      cause,
      hint: 'write it as smtp://host:port or smtps://user:password@host:port',
    });
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new DomainError(
      'CUSTOS_CONFIG_INVALID',
      `CUSTOS_SMTP_URL: ${parsed.protocol} is not smtp: or smtps:`,
      {
        hint: 'write it as smtp://host:port or smtps://user:password@host:port',
      },
    );
  }
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch (cause) {
    throw new DomainError(
      'CUSTOS_CONFIG_INVALID',
      'CUSTOS_SMTP_URL: the user or password has a broken %-escape',
      {
        cause,
        hint: 'percent-encode special characters of the user and password, e.g. %40 for @',
      },
    );
  }
  const from = env.CUSTOS_SMTP_FROM;
  if (from === undefined || !/^[^@\s]+@[^@\s]+$/.test(from.replace(/^.*<(.*)>$/, '$1'))) {
    throw new DomainError('CUSTOS_CONFIG_INVALID', 'CUSTOS_SMTP_FROM must be set to the sender address', {
      hint: 'e.g. CUSTOS_SMTP_FROM="Custos <custos@corp.example>"',
    });
  }
  return { url, from };
}

export function createEmailNotifier(settings: EmailSettings): Notifier {
  const url = new URL(settings.url);
  const secure = url.protocol === 'smtps:';
  const auth =
    url.username === ''
      ? undefined
      : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  return {
    channel: 'email',
    async deliver(notice, contact, { timeoutMs }) {
      if (contact.channel !== 'email')
        return { ok: false, error: `not an email contact: ${contact.channel}` };
      const transport = nodemailer.createTransport({
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
        secure,
        auth,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      const { title, lines } = renderNotice(notice);
      try {
        await transport.sendMail({
          from: settings.from,
          to: contact.address,
          subject: title,
          text: `${lines.join('\n')}\n`,
          headers: { 'X-Custos-Notice': notice.key, 'X-Custos-Level': String(notice.level) },
        });
        return { ok: true };
      } catch (cause) {
        return {
          ok: false,
          error: `SMTP ${url.host}: ${cause instanceof Error ? cause.message : String(cause)}`,
        };
      } finally {
        transport.close();
      }
    },
  };
}
