import { createHash } from 'node:crypto';
import { SEVERITIES, type Severity } from '../findings/finding.js';
import { FINDING_CODES } from '../findings/finding-codes.js';
import type { Contact } from './contact.js';
import type { Notice, NoticeCertificate, NoticeReason } from './notice.js';

/** One row of a digest: a certificate (or an exception) with every notice about it due for this contact. */
export interface DigestEntry {
  /** A certificate fingerprint, or `exception:NAME`. */
  subject: string;
  certificate: NoticeCertificate | null;
  /** Its notices, worst first. */
  notices: Notice[];
  /** The worst severity of its reasons: how the digest orders its rows. */
  severity: Severity;
}

/**
 * One message to one contact of one owner in one run: every notice due for it, grouped by certificate, most urgent
 * first. Only the delivery is grouped: each notice in it keeps its own key, claim, record and escalation.
 */
export interface Digest {
  /** Stable for the same notices: `digest:` and a hash of their keys (a receiver can drop a duplicate). */
  key: string;
  owner: string;
  contact: Contact;
  contactKey: string;
  /** The highest escalation level among its notices (0: the owner's own contacts). */
  level: number;
  /** Certificates first (worst severity, then the earliest notAfter), then exceptions (the earliest expiry). */
  entries: DigestEntry[];
  /** Every notice of the digest, in the order of its entries. */
  notices: Notice[];
}

const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);

/** How bad a reason is: the expiry codes' severities for expiry, the finding's own, `medium` for an exception. */
function reasonSeverity(reason: NoticeReason): Severity {
  switch (reason.kind) {
    case 'expired':
      return FINDING_CODES.expired.severity;
    case 'expiring':
      return FINDING_CODES['expiring-soon'].severity;
    case 'finding':
      return reason.finding.severity;
    case 'exception-expiring':
      return 'medium';
  }
}

/** When the entry runs out: the certificate's notAfter, or the exception's expiry. */
function deadline(entry: DigestEntry): number {
  if (entry.certificate !== null) return entry.certificate.notAfter.getTime();
  const reason = entry.notices[0]?.reason;
  return reason?.kind === 'exception-expiring' ? reason.exception.expires.getTime() : Infinity;
}

function compareEntries(a: DigestEntry, b: DigestEntry): number {
  const exception = Number(a.certificate === null) - Number(b.certificate === null);
  if (exception !== 0) return exception;
  return (
    rank(b.severity) - rank(a.severity) ||
    deadline(a) - deadline(b) ||
    (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)
  );
}

function entriesOf(notices: readonly Notice[]): DigestEntry[] {
  const bySubject = new Map<string, Notice[]>();
  for (const notice of notices) {
    const list = bySubject.get(notice.subject) ?? [];
    list.push(notice);
    bySubject.set(notice.subject, list);
  }
  return [...bySubject.entries()]
    .map(([subject, list]): DigestEntry => {
      const sorted = [...list].sort(
        (a, b) => rank(reasonSeverity(b.reason)) - rank(reasonSeverity(a.reason)) || b.level - a.level,
      );
      const first = sorted[0] as Notice;
      return {
        subject,
        certificate: first.certificate,
        notices: sorted,
        severity: reasonSeverity(first.reason),
      };
    })
    .sort(compareEntries);
}

/**
 * The notices grouped into one digest per owner and contact, in the order of their first notice. Deterministic:
 * the same notices give the same digests.
 */
export function digestsOf(notices: readonly Notice[]): Digest[] {
  const groups = new Map<string, Notice[]>();
  for (const notice of notices) {
    const group = `${notice.owner}|${notice.contactKey}`;
    const list = groups.get(group) ?? [];
    list.push(notice);
    groups.set(group, list);
  }
  return [...groups.values()].map((list): Digest => {
    const first = list[0] as Notice;
    const entries = entriesOf(list);
    const keys = list.map((n) => n.key).sort();
    return {
      key: `digest:${createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 24)}`,
      owner: first.owner,
      contact: first.contact,
      contactKey: first.contactKey,
      level: Math.max(...list.map((n) => n.level)),
      entries,
      notices: entries.flatMap((e) => e.notices),
    };
  });
}
