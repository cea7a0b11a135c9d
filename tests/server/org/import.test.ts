import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import ExcelJS from 'exceljs';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { encodeGb18030, runAdmin, serveDatabase } from '../../helpers/adminCli.js';
import { Client } from '../../helpers/graphql.js';

/**
 * import-org / export-org as real processes against a fresh database (the demo organisation:
 * 四川省政务服务中心 → 巴中市政务服务中心 → …), then the imported officials over real HTTP.
 */
const HEADER = '单位,上级单位,层级,姓名,登录名,职务,手机,邮箱,是否单位管理员';
const GOOD = [
  HEADER,
  '恩阳区政务服务中心,巴中市政务服务中心,县级,周建国,zhoujianguo,主任,13800000001,zhou@enyang.gov.cn,是',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,吴丽,wuli,综合股科员,,,否',
  '恩阳区审批股,恩阳区政务服务中心,县级,郑强,zhengqiang,股长,0827-5551234,,',
  '广元市政务服务中心,四川省政务服务中心,市级,,,,,,',
  '四川省政务服务中心,,省级,李劲松,lijinsong,督查科科长,13881612345,,否',
].join('\n');
const BAD = [
  HEADER,
  '恩阳区政务服务中心,巴中市政务服务中心,县级,周建国,zhoujianguo,主任,13800000001,zhou@enyang.gov.cn,是',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,,nobody,科员,,,否',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,吴丽,wuli,科员,12345,not-an-email,否',
  '某某中心,不存在的中心,县级,孙力,sunli,科员,,,否',
  '恩阳区政务服务中心,巴中市政务服务中心,乡级,钱多,qianduo,科员,,,否',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,赵六,zhoujianguo,科员,,,否',
  '甲中心,乙中心,县级,,,,,,',
  '乙中心,甲中心,县级,,,,,,',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,冯七,fengqi,科员,,,也许',
].join('\n');

let databaseUrl: string;
let orm: MikroORM;
let dir: string;
const file = (name: string, content: string | Buffer) => {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
};
const count = async (table: string) => Number((await orm.em.fork().getConnection().execute(`select count(*) as n from ${table}`))[0].n);
const snapshot = async () => ({ users: await count('app_user'), units: await count('org_unit'), admins: await count('unit_admin'), audit: await count('audit_log') });
const userRow = async (login: string) =>
  (await orm.em.fork().getConnection().execute(`select u.*, o.name as unit_name from app_user u join org_unit o on o.id = u.unit_id where login_name = ?`, [login]))[0];

beforeAll(async () => {
  databaseUrl = await freshDatabase();
  orm = await MikroORM.init(ormOptions(databaseUrl));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-import-'));
});
afterAll(async () => {
  await orm?.close(true);
  if (databaseUrl) await dropDatabase(databaseUrl);
  fs.rmSync(dir, { recursive: true, force: true });
});

