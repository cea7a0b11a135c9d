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
});
