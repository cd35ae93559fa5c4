import { sql } from 'kysely';
import type { StoreMigration } from './store-migration.js';

/**
 * A file state keeps every problem of the file (`problems`, JSON `[{code, message}]`) instead of its first one, and,
 * when one of them is a password problem, the digest of the passwords it was read with (`passwords_tried`, an HMAC
 * under the audit key: never a password). An unchanged file is then read again only when it needed a password and
 * the scan tries another set of passwords; before, it was read again by every scan given any password, and not at all
 * when its first problem was another.
 *
 * The files scanned before are forgotten as read (their `file_states`), so the next scan reads every file once
 * again: what the old rows hold cannot tell whether a file needed a password. Sightings and history are kept; only
 * the unchanged-file shortcut starts over.
 */
export const fileStatePasswords: StoreMigration = {
  async up(db) {
    await sql`delete from file_states`.execute(db);
    await db.schema.alterTable('file_states').dropColumn('problem').execute();
    await db.schema
      .alterTable('file_states')
      .addColumn('problems', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await db.schema.alterTable('file_states').addColumn('passwords_tried', 'text').execute();
  },
};
