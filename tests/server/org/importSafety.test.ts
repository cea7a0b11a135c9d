import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { runAdmin } from '../../helpers/adminCli.js';

/**
 * import-org's guards and password delivery, as real processes against a fresh database (demo
 * organisation): accounts it must not write, reissued initial passwords, per-unit password files,
 * and export-org's CSV neutralising formulas.
 */
const HEADER = '单位,上级单位,层级,姓名,登录名,职务,手机,邮箱,是否单位管理员';
const FILE = [
  HEADER,
  '恩阳区政务服务中心,巴中市政务服务中心,县级,周建国,zhoujianguo,主任,13800000001,,是',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,吴丽,wuli,科员,,,否',
  '恩阳区政务服务中心,巴中市政务服务中心,县级,艾青,xiaoai,科员,,,否',
  '通江县/政务中心,巴中市政务服务中心,县级,郑强,zhengqiang,股长,,,否',
].join('\n');

let databaseUrl: string;
let orm: MikroORM;
let dir: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const query = (text: string, params: unknown[] = []): Promise<any[]> => orm.em.fork().getConnection().execute(text, params);
const userRow = async (login: string) => (await query('select * from app_user where login_name = ?', [login]))[0];
const csvRows = (file: string) =>
  fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));

beforeAll(async () => {
  databaseUrl = await freshDatabase();
  orm = await MikroORM.init(ormOptions(databaseUrl));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-import-safety-'));
  fs.writeFileSync(path.join(dir, 'people.csv'), FILE);
});
afterAll(async () => {
  await orm?.close(true);
  if (databaseUrl) await dropDatabase(databaseUrl);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('import-org password delivery', { timeout: 180_000 }, () => {
  it('groups the passwords file by unit, then name, and writes one 0600 file per unit with --passwords-dir', async () => {
    const all = path.join(dir, 'all.csv');
    const perUnit = path.join(dir, 'units');
    const run = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--passwords', all, '--passwords-dir', perUnit]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const rows = csvRows(all);
    expect(rows.map((r) => r[0] + '/' + r[1])).toEqual(['恩阳区政务服务中心/艾青', '恩阳区政务服务中心/吴丽', '恩阳区政务服务中心/周建国', '通江县/政务中心/郑强']);
    const files = fs.readdirSync(perUnit).sort();
    expect(files).toEqual(['恩阳区政务服务中心.csv', '通江县_政务中心.csv']);
    for (const name of files) expect(fs.statSync(path.join(perUnit, name)).mode & 0o777).toBe(0o600);
    expect(csvRows(path.join(perUnit, '恩阳区政务服务中心.csv')).map((r) => r[2])).toEqual(['xiaoai', 'wuli', 'zhoujianguo']); // by name (艾青, 吴丽, 周建国), not login
    const tongjiang = csvRows(path.join(perUnit, '通江县_政务中心.csv'));
    expect(tongjiang).toEqual([['通江县/政务中心', '郑强', 'zhengqiang', rows[3][3]]]);
    expect(await argon2.verify((await userRow('zhengqiang')).password_hash, tongjiang[0][3])).toBe(true);
    fs.renameSync(all, path.join(dir, 'first.csv'));

    // Never overwrites a unit's file: the next import that issues passwords into the same directory is refused, nothing written.
    const users = (await query('select count(*)::int as n from app_user'))[0].n;
    const again = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--reissue-passwords', '--passwords-dir', perUnit]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('已存在');
    expect(csvRows(path.join(perUnit, '通江县_政务中心.csv'))).toEqual(tongjiang);
    expect(await argon2.verify((await userRow('zhengqiang')).password_hash, tongjiang[0][3])).toBe(true);
    expect((await query('select count(*)::int as n from app_user'))[0].n).toBe(users);
  });

  it('--reissue-passwords gives fresh passwords only to the file accounts that never changed theirs; the lost ones stop working', async () => {
    const first = new Map(csvRows(path.join(dir, 'first.csv')).map((r) => [r[2], r[3]]));
    // wuli changed the initial password at first sign-in.
    await query(`update app_user set password_hash = ?, must_change_password = false where login_name = 'wuli'`, [await argon2.hash('Wuli-own-2026')]);
    const wuliHash = (await userRow('wuli')).password_hash;
    // xiaoai signed in with the initial password (or someone holding the lost file did).
    await query(`insert into session (id, user_id, token_hash, created_at, last_used_at, expires_at) select gen_random_uuid(), id, md5(id::text), now(), now(), now() + interval '1 day' from app_user where login_name = 'xiaoai'`);
    expect((await query(`select count(*)::int as n from session s join app_user u on u.id = s.user_id where u.login_name = 'xiaoai'`))[0].n).toBe(1);

    const refused = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--reissue-passwords']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--reissue-passwords');

    const dry = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--reissue-passwords', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('重发初始密码 3 个');
    expect(dry.stdout).not.toContain('重发初始密码：wuli');

    const out = path.join(dir, 'reissued.csv');
    const run = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--reissue-passwords', '--passwords', out]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const reissued = new Map(csvRows(out).map((r) => [r[2], r[3]]));
    expect([...reissued.keys()].sort()).toEqual(['xiaoai', 'zhengqiang', 'zhoujianguo']);
    for (const [login, password] of reissued) {
      const row = await userRow(login);
      expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
      expect(await argon2.verify(row.password_hash, password)).toBe(true);
      expect(await argon2.verify(row.password_hash, first.get(login)!)).toBe(false);
      expect(row.must_change_password).toBe(true);
    }
    expect((await userRow('wuli')).password_hash).toBe(wuliHash);
    expect((await query(`select count(*)::int as n from session s join app_user u on u.id = s.user_id where u.login_name = 'xiaoai'`))[0].n).toBe(0);
    const audits = await query(`select a.after from audit_log a where a.action = 'user.password_reissued'`);
    expect(audits.map((a: { after: { loginName: string } }) => a.after.loginName).sort()).toEqual(['xiaoai', 'zhengqiang', 'zhoujianguo']);
    expect(JSON.stringify(audits)).not.toContain(reissued.get('xiaoai'));

    // Without the flag, a re-import still leaves every password alone.
    const plain = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--passwords', path.join(dir, 'never.csv')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, 'never.csv'))).toBe(false);
    expect(await argon2.verify((await userRow('xiaoai')).password_hash, reissued.get('xiaoai')!)).toBe(true);
  });
});

describe('export-org CSV and formulas', { timeout: 180_000 }, () => {
  it('neutralises cells Excel would run as formulas, and importing the export still changes nothing', async () => {
    const title = '=HYPERLINK("http://e.cn","点")';
    await query(`update app_user set title = ?, email = '+x@e.cn' where login_name = 'xiaoai'`, [title]);
    await query(`update app_user set title = '-副主任' where login_name = 'zhengqiang'`);
    const target = path.join(dir, 'export.csv');
    const exported = await runAdmin(databaseUrl, ['export-org', target]);
    expect(exported.code, exported.stderr).toBe(0);
    const text = fs.readFileSync(target, 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://e.cn"",""点"")"`);
    expect(text).toContain(",'+x@e.cn,");
    expect(text).toContain(",'-副主任,");
    // No cell begins with a formula character.
    for (const line of text.split(/\r\n/)) for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+\-@]/);
    const again = await runAdmin(databaseUrl, ['import-org', target, '--passwords', path.join(dir, 'never-export.csv')]);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toMatch(/新建账号 0 个，更新账号 0 个，无变化 \d+ 个/);
    expect(await userRow('xiaoai')).toMatchObject({ title, email: '+x@e.cn' });
  });
});

