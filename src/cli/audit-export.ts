import { AuditChainVerifier, type AuditBreak } from '../core/audit/audit-chain.js';
import type { AuditRecord } from '../core/audit/audit-event.js';
import { signCheckpoint } from '../core/audit/audit-seal.js';
import { verifyAudit } from '../core/verify-audit.js';
import type { Runtime } from './runtime.js';

/**
 * Streams the audit trail to stdout as JSON lines, then a checkpoint over the last record written. The whole chain
 * is verified first, and each exported record again as it streams (records appended meanwhile are checked before
 * they are signed for); a break anywhere means no checkpoint, and is returned.
 */
export async function exportAudit(rt: Runtime, since: Date | undefined): Promise<AuditBreak | null> {
  const verification = await verifyAudit(rt);
  let broken = verification.break;
  let verifier: AuditChainVerifier | null = null;
  let last: AuditRecord | null = null;
  let buffer = '';
  for await (const record of rt.store.audit.records({ since })) {
    buffer += `${JSON.stringify({ ...record, at: record.at.toISOString() })}\n`;
    if (buffer.length > 65_536) {
      await write(buffer);
      buffer = '';
    }
    verifier ??= new AuditChainVerifier(rt.auditKeys, { seq: record.seq - 1, hash: record.prevHash });
    broken ??= verifier.check(record);
    last = record;
  }
  if (broken === null && last !== null) {
    buffer += `${JSON.stringify(signCheckpoint(rt.auditKeys, last, rt.clock.now()))}\n`;
  }
  await write(buffer);
  return broken;
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
