import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ormOptions } from '../../../server/db/orm.js';
import { migrationsList } from '../../../server/db/migrations/index.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { runAdmin } from '../../helpers/adminProcess.js';

/** Everything a migration may change, as sorted text: tables' columns, indexes, constraints, functions, triggers, extensions, collations. */
async function schemaOf(orm: MikroORM): Promise<string[]> {
  const lines = await orm.em.getConnection().execute<{ line: string }[]>(`
    select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as line
      from information_schema.columns where table_schema = 'public' and table_name <> 'mikro_orm_migrations'
    union all select 'index ' || indexdef from pg_indexes where schemaname = 'public' and tablename <> 'mikro_orm_migrations'
    union all select 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      from pg_constraint where connamespace = 'public'::regnamespace and conrelid::regclass::text <> 'mikro_orm_migrations'
    union all select 'function ' || p.oid::regprocedure || ' ' || md5(p.prosrc) from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    union all select 'trigger ' || tgname || ' ' || tgrelid::regclass from pg_trigger where not tgisinternal
    union all select 'extension ' || extname from pg_extension where extname <> 'plpgsql'
    union all select 'collation ' || collname from pg_collation where collnamespace = 'public'::regnamespace`);
  return lines.map((row) => row.line).sort();
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

describe('migrations roll back', () => {
  let emptyUrl: string;
  let orm: MikroORM;
  beforeAll(async () => {
    const admin = new URL(inject('adminDatabaseUrl'));
    const name = `jiaoliu_test_${randomBytes(6).toString('hex')}`;
    const adminOrm = await MikroORM.init({ ...ormOptions(admin.toString()), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
    await adminOrm.em.getConnection().execute(`create database "${name}"`);
    await adminOrm.close(true);
    emptyUrl = withDatabase(admin.toString(), name);
    const quiet = { debug: () => {}, warn: () => {}, error: () => {} };
    orm = await MikroORM.init({ ...ormOptions(emptyUrl, false, quiet), allowGlobalContext: true });
  });
  afterAll(async () => {
    await orm.close(true);
    await dropDatabase(emptyUrl);
  });

  it('each migration has a down that restores the schema exactly as it was before it', async () => {
    const migrator = orm.getMigrator();
    const before: string[][] = [];
    for (const { name } of migrationsList) {
      before.push(await schemaOf(orm));
      await migrator.up({ to: name });
    }
    const latest = await schemaOf(orm);
    for (let i = migrationsList.length - 1; i >= 0; i--) {
      await migrator.down();
      expect(await schemaOf(orm), `after rolling back ${migrationsList[i].name}`).toEqual(before[i]);
    }
    expect(await migrator.getExecutedMigrations()).toEqual([]);
    await migrator.up();
    expect(await schemaOf(orm)).toEqual(latest);
  });

  it('`npm run admin -- rollback` undoes the newest migrations of a database with data, and a start migrates up again', async () => {
    const url = await freshDatabase(); // the demo data: groups, discussions, notifications, moderation
    try {
      const names = migrationsList.map((migration) => migration.name);
      const to = names[names.length - 4];
      const rolled = await runAdmin(['rollback', '--to', to], { DATABASE_URL: url });
      expect(rolled.stderr + rolled.stdout).toContain(`已回滚 3 项迁移`);
      expect(rolled.code).toBe(0);
      const check = await MikroORM.init(ormOptions(url));
      try {
        expect((await check.getMigrator().getExecutedMigrations()).map((m) => m.name)).toEqual(names.slice(0, -3));
        const again = await runAdmin(['rollback'], { DATABASE_URL: url });
        expect(again.code).toBe(0);
        expect(again.stdout).toContain(names[names.length - 4]);
        const unknown = await runAdmin(['rollback', '--to', 'Migration00000000000000Nothing'], { DATABASE_URL: url });
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toContain('没有已执行的迁移 Migration00000000000000Nothing');
        // The next start (here: the migrate command) applies them again and the schema matches the entities.
        const up = await runAdmin(['migrate'], { DATABASE_URL: url });
        expect(up.code).toBe(0);
        expect(up.stdout).toContain(`共 ${names.length} 项迁移`);
        expect((await check.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true })).trim()).toBe('');
      } finally {
        await check.close(true);
      }
    } finally {
      await dropDatabase(url);
    }
  }, 180_000);

  it('refuses downs that would expose restricted or removed content or orphan archive files, all or nothing; disables accounts with an unchanged initial password', async () => {
    const url = await freshDatabase();
    const check = await MikroORM.init(ormOptions(url));
    const db = (text: string) => check.em.fork().getConnection().execute(text);
    const executed = async () => (await check.getMigrator().getExecutedMigrations()).map((m) => m.name);
    try {
      const names = migrationsList.map((migration) => migration.name);
      const [user] = await db(`select id from app_user where status = 'active' order by login_name limit 1`);
      await db(`insert into archive_export (id, requester_id, kind, status, storage_key, created_at, expires_at) values (gen_random_uuid(), '${user.id}', 'personal', 'done', 'archives/x.zip', now(), now() + interval '7 days')`);
      // Down past the archives (later migrations may sit above it).
      const beforeArchives = names[names.indexOf('Migration20261207030000Archives') - 1];
      const refused = await runAdmin(['rollback', '--to', beforeArchives], { DATABASE_URL: url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('回滚未执行，数据库保持不变：仍有已生成的档案导出文件');
      expect(await executed()).toEqual(names);

      // Content an admin removed and restricted content: several downs in one call leave every migration applied.
      await db(`update message set removed_at = now(), removal_reason = 'leak_risk' where id = (select id from message order by created_at limit 1)`);
      await db(`update archive_export set storage_key = null`);
      await db(`update app_user set must_change_password = true where id = '${user.id}'`);
      const beforeModeration = names[names.indexOf('Migration20261125140000Moderation') - 1];
      const removed = await runAdmin(['rollback', '--to', beforeModeration], { DATABASE_URL: url });
      expect(removed.code).toBe(1);
      expect(removed.stderr).toContain('存在已被管理员移除的内容');
      expect(await executed()).toEqual(names);

      // Down to just before the organisation import: the account whose initial password was never changed is disabled.
      const rolled = await runAdmin(['rollback', '--to', 'Migration20261125180000SearchMerge'], { DATABASE_URL: url });
      expect(rolled.code).toBe(0);
      const [after] = await db(`select status, status_reason from app_user where id = '${user.id}'`);
      expect(after.status).toBe('disabled');
      expect(after.status_reason).toContain('初始密码尚未修改');
    } finally {
      await check.close(true);
      await dropDatabase(url);
    }
  }, 180_000);
});
