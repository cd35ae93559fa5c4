import { renderNotice } from '../../core/notify/render-notice.js';
import type { Notice } from '../../core/notify/notice.js';

/**
 * The JSON body of a generic webhook notice (a contract: receivers parse it). It names the certificate by
 * fingerprint, subject, SANs and notAfter, with the owner, the reason and the escalation level. `notice` is
 * stable across retries, so a receiver can drop duplicates.
 */
export interface WebhookPayload {
  type: 'custos.notice';
  notice: string;
  reason: Notice['reason']['kind'];
  /** The reason with its detail, as the delivery log names it: `expiring-7d`, `finding:weak-key`, ... */
  reasonKey: string;
  thresholdDays?: number;
  level: number;
  owner: string;
  certificate: {
    fingerprintSha256: string;
    subject: string;
    subjectAltNames: string[];
    notAfter: string;
  } | null;
  finding?: { code: string; severity: string; message: string };
  exception?: { name: string; expires: string; waives: string[]; reason: string };
  title: string;
  text: string;
  sentAt: string;
}

export function webhookPayload(notice: Notice, at: Date): WebhookPayload {
  const rendered = renderNotice(notice);
  const c = notice.certificate;
  const reason = notice.reason;
  return {
    type: 'custos.notice',
    notice: notice.key,
    reason: reason.kind,
    reasonKey: notice.reasonKey,
    ...(reason.kind === 'expiring' ? { thresholdDays: reason.thresholdDays } : {}),
    level: notice.level,
    owner: notice.owner,
    certificate:
      c === null
        ? null
        : {
            fingerprintSha256: c.fingerprintSha256,
            subject: c.subject,
            subjectAltNames: c.subjectAltNames,
            notAfter: c.notAfter.toISOString(),
          },
    ...(reason.kind === 'finding'
      ? {
          finding: {
            code: reason.finding.code,
            severity: reason.finding.severity,
            message: reason.finding.message,
          },
        }
      : {}),
    ...(reason.kind === 'exception-expiring'
      ? {
          exception: {
            name: reason.exception.name,
            expires: reason.exception.expires.toISOString(),
            waives: reason.exception.waives,
            reason: reason.exception.reason,
          },
        }
      : {}),
    title: rendered.title,
    text: rendered.lines.join('\n'),
    sentAt: at.toISOString(),
  };
}
