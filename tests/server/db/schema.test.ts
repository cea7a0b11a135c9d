import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshOrm } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';

let orm: MikroORM;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ orm, close } = await freshOrm());
});
afterAll(() => close());

describe('migrations', () => {
  it('match the entity definitions exactly (no drift between code and checked-in SQL)', async () => {
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    expect(diff.trim()).toBe('');
  });

  it('are all applied and re-running them is a no-op', async () => {
    const migrator = orm.getMigrator();
    expect(await migrator.getPendingMigrations()).toEqual([]);
    await migrator.up();
    expect((await migrator.getExecutedMigrations()).map((m) => m.name)).toEqual([
      'Migration20261124000000Initial',
      'Migration20261124200000Chat',
      'Migration20261125000000Forum',
      'Migration20261125010000NotificationSubjects',
      'Migration20261125020000Documents',
      'Migration20261125030000Meetings',
      'Migration20261125120000SearchOrder',
      'Migration20261125140000Moderation',
      'Migration20261125150000Confidentiality',
      'Migration20261125160000MeetingAttachments',
      'Migration20261125170000SearchBlocks',
      'Migration20261125180000SearchMerge',
      'Migration20261207010000OrgImport',
      'Migration20261207020000Directory',
      'Migration20261207030000Archives',
      'Migration20261208050000JoinNotifications',
      'Migration20261208060000SearchPinyin',
    ]);
  });
});

describe('the audit log', () => {
  it('refuses UPDATE, DELETE and TRUNCATE whatever the client', async () => {
    const [row] = await sql(orm, `select id from audit_log limit 1`);
    expect(row).toBeDefined();
    await expect(sql(orm, `update audit_log set reason = 'tampered' where id = ?`, [row.id])).rejects.toThrow(/append-only/);
    await expect(sql(orm, `delete from audit_log where id = ?`, [row.id])).rejects.toThrow(/append-only/);
    await expect(sql(orm, `truncate audit_log`)).rejects.toThrow(/append-only/);
    const [after] = await sql(orm, `select reason from audit_log where id = ?`, [row.id]);
    expect(after.reason).not.toBe('tampered');
  });

  it('enforces account states and unit levels in the database too', async () => {
    await expect(sql(orm, `update app_user set status = 'superuser' where login_name = 'lijinsong'`)).rejects.toThrow(/check constraint/);
    await expect(sql(orm, `update org_unit set level = 'village' where parent_id is null`)).rejects.toThrow(/check constraint/);
  });
});
