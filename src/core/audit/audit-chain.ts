import { hash as oneShotHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { AuditKeyring } from '../ports/audit-keyring.js';
import { GENESIS_HASH, type AuditEventInput, type AuditRecord } from './audit-event.js';
import { macMatches, recordMacMessage } from './audit-seal.js';

export function hashAuditRecord(record: Omit<AuditRecord, 'hash' | 'seq' | 'mac'>): string {
  const body = canonicalJson({
    prevHash: record.prevHash,
    type: record.type,
    actor: record.actor,
    subject: record.subject,
    at: record.at.toISOString(),
    data: record.data,
  });
  // The one-shot hash: 0.5 µs for a record's text against 1.3 µs for createHash().update().digest().
  return oneShotHash('sha256', body, 'hex');
}

/** Links new events onto the chain whose last record is `head` (null for an empty chain) and seals each. */
export function chainAuditEvents(
  head: { seq: number; hash: string } | null,
  events: AuditEventInput[],
  keyring: AuditKeyring,
): AuditRecord[] {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  return events.map((event) => {
    seq += 1;
    const unhashed = { ...event, seq, prevHash };
    const hash = hashAuditRecord(unhashed);
    prevHash = hash;
    return { ...unhashed, hash, mac: keyring.mac(recordMacMessage(seq, hash)) };
  });
}

/** `record 4 was` or `records 4..7 were`: the records a message names as removed. */
export const span = (from: number, to: number): string =>
  from === to ? `record ${from} was` : `records ${from}..${to} were`;

export type AuditBreak =
  | { kind: 'altered'; seq: number; message: string }
  | { kind: 'removed'; seq: number; message: string }
  | { kind: 'relinked'; seq: number; message: string }
  | { kind: 'forged'; seq: number; message: string }
  | { kind: 'head'; seq: number; message: string }
  | { kind: 'checkpoint'; seq: number; message: string };

/**
 * Verifies records read in `seq` order, one at a time, so a chain of millions needs no memory. Returns the first
 * break: a record whose hash does not match its contents (altered), a gap in `seq` (removed), or a record whose
 * `prevHash` is not the hash of the record before it (a record removed and the rest renumbered, records
 * reordered or swapped). `seq` is deliberately outside the hash: renumbering cannot hide a removal, because the
 * links still break. With a keyring, a record whose MAC does not verify is `forged`: rewritten (and its chain
 * recomputed) by someone without the audit key. Without one (an offline export), only the public chain is checked.
 * `start` lets a verification begin after a known record (an export made with --since).
 */
export class AuditChainVerifier {
  private previous: { seq: number; hash: string } | null;
  count = 0;

  constructor(
    private readonly keyring: AuditKeyring | null,
    start: { seq: number; hash: string } | null = null,
  ) {
    this.previous = start;
  }

  check(record: AuditRecord): AuditBreak | null {
    this.count += 1;
    const expectedSeq = (this.previous?.seq ?? 0) + 1;
    const expectedPrev = this.previous?.hash ?? GENESIS_HASH;
    if (hashAuditRecord(record) !== record.hash) {
      return {
        kind: 'altered',
        seq: record.seq,
        message: `record ${record.seq} (${record.type}) was altered: its contents do not match its hash`,
      };
    }
    if (record.seq !== expectedSeq) {
      const gap = expectedSeq === record.seq - 1 ? `${expectedSeq}` : `${expectedSeq}..${record.seq - 1}`;
      return {
        kind: 'removed',
        seq: expectedSeq,
        message: `record ${gap} was removed: the chain jumps from ${expectedSeq - 1} to ${record.seq}`,
      };
    }
    if (record.prevHash !== expectedPrev) {
      return {
        kind: 'relinked',
        seq: record.seq,
        message: `record ${record.seq} (${record.type}) was not written after record ${expectedSeq - 1}: records before it were removed, reordered or swapped`,
      };
    }
    if (this.keyring && !macMatches(this.keyring, recordMacMessage(record.seq, record.hash), record.mac)) {
      return {
        kind: 'forged',
        seq: record.seq,
        message: `record ${record.seq} (${record.type}) was not written by Custos: its MAC does not verify under audit key ${this.keyring.keyId} (rewritten with a recomputed chain, or sealed by another key)`,
      };
    }
    this.previous = { seq: record.seq, hash: record.hash };
    return null;
  }
}
