import type { Generated, Kysely, Selectable } from 'kysely';
import type { ContactChannel } from '../core/notify/contact.js';
import type { Acknowledgement, DeliveryRecord, DeliveryStatus } from '../core/notify/delivery.js';
import type { NotificationLogReader } from '../core/ports/notification-log.js';
import { chunked, rowsPerInsert } from './chunks.js';
import type { StoreDatabase } from './schema.js';
import type { StoreContext } from './store-context.js';
import { reading } from './store-errors.js';

/** The tables of migration 0003-notifications (times in epoch milliseconds, as everywhere in the store). */
export type NoticeDeliveriesTable = {
  key: string;
  subject: string;
  reason: string;
  level: number;
  owner: string;
  channel: string;
  contact_key: string;
  contact: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  first_attempt_at: number;
  last_attempt_at: number;
  sent_at: number | null;
};

export type NoticeAcknowledgementsTable = {
  id: Generated<number>;
  fingerprint: string;
  acknowledged_by: string;
  at: number;
};

export type NotificationTables = {
  notice_deliveries: NoticeDeliveriesTable;
  notice_acknowledgements: NoticeAcknowledgementsTable;
};

const DELIVERY_COLUMNS = 14;

/** The notification tables on a handle of the store's database. */
const tables = (db: Kysely<StoreDatabase>): Kysely<StoreDatabase & NotificationTables> =>
  db.withTables<NotificationTables>();

export class KyselyNotificationLogReader implements NotificationLogReader {
  constructor(private readonly db: Kysely<StoreDatabase>) {}

  deliveries(): Promise<DeliveryRecord[]> {
    return reading('reading the delivery log', async () => {
      const rows = await tables(this.db)
        .selectFrom('notice_deliveries')
        .selectAll()
        .orderBy('first_attempt_at')
        .orderBy('key')
        .execute();
      return rows.map(toDeliveryRecord);
    });
  }

  acknowledgements(): Promise<Acknowledgement[]> {
    return reading('reading acknowledgements', async () => {
      const rows = await tables(this.db)
        .selectFrom('notice_acknowledgements')
        .selectAll()
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        fingerprintSha256: row.fingerprint,
        by: row.acknowledged_by,
        at: new Date(Number(row.at)),
      }));
    });
  }
}

/** Creates or replaces the records of these notice keys. */
export async function putDeliveries(ctx: StoreContext, records: DeliveryRecord[]): Promise<void> {
  const db = tables(ctx.db);
  for (const chunk of chunked(records, rowsPerInsert(ctx.maxParameters, DELIVERY_COLUMNS))) {
    await db
      .insertInto('notice_deliveries')
      .values(chunk.map(toRow))
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          attempts: eb.ref('excluded.attempts'),
          last_error: eb.ref('excluded.last_error'),
          contact: eb.ref('excluded.contact'),
          first_attempt_at: eb.ref('excluded.first_attempt_at'),
          last_attempt_at: eb.ref('excluded.last_attempt_at'),
          sent_at: eb.ref('excluded.sent_at'),
        })),
      )
      .execute();
  }
}

export async function addAcknowledgement(ctx: StoreContext, ack: Acknowledgement): Promise<void> {
  await tables(ctx.db)
    .insertInto('notice_acknowledgements')
    .values({ fingerprint: ack.fingerprintSha256, acknowledged_by: ack.by, at: ack.at.getTime() })
    .execute();
}

function toRow(record: DeliveryRecord): NoticeDeliveriesTable {
  return {
    key: record.key,
    subject: record.subject,
    reason: record.reasonKey,
    level: record.level,
    owner: record.owner,
    channel: record.channel,
    contact_key: record.contactKey,
    contact: record.contact,
    status: record.status,
    attempts: record.attempts,
    last_error: record.lastError,
    first_attempt_at: record.firstAttemptAt.getTime(),
    last_attempt_at: record.lastAttemptAt.getTime(),
    sent_at: record.sentAt === null ? null : record.sentAt.getTime(),
  };
}

function toDeliveryRecord(row: Selectable<NoticeDeliveriesTable>): DeliveryRecord {
  return {
    key: row.key,
    subject: row.subject,
    reasonKey: row.reason,
    level: Number(row.level),
    owner: row.owner,
    channel: row.channel as ContactChannel,
    contactKey: row.contact_key,
    contact: row.contact,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    firstAttemptAt: new Date(Number(row.first_attempt_at)),
    lastAttemptAt: new Date(Number(row.last_attempt_at)),
    sentAt: row.sent_at === null ? null : new Date(Number(row.sent_at)),
  };
}
