import { AuditChainVerifier, span, type AuditBreak } from './audit/audit-chain.js';
import type { AuditHead } from './audit/audit-event.js';
import {
  checkpointSignatureProblem,
  headMacMessage,
  macMatches,
  type AuditCheckpoint,
} from './audit/audit-seal.js';
import type { AuditKeyring } from './ports/audit-keyring.js';
import type { Store } from './ports/store.js';

export interface AuditVerification {
  ok: boolean;
  records: number;
  /** The first break found, naming the record. */
  break: AuditBreak | null;
}

/** A checkpoint to hold the chain to, with where it came from (a file name) for the message. */
export interface CheckpointToCheck {
  source: string;
  checkpoint: AuditCheckpoint;
}

/**
 * Walks the whole audit chain in order and checks every hash, link and MAC, then the head row (present, sealed by
 * this key, and the chain's last record: so removing the newest records, wiping them all, or moving the head back
 * is caught), then each checkpoint (signed by this key, and its record still in the chain with the same hash: so
 * a truncation to an older head, replayed with that head's MAC, is caught too).
 */
export async function verifyAudit(
  deps: { store: Store; auditKeys: AuditKeyring },
  checkpoints: CheckpointToCheck[] = [],
): Promise<AuditVerification> {
  const keyring = deps.auditKeys;
  const signed = checkpointProblem(keyring, checkpoints);
  if (signed) return { ok: false, records: 0, break: signed };
  const head = await deps.store.audit.head();
  if (head?.keyId && head.keyId !== keyring.keyId) return fail(0, keyMismatch(head, keyring));
  const wanted = new Map(checkpoints.map((c) => [c.checkpoint.checkpoint.seq, c]));
  const verifier = new AuditChainVerifier(keyring);
  let last: { seq: number; hash: string } | null = null;
  for await (const record of deps.store.audit.records()) {
    const broken = verifier.check(record);
    if (broken) return { ok: false, records: verifier.count, break: broken };
    const vouched = wanted.get(record.seq);
    if (vouched && vouched.checkpoint.checkpoint.hash !== record.hash) {
      return fail(verifier.count, {
        kind: 'checkpoint',
        seq: record.seq,
        message: `record ${record.seq} (${record.type}) is not the one checkpoint ${vouched.source} signed: the history up to it was rewritten`,
      });
    }
    last = { seq: record.seq, hash: record.hash };
  }
  const beyond = checkpoints.find((c) => c.checkpoint.checkpoint.seq > (last?.seq ?? 0));
  if (beyond) {
    const seq = (last?.seq ?? 0) + 1;
    return fail(verifier.count, {
      kind: 'checkpoint',
      seq,
      message: `${span(seq, beyond.checkpoint.checkpoint.seq)} removed: checkpoint ${beyond.source} vouches for record ${beyond.checkpoint.checkpoint.seq} but the chain ends at ${last?.seq ?? 0}`,
    });
  }
  // Read again: records appended while the chain was walked moved the head on.
  const headBreak = checkHead(keyring, await deps.store.audit.head(), last);
  if (headBreak) return fail(verifier.count, headBreak);
  return { ok: true, records: verifier.count, break: null };
}

const fail = (records: number, broken: AuditBreak): AuditVerification => ({
  ok: false,
  records,
  break: broken,
});

function checkpointProblem(keyring: AuditKeyring, checkpoints: CheckpointToCheck[]): AuditBreak | null {
  for (const { source, checkpoint } of checkpoints) {
    const seq = checkpoint.checkpoint.seq;
    if (checkpoint.keyId !== keyring.keyId) {
      return {
        kind: 'checkpoint',
        seq,
        message: `checkpoint ${source} was signed by audit key ${checkpoint.keyId}, not by this trail's key ${keyring.keyId}`,
      };
    }
    const problem = checkpointSignatureProblem(checkpoint, keyring.publicKeyPem);
    if (problem) return { kind: 'checkpoint', seq, message: `checkpoint ${source} is forged: ${problem}` };
  }
  return null;
}

function checkHead(
  keyring: AuditKeyring,
  head: AuditHead | null,
  last: { seq: number; hash: string } | null,
): AuditBreak | null {
  const lastSeq = last?.seq ?? 0;
  if (head === null) {
    return {
      kind: 'head',
      seq: lastSeq,
      message: `the audit head row was deleted (the chain ends at record ${lastSeq})`,
    };
  }
  if (head.keyId !== null && head.keyId !== keyring.keyId) return keyMismatch(head, keyring);
  if (!macMatches(keyring, headMacMessage(head.seq, head.hash), head.mac)) {
    return {
      kind: 'head',
      seq: head.seq,
      message: `the audit head (record ${head.seq}) was not written by Custos: its MAC does not verify (the head was moved or the records wiped)`,
    };
  }
  if (last !== null && head.seq === last.seq && head.hash === last.hash) return null;
  if (last === null && head.seq === 0) return null;
  const seq = lastSeq + 1;
  return {
    kind: 'removed',
    seq,
    message:
      head.seq > lastSeq
        ? `${span(seq, head.seq)} removed: the chain ends at ${lastSeq} but its head is ${head.seq}`
        : `record ${head.seq} is not the chain's head: the newest records were replaced`,
  };
}

function keyMismatch(head: AuditHead, keyring: AuditKeyring): AuditBreak {
  return {
    kind: 'head',
    seq: head.seq,
    message: `the audit trail was sealed with audit key ${head.keyId}, but the key in use is ${keyring.keyId}: give the key that wrote it (CUSTOS_AUDIT_KEY, CUSTOS_AUDIT_KEY_FILE or audit.key in the data directory)`,
  };
}
