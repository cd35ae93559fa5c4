import type { Finding } from '../findings/finding.js';
import { FINDING_CODES, remedyOf } from '../findings/finding-codes.js';
import type { Location } from '../inventory/location.js';
import { contactKey, type Contact } from './contact.js';

/**
 * Where a certificate is installed or served, when it was last seen there and, for an endpoint whose probes fail,
 * since when it has not answered.
 */
export type NoticeLocation = Location & { lastSeen: Date; unreachableSince?: Date };

/** The certificate a notice is about, as a notice names it. */
export interface NoticeCertificate {
  fingerprintSha256: string;
  subject: string;
  subjectAltNames: string[];
  notAfter: Date;
  /** Every location it is installed or served at now (its open sightings). */
  locations: NoticeLocation[];
}

/** An exception whose expiry a notice announces. */
export interface NoticeException {
  name: string;
  expires: Date;
  waives: string[];
  reason: string;
}

/** Why a notice goes out. */
export type NoticeReason =
  | { kind: 'expiring'; thresholdDays: number }
  | { kind: 'expired' }
  | { kind: 'finding'; finding: Finding }
  | { kind: 'exception-expiring'; exception: NoticeException };

/**
 * One message to one contact. `key` is unique per (subject, reason, contact, level): a key that was delivered
 * is never delivered again, which is what makes `notify run` idempotent.
 */
export interface Notice {
  key: string;
  /** What the notice is about: a certificate fingerprint, or `exception:NAME`. */
  subject: string;
  reason: NoticeReason;
  /** The reason as stored: `expiring-7d`, `expired`, `finding:weak-key`, `exception-expiring:2027-03-31`. */
  reasonKey: string;
  /** 0 for the owner's own contacts, N for escalation level N. */
  level: number;
  owner: string;
  contact: Contact;
  contactKey: string;
  certificate: NoticeCertificate | null;
  /** What to do: the remedy of the finding code (or of the expiry), as a person reads it. */
  remedy: string;
}

export function reasonKey(reason: NoticeReason): string {
  switch (reason.kind) {
    case 'expiring':
      return `expiring-${reason.thresholdDays}d`;
    case 'expired':
      return 'expired';
    case 'finding':
      return `finding:${reason.finding.code}`;
    case 'exception-expiring':
      // The expiry date is part of the reason: an exception extended to a later date is announced again.
      return `exception-expiring:${reason.exception.expires.toISOString().slice(0, 10)}`;
  }
}

/** What to do about a reason: the finding code's remedy; for an exception, extend it or fix what it waives. */
export function noticeRemedy(reason: NoticeReason): string {
  switch (reason.kind) {
    case 'expiring':
      return FINDING_CODES['expiring-soon'].remedy;
    case 'expired':
      return FINDING_CODES.expired.remedy;
    case 'finding':
      return remedyOf(reason.finding.code);
    case 'exception-expiring':
      return `Extend the exception (a later spec.expires, approved again) or fix what it waives (${reason.exception.waives.join(', ')}) before ${reason.exception.expires.toISOString().slice(0, 10)}.`;
  }
}

export function noticeKey(subject: string, reason: string, contact: string, level: number): string {
  return `${subject}|${reason}|${contact}|${level}`;
}

export function makeNotice(fields: Omit<Notice, 'key' | 'reasonKey' | 'contactKey' | 'remedy'>): Notice {
  const reason = reasonKey(fields.reason);
  const contact = contactKey(fields.contact);
  return {
    ...fields,
    key: noticeKey(fields.subject, reason, contact, fields.level),
    reasonKey: reason,
    contactKey: contact,
    remedy: noticeRemedy(fields.reason),
  };
}
