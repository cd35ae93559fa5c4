import type { Location } from '../../core/inventory/location.js';
import { locationText } from '../../core/inventory/location-text.js';
import type { Digest } from '../../core/notify/digest.js';
import type { Notice, NoticeLocation } from '../../core/notify/notice.js';
import { renderDigest } from '../../core/notify/render-digest.js';
import { renderNotice } from '../../core/notify/render-notice.js';

/**
 * Where a certificate is: the location's own fields (kind, path, host, port, sni, ...), in words, when last seen, and
 * for an endpoint that stopped answering since when (`unreachableSince`, absent otherwise).
 */
export type WebhookLocation = Location & { where: string; lastSeen: string; unreachableSince?: string };

/**
 * One notice of a digest (a contract: receivers parse it). Before digests it was the whole body of a request; it
 * keeps that shape, with `locations` and `remedy` added. `notice` is stable across retries, so a receiver can drop
 * duplicates.
 */
export interface WebhookNotice {
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
  /** Every location the certificate is at now, with when it was last seen there ([] for an exception). */
  locations: WebhookLocation[];
  /** What to do about it. */
  remedy: string;
  finding?: { code: string; severity: string; message: string };
  exception?: { name: string; expires: string; waives: string[]; reason: string };
  title: string;
  text: string;
  sentAt: string;
}

/**
 * The JSON body of a generic webhook request: one digest, every notice due for this owner's webhook in one run,
 * most urgent first (the order of the digest's table: worst severity, then the earliest notAfter).
 */
export interface WebhookPayload {
  type: 'custos.digest';
  /** Stable for the same notices (a retry of the same digest carries the same value). */
  digest: string;
  owner: string;
  /** The highest escalation level in it. */
  level: number;
  title: string;
  text: string;
  sentAt: string;
  notices: WebhookNotice[];
}

function webhookLocation(location: NoticeLocation): WebhookLocation {
  const { lastSeen, unreachableSince, ...fields } = location;
  return {
    ...fields,
    where: locationText(location),
    lastSeen: lastSeen.toISOString(),
    ...(unreachableSince === undefined ? {} : { unreachableSince: unreachableSince.toISOString() }),
  };
}

export function webhookNotice(notice: Notice, at: Date): WebhookNotice {
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
    locations: (c?.locations ?? []).map(webhookLocation),
    remedy: notice.remedy,
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

export function webhookPayload(digest: Digest, at: Date): WebhookPayload {
  const rendered = renderDigest(digest, at);
  return {
    type: 'custos.digest',
    digest: digest.key,
    owner: digest.owner,
    level: digest.level,
    title: rendered.title,
    text: rendered.lines.join('\n'),
    sentAt: at.toISOString(),
    notices: digest.notices.map((notice) => webhookNotice(notice, at)),
  };
}