describe('import-org never writes accounts that are not its to write', { timeout: 180_000 }, () => {
  it('refuses rows for pending or rejected registrations, disabled accounts and changed directory accounts, naming the line; writes nothing', async () => {
    // A self-registration squatting an HR official's login name, awaiting review.
    await query(`update app_user set status = 'pending', real_name = '冒名者', must_change_password = false where login_name = 'zhoujianguo'`);
    await query(`update app_user set status = 'disabled' where login_name = 'wuli'`);
    await query(`update app_user set directory_dn = 'uid=xiaoai,ou=people,dc=gov,dc=cn', title = '目录职务' where login_name = 'xiaoai'`);
    await query(`update app_user set status = 'rejected' where login_name = 'zhengqiang'`);
    const audit = (await query('select count(*)::int as n from audit_log'))[0].n;
    const run = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'people.csv'), '--passwords', path.join(dir, 'never-guard.csv')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('第 2 行：登录名 zhoujianguo 属于待审核的注册申请，请先在注册审核中处理');
    expect(run.stdout).toContain('第 3 行：登录名 wuli 属于已停用的账号');
    expect(run.stdout).toContain('第 4 行：登录名 xiaoai 属于统一身份认证目录账号，其信息以目录为准');
    expect(run.stdout).toContain('第 5 行：登录名 zhengqiang 属于已驳回的注册申请');
    expect(await userRow('zhoujianguo')).toMatchObject({ real_name: '冒名者', status: 'pending' });
    expect(await userRow('xiaoai')).toMatchObject({ title: '目录职务' });
    expect((await query('select count(*)::int as n from audit_log'))[0].n).toBe(audit);

    // A directory account's row that only says what the account is (as export-org writes it) passes unchanged.
    const same = [HEADER, '恩阳区政务服务中心,巴中市政务服务中心,县级,艾青,xiaoai,目录职务,,+x@e.cn,否'].join('\n');
    fs.writeFileSync(path.join(dir, 'same.csv'), same);
    const ok = await runAdmin(databaseUrl, ['import-org', path.join(dir, 'same.csv'), '--dry-run', '--reissue-passwords']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('无变化 1 个');
    expect(ok.stdout).not.toContain('重发初始密码');
  });
});
