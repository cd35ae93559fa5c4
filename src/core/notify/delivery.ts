import type { ContactChannel } from './contact.js';

export type DeliveryStatus = 'sent' | 'failed';

/**
 * The delivery log's record of one notice key: every attempt over every run adds to `attempts`; `status` is the
 * result of the latest run. A failed record is retried by a later run (after its backoff); a sent one never again.
 */
export interface DeliveryRecord {
  key: string;
  subject: string;
  reasonKey: string;
  level: number;
  owner: string;
  channel: ContactChannel;
  contactKey: string;
  /** The contact as a person may see it (an address, or a URL's origin). */
  contact: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  /** When Custos first tried to deliver it: the start of the escalation clock for a level-0 notice. */
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  sentAt: Date | null;
}

/** `custos ack`: someone has taken a certificate in hand; its notices sent up to `at` escalate no further. */
export interface Acknowledgement {
  fingerprintSha256: string;
  by: string;
  at: Date;
}
