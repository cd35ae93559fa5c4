import { AuditChainVerifier, type AuditBreak } from './audit-chain.js';
import type { AuditRecord } from './audit-event.js';
import { auditRecordView } from './audit-record-view.js';
import { signCheckpoint } from './audit-seal.js';
import type { AuditKeyring } from '../ports/audit-keyring.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { verifyAudit } from '../verify-audit.js';

export interface ExportAuditDeps {
  store: Store;
  auditKeys: AuditKeyring;
  clock: Clock;
}

/**
 * The audit trail as `audit export` writes it (CLI and API alike): JSON lines, oldest first, each record with its
 * seq, prevHash, hash and mac, then a checkpoint line signed over the last record. The whole chain is verified
 * first, and each exported record again as it streams (records appended meanwhile are checked before they are
 * signed for); a break anywhere means no checkpoint, and `onBreak` is told. Yields chunks of lines (~64 KiB).
 */
export async function* exportAuditLines(
  deps: ExportAuditDeps,
  input: { since?: Date; onBreak?: (broken: AuditBreak) => void },
): AsyncGenerator<string> {
  const verification = await verifyAudit(deps);
  let broken = verification.break;
  let verifier: AuditChainVerifier | null = null;
  let last: AuditRecord | null = null;
  let buffer = '';
  for await (const record of deps.store.audit.records({ since: input.since })) {
    buffer += `${JSON.stringify(auditRecordView(record))}\n`;
    if (buffer.length > 65_536) {
      yield buffer;
      buffer = '';
    }
    verifier ??= new AuditChainVerifier(deps.auditKeys, { seq: record.seq - 1, hash: record.prevHash });
    broken ??= verifier.check(record);
    last = record;
  }
  if (broken === null && last !== null) {
    buffer += `${JSON.stringify(signCheckpoint(deps.auditKeys, last, deps.clock.now()))}\n`;
  }
  if (buffer !== '') yield buffer;
  if (broken !== null) input.onBreak?.(broken);
}
