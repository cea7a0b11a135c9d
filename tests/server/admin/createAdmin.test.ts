import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { runAdmin, serveDatabase } from '../../helpers/adminCli.js';
import { Client } from '../../helpers/graphql.js';
import { DEMO_PASSWORD } from '../../../seeds/demo.js';

/** create-admin as a real process against a fresh database, then the admin signs in over HTTP. */
let databaseUrl: string;
let orm: MikroORM;
const PASSWORD = 'Shengzhongxin-2026';

beforeAll(async () => {
  databaseUrl = await freshDatabase();
  orm = await MikroORM.init(ormOptions(databaseUrl));
});
afterAll(async () => {
  await orm?.close(true);
  if (databaseUrl) await dropDatabase(databaseUrl);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const query = (text: string, params: unknown[] = []): Promise<any[]> => orm.em.fork().getConnection().execute(text, params);

// Each command is a fresh process (tsx start, database open): seconds each on a busy machine.
describe('create-admin', { timeout: 180_000 }, () => {
  it('creates a system admin (and the unit, as a top-level unit) from ADMIN_PASSWORD; the admin signs in over HTTP', async () => {
    const run = await runAdmin(databaseUrl, ['create-admin', '--login', 'ITAdmin', '--name', '刘信息', '--unit', '甘肃省政务服务中心', '--title', '信息中心主任'], { ADMIN_PASSWORD: PASSWORD });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('已新建顶级单位：甘肃省政务服务中心');
    expect(run.stdout).toContain('已创建系统管理员 itadmin（刘信息，甘肃省政务服务中心）');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    const [unit] = await query(`select level, parent_id, path from org_unit where name = '甘肃省政务服务中心'`);
    expect(unit).toMatchObject({ level: 'province', parent_id: null });
    const audits = await query(`select a.action from audit_log a join app_user u on u.id::text = a.target_id where u.login_name = 'itadmin' order by a.action`);
    expect(audits.map((a: { action: string }) => a.action)).toEqual(['user.created', 'user.system_admin_changed']);

    const server = await serveDatabase(databaseUrl);
    try {
      const client = new Client(server.url);
      await client.login('itadmin', PASSWORD);
      const { viewer } = await client.request<{ viewer: { isSystemAdmin: boolean; mustChangePassword: boolean; title: string; unit: { name: string } } }>(
        '{ viewer { isSystemAdmin mustChangePassword title unit { name } } }',
      );
      expect(viewer).toEqual({ isSystemAdmin: true, mustChangePassword: false, title: '信息中心主任', unit: { name: '甘肃省政务服务中心' } });
    } finally {
      await server.close();
    }
  });

  it('joins an existing unit, and refuses a taken login name, a weak password and a missing password in Chinese', async () => {
    const users = Number((await query('select count(*) as n from app_user'))[0].n);
    const taken = await runAdmin(databaseUrl, ['create-admin', '--login', 'itadmin', '--name', '王二', '--unit', '甘肃省政务服务中心'], { ADMIN_PASSWORD: PASSWORD });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('错误：登录名“itadmin”已被使用');
    const weak = await runAdmin(databaseUrl, ['create-admin', '--login', 'wanger', '--name', '王二', '--unit', '甘肃省政务服务中心'], { ADMIN_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('错误：密码至少 10 个字符');
    const none = await runAdmin(databaseUrl, ['create-admin', '--login', 'wanger', '--name', '王二', '--unit', '甘肃省政务服务中心']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('ADMIN_PASSWORD');
    const demo = await runAdmin(databaseUrl, ['create-admin', '--login', 'wanger', '--name', '王二', '--unit', '甘肃省政务服务中心'], { ADMIN_PASSWORD: DEMO_PASSWORD });
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('错误：不能使用公开的演示密码');
    const usage = await runAdmin(databaseUrl, ['create-admin', '--login', 'wanger']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('请用 --name 指定姓名');
    expect(Number((await query('select count(*) as n from app_user'))[0].n)).toBe(users);

    const second = await runAdmin(databaseUrl, ['create-admin', '--login', 'wanger', '--name', '王二', '--unit', '四川省政务服务中心'], { ADMIN_PASSWORD: PASSWORD });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('已新建顶级单位');
    const [row] = await query(`select u.is_system_admin, o.name from app_user u join org_unit o on o.id = u.unit_id where login_name = 'wanger'`);
    expect(row).toEqual({ is_system_admin: true, name: '四川省政务服务中心' });
  });
});
