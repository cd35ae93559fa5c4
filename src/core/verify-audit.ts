import { AuditChainVerifier, type AuditBreak } from './audit/audit-chain.js';
import type { Store } from './ports/store.js';

export interface AuditVerification {
  ok: boolean;
  records: number;
  /** The first break found, naming the record. */
  break: AuditBreak | null;
}

/**
 * Walks the whole audit chain in order and checks every link and hash, then that the last record is the head
 * written alongside the chain (so removing the newest records is caught too).
 */
export async function verifyAudit(deps: { store: Store }): Promise<AuditVerification> {
  const verifier = new AuditChainVerifier();
  let last: { seq: number; hash: string } | null = null;
  for await (const record of deps.store.audit.records()) {
    const broken = verifier.check(record);
    if (broken) return { ok: false, records: verifier.count, break: broken };
    last = { seq: record.seq, hash: record.hash };
  }
  const head = await deps.store.audit.head();
  if (head !== null && (last === null || head.seq !== last.seq || head.hash !== last.hash)) {
    const seq = (last?.seq ?? 0) + 1;
    return {
      ok: false,
      records: verifier.count,
      break: {
        kind: 'removed',
        seq,
        message:
          last === null || head.seq > last.seq
            ? `records ${seq}..${head.seq} were removed: the chain ends at ${last?.seq ?? 0} but its head is ${head.seq}`
            : `record ${head.seq} is not the chain's head: the newest records were replaced`,
      },
    };
  }
  return { ok: true, records: verifier.count, break: null };
}
