import type { Finding } from '../findings/finding.js';
import { contactKey, type Contact } from './contact.js';

/** The certificate a notice is about, as a notice names it. */
export interface NoticeCertificate {
  fingerprintSha256: string;
  subject: string;
  subjectAltNames: string[];
  notAfter: Date;
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

export function noticeKey(subject: string, reason: string, contact: string, level: number): string {
  return `${subject}|${reason}|${contact}|${level}`;
}

export function makeNotice(fields: Omit<Notice, 'key' | 'reasonKey' | 'contactKey'>): Notice {
  const reason = reasonKey(fields.reason);
  const contact = contactKey(fields.contact);
  return {
    ...fields,
    key: noticeKey(fields.subject, reason, contact, fields.level),
    reasonKey: reason,
    contactKey: contact,
  };
}