// Each command is a fresh process (tsx start, database open): seconds each on a busy machine.
describe('import-org', { timeout: 180_000 }, () => {
  it('reports every bad row with its line number and reason, and writes nothing', async () => {
    const before = await snapshot();
    const run = await runAdmin(databaseUrl, ['import-org', file('bad.csv', BAD), '--passwords', path.join(dir, 'never.csv')]);
    expect(run.code).toBe(1);
    const out = run.stdout;
    expect(out).toContain('第 3 行：“姓名”不能为空');
    expect(out).toMatch(/第 4 行：手机：电话号码格式不正确/);
    expect(out).toContain('第 4 行：邮箱格式不正确：“not-an-email”');
    expect(out).toContain('第 5 行：上级单位“不存在的中心”不存在');
    expect(out).toContain('第 6 行：未知层级“乡级”');
    expect(out).toContain('第 7 行：登录名“zhoujianguo”与第 2 行重复');
    expect(out).toMatch(/第 8 行：单位的上级关系形成循环：甲中心 → 乙中心 → 甲中心/);
    expect(out).toContain('第 10 行：“是否单位管理员”应填“是”或“否”');
    expect(out).not.toMatch(/^\s*第 2 行/m);
    expect(run.stderr).toContain('文件有错误');
    expect(await snapshot()).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'never.csv'))).toBe(false);
  });

  it('reports a missing column on line 1', async () => {
    const run = await runAdmin(databaseUrl, ['import-org', '--dry-run', file('columns.csv', '单位,上级单位,层级,姓名,登录名\n甲,,省级,张三,zhangsan\n')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('第 1 行：表头缺少列：职务、手机、邮箱、是否单位管理员');
  });

  it('--dry-run prints what would change and writes nothing', async () => {
    const before = await snapshot();
    const run = await runAdmin(databaseUrl, ['import-org', file('good.csv', '\uFEFF' + GOOD), '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('试运行');
    expect(run.stdout).toContain('新建单位 3 个');
    expect(run.stdout).toContain('新建单位：恩阳区政务服务中心（县级，上级：巴中市政务服务中心）');
    expect(run.stdout).toContain('新建账号 3 个，更新账号 1 个');
    expect(run.stdout).toContain('更新账号：lijinsong（李劲松：单位');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to create accounts without a passwords file, writing nothing', async () => {
    const before = await snapshot();
    const run = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'good.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--passwords');
    expect(await snapshot()).toEqual(before);
  });

  it('imports units and officials; initial passwords only in the 0600 file, hashed in the database, to be changed at first sign-in', async () => {
    const hashBefore = (await userRow('lijinsong')).password_hash;
    const passwords = path.join(dir, 'passwords.csv');
    const run = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'good.csv'), '--passwords', passwords]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('导入完成');
    expect(fs.statSync(passwords).mode & 0o777).toBe(0o600);
    const lines = fs.readFileSync(passwords, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('单位,姓名,登录名,初始密码');
    expect(lines).toHaveLength(4);
    const issued = new Map(lines.slice(1).map((l) => l.split(',')).map(([unit, name, login, password]) => [login, { unit, name, password }]));
    expect(issued.get('zhengqiang')?.unit).toBe('恩阳区审批股');
    for (const [login, { password }] of issued) {
      expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
      expect(run.stdout + run.stderr).not.toContain(password);
      const row = await userRow(login);
      expect(row.password_hash).not.toContain(password);
      expect(await argon2.verify(row.password_hash, password)).toBe(true);
      expect(row.must_change_password).toBe(true);
      expect(row.status).toBe('active');
    }
    const zhou = await userRow('zhoujianguo');
    expect(zhou).toMatchObject({ real_name: '周建国', unit_name: '恩阳区政务服务中心', phone: '13800000001', email: 'zhou@enyang.gov.cn' });
    const [admin] = await orm.em.fork().getConnection().execute(`select o.name from unit_admin ua join org_unit o on o.id = ua.unit_id where ua.user_id = ?`, [zhou.id]);
    expect(admin.name).toBe('恩阳区政务服务中心');
    const [unit] = await orm.em.fork().getConnection().execute(`select c.level, p.name as parent, c.path like p.path || '%' as below from org_unit c join org_unit p on p.id = c.parent_id where c.name = '恩阳区审批股'`);
    expect(unit).toMatchObject({ level: 'county', parent: '恩阳区政务服务中心', below: true });
    // The existing official moved, their password untouched and not flagged.
    const li = await userRow('lijinsong');
    expect(li).toMatchObject({ unit_name: '四川省政务服务中心', must_change_password: false, password_hash: hashBefore });
    const audits: Array<{ action: string; after: unknown }> = await orm.em.fork().getConnection().execute(`select action, after from audit_log where action like 'org.%' or action = 'user.import_updated' order by at`);
    const imported = audits.find((a) => a.action === 'org.imported');
    expect(imported?.after).toMatchObject({ unitsCreated: 3, accountsCreated: 3, accountsUpdated: 1, unitAdminsGranted: 1 });
    expect(JSON.stringify(audits)).not.toContain(issued.get('wuli')!.password);
  });

  it('re-running the same file changes nothing and never duplicates', async () => {
    const before = await snapshot();
    const hash = (await userRow('wuli')).password_hash;
    const run = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'good.csv'), '--passwords', path.join(dir, 'again.csv')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('新建单位 0 个，修改单位 0 个；新建账号 0 个，更新账号 0 个，无变化 4 个');
    expect(fs.existsSync(path.join(dir, 'again.csv'))).toBe(false);
    const after = await snapshot();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    expect((await userRow('wuli')).password_hash).toBe(hash);
  });

  it('updates a changed row (matched by login name) and keeps the password', async () => {
    const hash = (await userRow('wuli')).password_hash;
    const changed = GOOD.replace('吴丽,wuli,综合股科员,,', '吴丽,WuLi,办公室副主任,13900000002,');
    const run = await runAdmin(databaseUrl, ['import-org', file('changed.csv', changed), '--passwords', path.join(dir, 'p2.csv')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('更新账号：wuli（吴丽：职务、手机）');
    expect(await userRow('wuli')).toMatchObject({ title: '办公室副主任', phone: '13900000002', password_hash: hash, must_change_password: true });
  });

  it('reads CSV as Chinese Excel saves it (GB18030)', async () => {
    const csv = [HEADER, '恩阳区政务服务中心,巴中市政务服务中心,县级,陈晓梅,chenxiaomei,科员,,,否'].join('\r\n');
    const run = await runAdmin(databaseUrl, ['import-org', file('gbk.csv', encodeGb18030(csv)), '--passwords', path.join(dir, 'p3.csv')]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(await userRow('chenxiaomei')).toMatchObject({ real_name: '陈晓梅', unit_name: '恩阳区政务服务中心' });
  });

  it('reads XLSX: a bad row is reported by its row number; fixed, the file imports', async () => {
    const write = async (name: string, phone: string | number) => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('人员');
      sheet.addRow(HEADER.split(','));
      sheet.addRow(['恩阳区政务服务中心', '巴中市政务服务中心', '县级', '何平', 'heping', '科员', 13700000003, '', '否']);
      sheet.addRow(['恩阳区政务服务中心', '巴中市政务服务中心', '县级', '罗兰', 'luolan', '科员', phone, '', '否']);
      const target = path.join(dir, name);
      await workbook.xlsx.writeFile(target);
      return target;
    };
    const before = await snapshot();
    const bad = await runAdmin(databaseUrl, ['import-org', await write('bad.xlsx', '139'), '--passwords', path.join(dir, 'p4.csv')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/第 3 行：手机：电话号码格式不正确/);
    expect(await snapshot()).toEqual(before);
    const good = await runAdmin(databaseUrl, ['import-org', await write('good.xlsx', 13700000004), '--passwords', path.join(dir, 'p4.csv')]);
    expect(good.code, good.stderr + good.stdout).toBe(0);
    expect(await userRow('heping')).toMatchObject({ phone: '13700000003' });
    expect(await userRow('luolan')).toMatchObject({ phone: '13700000004' });
  });
});

describe('export-org', { timeout: 180_000 }, () => {
  for (const format of ['csv', 'xlsx']) {
    it(`round-trips as ${format}: importing the export changes nothing`, async () => {
      const target = path.join(dir, `export.${format}`);
      const exported = await runAdmin(databaseUrl, ['export-org', target]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);
      const before = await snapshot();
      const again = await runAdmin(databaseUrl, ['import-org', target, '--passwords', path.join(dir, `never-${format}.csv`)]);
      expect(again.code, again.stderr + again.stdout).toBe(0);
      expect(again.stdout).toMatch(/新建单位 0 个，修改单位 0 个；新建账号 0 个，更新账号 0 个，无变化 \d+ 个；新任单位管理员 0 名/);
      expect({ ...(await snapshot()), audit: 0 }).toEqual({ ...before, audit: 0 });
      if (format === 'csv') {
        const text = fs.readFileSync(target, 'utf8');
        expect(text.startsWith('\uFEFF' + HEADER)).toBe(true);
        expect(text).toContain('恩阳区政务服务中心,巴中市政务服务中心,县级,周建国,zhoujianguo,主任,13800000001,zhou@enyang.gov.cn,是');
        expect(text).toContain('广元市政务服务中心,四川省政务服务中心,市级,,,,,,');
      }
    });
  }
});

describe('an imported official at first sign-in (real HTTP)', { timeout: 180_000 }, () => {
  it('signs in, may only change the password (PASSWORD_CHANGE_REQUIRED), then works normally', async () => {
    const issued = fs.readFileSync(path.join(dir, 'passwords.csv'), 'utf8').split(/\r?\n/).find((l) => l.includes(',zhengqiang,'))!.split(',')[3];
    const server = await serveDatabase(databaseUrl);
    try {
      const client = new Client(server.url);
      const { token } = await client.login('zhengqiang', issued);
      const viewer = await client.request<{ viewer: { loginName: string; mustChangePassword: boolean } }>('{ viewer { loginName mustChangePassword } }');
      expect(viewer.viewer).toEqual({ loginName: 'zhengqiang', mustChangePassword: true });
      const refused = await client.errors('{ orgUnits { id } }');
      expect(refused[0].extensions?.code).toBe('PASSWORD_CHANGE_REQUIRED');
      expect(refused[0].message).toContain('请先修改初始密码');
      // Hidden behind a fragment or next to an allowed field: still refused.
      expect(await client.errorCode('query { viewer { id } ...F } fragment F on Query { mySessions { id } }')).toBe('PASSWORD_CHANGE_REQUIRED');
      expect(await client.errorCode('mutation { updateProfile(userId: "x", input: { title: "x" }) { id } }')).toBe('PASSWORD_CHANGE_REQUIRED');
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ orgUnits { id } }' }) });
      expect(response.status).toBe(403);

      await client.request('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: issued, n: 'Enyang-2026-new' });
      const after = await client.request<{ viewer: { mustChangePassword: boolean } }>('{ viewer { mustChangePassword } }');
      expect(after.viewer.mustChangePassword).toBe(false);
      const units = await client.request<{ orgUnits: unknown[] }>('{ orgUnits { id } }');
      expect(units.orgUnits.length).toBeGreaterThan(3);
      expect((await userRow('zhengqiang')).must_change_password).toBe(false);
    } finally {
      await server.close();
    }
  });
});
