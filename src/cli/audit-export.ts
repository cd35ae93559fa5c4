import type { AuditBreak } from '../core/audit/audit-chain.js';
import { exportAuditLines } from '../core/audit/export-audit.js';
import type { Runtime } from './runtime.js';

/** Streams the audit trail to stdout as `exportAuditLines` writes it; returns the break that withheld the checkpoint. */
export async function exportAudit(rt: Runtime, since: Date | undefined): Promise<AuditBreak | null> {
  let broken: AuditBreak | null = null;
  for await (const text of exportAuditLines(rt, { since, onBreak: (b) => (broken = b) })) await write(text);
  return broken;
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
