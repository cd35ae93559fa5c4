import { EXCEPTION_EXPIRY_NOTICE_MS } from '../exceptions/waivers.js';
import type { Finding } from '../findings/finding.js';
import { isLintFinding } from '../findings/lint-findings.js';
import { contactsOf, type ContactSet, type NotificationOwner } from './contact.js';
import type { Acknowledgement, DeliveryRecord } from './delivery.js';
import {
  makeNotice,
  reasonKey,
  type Notice,
  type NoticeCertificate,
  type NoticeException,
  type NoticeReason,
} from './notice.js';

const DAY_MS = 86_400_000;

export const DEFAULT_THRESHOLDS_DAYS: readonly number[] = [30, 14, 7, 3, 1];

/** Finding codes that expiry notices already cover, so they do not also go out as finding notices. */
const COVERED_BY_EXPIRY_NOTICES = new Set(['expired', 'expiring-soon']);

export interface PlannedCertificate extends NoticeCertificate {
  /** The owner's name, or null when no rule or assignment covers the certificate (nobody to tell). */
  owner: string | null;
  findings: readonly Finding[];
}

export interface PlannedException extends NoticeException {
  /** The owners told when the exception is about to expire. */
  owners: readonly string[];
}

export interface PlanNoticesInput {
  now: Date;
  certificates: readonly PlannedCertificate[];
  owners: readonly NotificationOwner[];
  /** Days before notAfter; only the tightest threshold crossed gives a notice. */
  thresholdsDays?: readonly number[];
  deliveries: readonly DeliveryRecord[];
  acknowledgements: readonly Acknowledgement[];
  exceptions?: readonly PlannedException[];
}

/**
 * The notices due now. Pure: the same input always gives the same notices, and a notice whose key was already
 * delivered is never planned again, so running it twice sends nothing new.
 *
 * - Expiry: one notice at the tightest threshold crossed (not every one at once); one notice once expired.
 * - Findings: one notice per finding code present and not waived (expiry codes and lint-* findings excepted).
 * - Exceptions expiring within 14 days: one notice to each of the exception's owners.
 * - Escalation: for a certificate's current reasons, level N goes out when the level-0 notice was first sent
 *   at least `escalation[N-1].afterMs` ago and no acknowledgement of the certificate came after it.
 */
export function planNotices(input: PlanNoticesInput): Notice[] {
  const thresholds = [...(input.thresholdsDays ?? DEFAULT_THRESHOLDS_DAYS)].sort((a, b) => a - b);
  const owners = new Map(input.owners.map((o) => [o.name, o]));
  const delivered = new Set(input.deliveries.filter((d) => d.status === 'sent').map((d) => d.key));
  const firstLevel0 = firstLevel0Attempts(input.deliveries);
  const lastAck = lastAcknowledgements(input.acknowledgements);
  const notices: Notice[] = [];
  const add = (notice: Notice): void => {
    if (!delivered.has(notice.key)) notices.push(notice);
  };

  for (const certificate of input.certificates) {
    const owner = certificate.owner === null ? undefined : owners.get(certificate.owner);
    if (owner === undefined) continue;
    const view: NoticeCertificate = {
      fingerprintSha256: certificate.fingerprintSha256,
      subject: certificate.subject,
      subjectAltNames: certificate.subjectAltNames,
      notAfter: certificate.notAfter,
      locations: certificate.locations,
    };
    const subject = certificate.fingerprintSha256;
    for (const reason of currentReasons(certificate, input.now, thresholds)) {
      const levels: Array<{ level: number; contacts: ContactSet }> = [{ level: 0, contacts: owner.contacts }];
      const since = firstLevel0.get(`${subject}|${reasonKey(reason)}`);
      const ack = lastAck.get(subject);
      if (since !== undefined && !(ack !== undefined && ack >= since)) {
        const elapsed = input.now.getTime() - since;
        owner.escalation.forEach((step, index) => {
          if (elapsed >= step.afterMs) levels.push({ level: index + 1, contacts: step.contacts });
        });
      }
      for (const { level, contacts } of levels) {
        for (const contact of contactsOf(contacts)) {
          add(makeNotice({ subject, reason, level, owner: owner.name, contact, certificate: view }));
        }
      }
    }
  }

  for (const exception of input.exceptions ?? []) {
    const left = exception.expires.getTime() - input.now.getTime();
    if (left <= 0 || left > EXCEPTION_EXPIRY_NOTICE_MS) continue;
    const { owners: names, ...shown } = exception;
    const reason: NoticeReason = { kind: 'exception-expiring', exception: shown };
    for (const name of new Set(names)) {
      const owner = owners.get(name);
      if (owner === undefined) continue;
      for (const contact of contactsOf(owner.contacts)) {
        add(
          makeNotice({
            subject: `exception:${exception.name}`,
            reason,
            level: 0,
            owner: name,
            contact,
            certificate: null,
          }),
        );
      }
    }
  }
  return notices;
}

/** The reasons a certificate deserves notice now: its expiry state, then each unwaived finding. */
function currentReasons(certificate: PlannedCertificate, now: Date, thresholds: number[]): NoticeReason[] {
  const reasons: NoticeReason[] = [];
  const left = certificate.notAfter.getTime() - now.getTime();
  if (left <= 0) {
    reasons.push({ kind: 'expired' });
  } else {
    const tightest = thresholds.find((days) => left <= days * DAY_MS);
    if (tightest !== undefined) reasons.push({ kind: 'expiring', thresholdDays: tightest });
  }
  const seen = new Set<string>();
  for (const finding of certificate.findings) {
    if (finding.waivedBy !== undefined || COVERED_BY_EXPIRY_NOTICES.has(finding.code)) continue;
    // Lint findings say how a certificate was made; nothing can change it before the next issuance, so they are
    // listed (findings, inventory, `findings --fail-on`) but not sent as notices.
    if (isLintFinding(finding)) continue;
    if (seen.has(finding.code)) continue;
    seen.add(finding.code);
    reasons.push({ kind: 'finding', finding });
  }
  return reasons;
}

/** `subject|reasonKey` -> when its level-0 notice was first attempted (ms), over all its contacts. */
function firstLevel0Attempts(deliveries: readonly DeliveryRecord[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const d of deliveries) {
    if (d.level !== 0) continue;
    const key = `${d.subject}|${d.reasonKey}`;
    const at = d.firstAttemptAt.getTime();
    const known = first.get(key);
    if (known === undefined || at < known) first.set(key, at);
  }
  return first;
}

function lastAcknowledgements(acks: readonly Acknowledgement[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const ack of acks) {
    const at = ack.at.getTime();
    if (at > (last.get(ack.fingerprintSha256) ?? -Infinity)) last.set(ack.fingerprintSha256, at);
  }
  return last;
}
