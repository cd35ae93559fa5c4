import type { AuditRecord } from './audit-event.js';

/** An audit record as `audit export` writes it and the API answers it: every field, the time in ISO 8601. */
export type AuditRecordView = Omit<AuditRecord, 'at'> & { at: string };

export const auditRecordView = (record: AuditRecord): AuditRecordView => ({
  ...record,
  at: record.at.toISOString(),
});
