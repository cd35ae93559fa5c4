import { renderDigest } from '../../core/notify/render-digest.js';
import type { Notifier } from '../../core/ports/notifier.js';

/**
 * Email over SMTP, as configured (`smtp.url`: `smtp://[user:pass@]host:port`, smtps:// for implicit TLS;
 * `smtp.from`); the configuration schema has checked both.
 */
export interface EmailSettings {
  url: string;
  from: string;
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
    async deliver(digest, contact, { at, timeoutMs }) {
      if (contact.channel !== 'email')
        return { ok: false, error: `not an email contact: ${contact.channel}` };
      // Loaded on the first email, not when the registry is built for every command (~65 ms measured here).
      const { default: nodemailer } = await import('nodemailer');
      const transport = nodemailer.createTransport({
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
        secure,
        auth,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      });
      const { title, lines } = renderDigest(digest, at);
      try {
        await transport.sendMail({
          from: settings.from,
          to: contact.address,
          subject: title,
          text: `${lines.join('\n')}\n`,
          headers: { 'X-Custos-Digest': digest.key, 'X-Custos-Level': String(digest.level) },
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
