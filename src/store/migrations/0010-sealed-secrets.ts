import type { Kysely } from 'kysely';
import { API_VERSION, type AnyDeclarativeObject } from '../../core/declarative/objects.js';
import { mapSecretsAtRest } from '../../core/declarative/webhook-secrets.js';
import { SEALED_PREFIX } from '../keys/secret-cipher.js';
import type { DeclaredObjectsTable } from '../objects-store.js';
import type { StoreMigration } from './store-migration.js';

/**
 * Secrets at rest: the webhook secrets and URLs and the Slack URLs of the owners written before this migration are
 * sealed here, once, under the key in use (from then on every write seals them, docs/audit.md). A value already
 * sealed is left as it is, so a migration that stopped half-way runs again cleanly.
 */
export const sealedSecrets: StoreMigration = {
  async up(anyDb, _dialect, { auditKeys: keyring }) {
    const db = anyDb as unknown as Kysely<{ declared_objects: DeclaredObjectsTable }>;
    const rows = await db
      .selectFrom('declared_objects')
      .select(['kind', 'name', 'metadata', 'spec'])
      .where('kind', '=', 'Owner')
      .execute();
    for (const row of rows) {
      const object = {
        apiVersion: API_VERSION,
        kind: row.kind,
        metadata: JSON.parse(row.metadata) as unknown,
        spec: JSON.parse(row.spec) as unknown,
      } as AnyDeclarativeObject;
      const sealed = mapSecretsAtRest(object, (value) =>
        value.startsWith(SEALED_PREFIX) ? value : keyring.secrets.seal(value),
      );
      await db
        .updateTable('declared_objects')
        .set({ spec: JSON.stringify(sealed.spec) })
        .where('kind', '=', row.kind)
        .where('name', '=', row.name)
        .execute();
    }
  },
};
