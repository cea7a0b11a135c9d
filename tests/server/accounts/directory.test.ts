import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryConfig } from '../../../server/config.js';
import { freePort } from '../../../server/db/embedded.js';
import { DirectoryConnection, escapeFilterValue, passwordMatches, personFilter } from '../../../server/modules/ldap/client.js';
import { syncDirectoryOnce } from '../../../server/modules/ldap/sync.js';
import { runAdmin } from '../../helpers/adminProcess.js';
import { freshOrm, startTestApp, type TestApp } from '../../helpers/app.js';
import { Client, DEMO_PASSWORD, signedIn } from '../../helpers/graphql.js';
import { count, sql } from '../../helpers/demo.js';
import { LDAP_PEOPLE_BASE, LDAP_READER_DN, LDAP_READER_PASSWORD, personAttributes, startLdap, type TestLdap, type TestPerson } from '../../helpers/ldap.js';
import { openStream, waitUntil } from '../../helpers/ws.js';

/**
 * Directory sign-in against a real OpenLDAP (Debian's slapd, started once for this file with a
 * fixture tree of units and people), through the real API, the real `sync-ldap` command process
 * and the server's own scheduler.
 */

const SICHUAN = '四川省政务服务中心';
const GUANGYUAN = '广元市政务服务中心';
const CANGXI = '苍溪县政务服务中心';

const wangfang: TestPerson = { uid: 'wangfang', cn: '王芳', units: [SICHUAN, GUANGYUAN, CANGXI], title: '综合科科员', mobile: '13800000001', password: 'Dir-wangfang-2026' };
const liuzhiqiang: TestPerson = { uid: 'liuzhiqiang', cn: '刘志强', units: [SICHUAN, GUANGYUAN], title: '副主任', password: 'Dir-liuzhiqiang-2026' };
const sunlili: TestPerson = { uid: 'sunlili', cn: '孙丽丽', units: [SICHUAN, GUANGYUAN], title: '科员', password: 'Dir-sunlili-2026', employeeType: 'disabled' };
/** Same login name as the demo's local system admin: the directory must not take the account over. */
const fakeAdmin: TestPerson = { uid: 'zhaomin', cn: '赵敏', units: [SICHUAN], title: '冒名', password: 'Dir-zhaomin-2026' };
const hepingan: TestPerson = { uid: 'hepingan', cn: '何平安', units: [SICHUAN, GUANGYUAN, CANGXI], title: '科员', password: 'Dir-hepingan-2026' };
/** A newcomer given the login name of liuzhiqiang, who left (another entry, another DN). */
const newLiu: TestPerson = { uid: 'liuzhiqiang', cn: '刘志刚', units: [SICHUAN], title: '科员', password: 'Dir-new-liu-2026' };
/** Signs in once, then leaves; their login name is given to zhoujie2 before any sync runs. */
const zhoujie: TestPerson = { uid: 'zhoujie', cn: '周杰', units: [SICHUAN, GUANGYUAN], title: '科员', password: 'Dir-zhoujie-2026' };
const newZhou: TestPerson = { uid: 'zhoujie', cn: '周洁', units: [SICHUAN], title: '科员', password: 'Dir-new-zhou-2026' };
/** In the directory, never signed in: their login name is not free for self-registration. */
const qinxiaoyu: TestPerson = { uid: 'qinxiaoyu', cn: '秦晓雨', units: [SICHUAN], title: '科员', password: 'Dir-qinxiaoyu-2026' };

let ldap: TestLdap;
let t: TestApp;

const directoryConfig = (url: string, overrides: Partial<DirectoryConfig> = {}): DirectoryConfig => ({
  url,
  bindDn: LDAP_READER_DN,
  bindPassword: LDAP_READER_PASSWORD,
  searchBase: LDAP_PEOPLE_BASE,
  userFilter: '(&(objectClass=inetOrgPerson)(uid={login}))',
  attributes: { login: 'uid', name: 'cn', unit: '', title: 'title', phone: 'mobile', disabled: 'employeeType' },
  disabledValues: ['disabled'],
  unitRoot: '',
  syncMinutes: 0,
  timeoutMs: 2000,
  tls: { caFile: null, startTls: false, rejectUnauthorized: true },
  ...overrides,
});

const LOGIN = `mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { user { id realName title phone directoryManaged directoryFields unit { name level parent { name level parent { name } } } } } }`;
const MY_GROUPS = `{ myGroups { id } }`;

const loginErrors = (url: string, login: string, password: string) => new Client(url).errors(LOGIN, { l: login, p: password });

beforeAll(async () => {
  ldap = await startLdap([wangfang, liuzhiqiang, sunlili, fakeAdmin], { tls: true });
  t = await startTestApp({ directory: directoryConfig(ldap.url), scheduler: { pollMs: 200 } });
});

afterAll(async () => {
  await t?.close();
  await ldap?.close();
});

describe('directory sign-in', () => {
  it('creates the account and its units from the directory at the first sign-in', async () => {
    expect(await count(t.orm, 'org_unit', 'name = ?', [GUANGYUAN])).toBe(0);
    const client = new Client(t.url);
    const { login } = await client.request(LOGIN, { l: 'WangFang', p: wangfang.password });
    expect(login.user).toMatchObject({
      realName: '王芳',
      title: '综合科科员',
      phone: '13800000001',
      directoryManaged: true,
      directoryFields: ['realName', 'unit', 'title', 'phone'],
      // The directory's ou chain below the search base, under the existing provincial centre.
      unit: { name: CANGXI, level: 'COUNTY', parent: { name: GUANGYUAN, level: 'CITY', parent: { name: SICHUAN } } },
    });
    const [row] = await sql(t.orm, `select directory_dn, password_hash, status from app_user where login_name = 'wangfang'`);
    expect(row).toEqual({ directory_dn: ldap.personDn(wangfang), password_hash: null, status: 'active' });
    expect(await count(t.orm, 'audit_log', `action = 'directory.user_created' and target_id = ?`, [login.user.id])).toBe(1);
    // The session works; a second sign-in updates nothing and creates nothing.
    expect((await client.request(MY_GROUPS)).myGroups).toEqual([]);
    // The viewer (read from rows, not the entity) says the same, and a local account is no directory account.
    const VIEWER = `{ viewer { directoryManaged directoryFields } }`;
    expect((await client.request(VIEWER)).viewer).toEqual({ directoryManaged: true, directoryFields: ['realName', 'unit', 'title', 'phone'] });
    const local = new Client(t.url);
    await local.login('lijinsong', DEMO_PASSWORD);
    expect((await local.request(VIEWER)).viewer).toEqual({ directoryManaged: false, directoryFields: [] });
    await new Client(t.url).login('wangfang', wangfang.password);
    expect(await count(t.orm, 'app_user', `login_name = 'wangfang'`)).toBe(1);
    expect(await count(t.orm, 'org_unit', 'name = ?', [CANGXI])).toBe(1);
  });

  it('refuses a wrong password and an unknown name alike', async () => {
    const wrong = await loginErrors(t.url, 'wangfang', 'not-the-password');
    const unknown = await loginErrors(t.url, 'nobody', 'whatever-password');
    expect(wrong[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknown[0]).toEqual(wrong[0]);
  });

  it('escapes the login name into the filter: LDAP injection finds no one', async () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    for (const login of ['*)(uid=*', '*', 'wang*', '*)(|(uid=*', 'wangfang)(uid=*']) {
      const errors = await loginErrors(t.url, login, wangfang.password);
      expect(errors[0].extensions?.code, login).toBe('UNAUTHENTICATED');
    }
    expect(await count(t.orm, 'app_user', `login_name like '%*%' or login_name like '%(%'`)).toBe(0);
  });

  it('puts a login of $-patterns into the filter as it is: refused like an unknown name, and counted by the throttle', async () => {
    const config = directoryConfig(ldap.url);
    expect(personFilter(config, "$'")).toBe("(&(objectClass=inetOrgPerson)(uid=$'))");
    expect(personFilter(config, '$`')).toBe('(&(objectClass=inetOrgPerson)(uid=$`))');
    expect(personFilter(config, '$&')).toBe('(&(objectClass=inetOrgPerson)(uid=$&))');
    for (const login of ["$'", '$`', '$&', "wang$'fang"]) {
      const errors = await loginErrors(t.url, login, wangfang.password);
      expect(errors[0].extensions?.code, login).toBe('UNAUTHENTICATED');
      expect(await count(t.orm, 'login_attempt', 'login_name = ? and not succeeded', [login]), login).toBe(1);
    }
  });

  it('refuses self-registration under the login name of a directory person (it would shut them out of directory sign-in)', async () => {
    const directory = await ldap.admin();
    await directory.add(ldap.personDn(qinxiaoyu), personAttributes(qinxiaoyu)).finally(() => directory.unbind());
    const [unit] = await sql(t.orm, `select id from org_unit where name = ?`, [SICHUAN]);
    const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { id status } }`;
    const input = (loginName: string) => ({ input: { loginName, password: 'Local-squat-2026', realName: '秦晓雨', unitId: unit.id, title: '科员' } });
    const errors = await new Client(t.url).errors(REGISTER, input('QinXiaoyu'));
    expect(errors[0]).toMatchObject({ message: '该登录名属于统一身份认证目录中的人员，请直接用目录密码登录', extensions: { code: 'CONFLICT' } });
    expect(await count(t.orm, 'app_user', `login_name = 'qinxiaoyu'`)).toBe(0);
    // A name the directory does not know registers as before.
    expect((await new Client(t.url).request(REGISTER, input('qinxiaoyu.local'))).register.id).toBeTruthy();
    expect(await count(t.orm, 'app_user', `login_name = 'qinxiaoyu.local' and status = 'pending'`)).toBe(1);
    const removal = await ldap.admin();
    await removal.del(ldap.personDn(qinxiaoyu)).finally(() => removal.unbind());
  });

  it('keeps local accounts local: the first admin signs in with the local password, never the directory one', async () => {
    await new Client(t.url).login('zhaomin', DEMO_PASSWORD);
    expect((await loginErrors(t.url, 'zhaomin', fakeAdmin.password))[0].extensions?.code).toBe('UNAUTHENTICATED');
    const [row] = await sql(t.orm, `select directory_dn, real_name from app_user where login_name = 'zhaomin'`);
    expect(row.directory_dn).toBeNull();
  });

  it('refuses a password change and edits of the directory fields, with Chinese messages', async () => {
    const client = await signedIn(t.url, 'wangfang', wangfang.password);
    const change = await client.errors(`mutation { changePassword(currentPassword: "${wangfang.password}", newPassword: "Another-pass-2026") }`);
    expect(change[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(change[0].message).toContain('统一身份认证');

    const admin = await signedIn(t.url, 'zhaomin');
    const { user } = await admin.request(`query($id: ID!) { user(id: $id) { viewerCan { updateIdentity updateProfile } } }`, { id: client.userId });
    expect(user.viewerCan).toEqual({ updateIdentity: false, updateProfile: true });
    const identity = await admin.errors(`mutation($id: ID!) { updateIdentity(userId: $id, input: { realName: "王小芳", reason: "更正" }) { id } }`, { id: client.userId });
    expect(identity[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(identity[0].message).toContain('目录');
    const title = await client.errors(`mutation($id: ID!) { updateProfile(userId: $id, input: { title: "主任" }) { id } }`, { id: client.userId });
    expect(title[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await sql(t.orm, `select real_name, title from app_user where id = ?`, [client.userId]))[0]).toEqual({ real_name: '王芳', title: '综合科科员' });
  });

  it('refuses a person the directory marks disabled', async () => {
    const errors = await loginErrors(t.url, 'sunlili', sunlili.password);
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count(t.orm, 'app_user', `login_name = 'sunlili'`)).toBe(0);
  });

  it('keeps the login throttle in front of the directory bind', async () => {
    const answers: Array<string | undefined> = [];
    for (let i = 0; i <= t.config.login.maxFailuresPerAccount; i++) answers.push((await loginErrors(t.url, 'sunlili', `wrong-${i}`))[0].extensions?.code);
    // Wrong passwords (the directory's answer) until the name is locked for this address.
    expect(answers.at(-1)).toBe('RATE_LIMITED');
    expect(answers).toContain('UNAUTHENTICATED');
    // Even the right password is not tried any more from this address (it would answer FORBIDDEN, see above).
    expect((await loginErrors(t.url, 'sunlili', sunlili.password))[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('answers DIRECTORY_UNAVAILABLE when the directory is down; local accounts still sign in', async () => {
    const down = await startTestApp({ directory: directoryConfig(`ldap://127.0.0.1:${await freePort()}`, { timeoutMs: 1000 }) });
    try {
      const errors = await loginErrors(down.url, 'wangfang', wangfang.password);
      expect(errors[0].extensions?.code).toBe('DIRECTORY_UNAVAILABLE');
      expect(errors[0].message).toContain('统一身份认证目录暂时无法连接');
      // Nothing was verified, so nothing counts towards the throttle.
      expect(await count(down.orm, 'login_attempt', `login_name = 'wangfang'`)).toBe(0);
      await new Client(down.url).login('zhaomin', DEMO_PASSWORD);
    } finally {
      await down.close();
    }
  });
});

describe('TLS to the directory', () => {
  it('speaks ldaps:// and STARTTLS with the configured CA, and refuses a certificate it cannot verify', async () => {
    const { url, caFile } = ldap.tls!;
    for (const config of [
      directoryConfig(url, { tls: { caFile, startTls: false, rejectUnauthorized: true } }),
      directoryConfig(ldap.url, { tls: { caFile, startTls: true, rejectUnauthorized: true } }),
    ]) {
      const connection = await DirectoryConnection.open(config);
      const entry = await connection.findPerson('wangfang').finally(() => connection.close());
      expect(entry?.dn).toBe(ldap.personDn(wangfang));
      expect(await passwordMatches(config, entry!.dn, wangfang.password)).toBe(true);
      expect(await passwordMatches(config, entry!.dn, 'wrong-password')).toBe(false);
    }
    const unverified = directoryConfig(url);
    await expect(DirectoryConnection.open(unverified)).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
  });
});

describe('sync-ldap', () => {
  // A failing command fails the test here, with what it printed.
  const syncLdap = async (app: TestApp) => {
    const run = await runAdmin(['sync-ldap'], {
      DATABASE_URL: app.databaseUrl,
      LDAP_URL: ldap.url,
      LDAP_BIND_DN: LDAP_READER_DN,
      LDAP_BIND_PASSWORD: LDAP_READER_PASSWORD,
      LDAP_SEARCH_BASE: LDAP_PEOPLE_BASE,
      LDAP_ATTR_DISABLED: 'employeeType',
      LDAP_DISABLED_VALUES: 'disabled',
    });
    expect(run.code, run.stderr).toBe(0);
    return run;
  };

  it('changes nothing when the directory lists nobody (a wrong filter) or does not answer', async () => {
    const active = `directory_dn is not null and status = 'active'`;
    const before = await count(t.orm, 'app_user', active);
    expect(before).toBeGreaterThan(0);
    const nobody = directoryConfig(ldap.url, { userFilter: '(&(objectClass=inetOrgPerson)(uid=nobody-{login}))' });
    await expect(syncDirectoryOnce(t.orm.em.fork(), nobody)).rejects.toThrow('为防止误停用全部目录账号，本次同步未做任何修改');
    const down = directoryConfig(`ldap://127.0.0.1:${await freePort()}`);
    await expect(syncDirectoryOnce(t.orm.em.fork(), down)).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
    expect(await count(t.orm, 'app_user', active)).toBe(before);
  });

  it('creates everyone, then disables people removed or disabled in the directory and ends their sessions at once', async () => {
    const first = await syncLdap(t);
    // wangfang exists (unchanged), liuzhiqiang is new, sunlili is disabled there (no account), zhaomin is local (skipped).
    expect(first.stdout + first.stderr).toContain('目录人员 4 人；新建 1，更新 0，未变 1，恢复启用 0，停用 0，跳过 2');
    expect(first.stderr).toContain('登录名 zhaomin 已被本地账号使用');
    expect((await sql(t.orm, `select u.real_name, o.name as unit from app_user u join org_unit o on o.id = u.unit_id where login_name = 'liuzhiqiang'`))[0]).toEqual({ real_name: '刘志强', unit: GUANGYUAN });

    const liu = await signedIn(t.url, 'liuzhiqiang', liuzhiqiang.password);
    const wang = await signedIn(t.url, 'wangfang', wangfang.password);
    const stream = await openStream(t.url, { token: (await new Client(t.url).login('liuzhiqiang', liuzhiqiang.password)).token });
    expect(stream.closed).toBeNull();

    const directory = await ldap.admin();
    try {
      await directory.del(ldap.personDn(liuzhiqiang));
      await directory.modify(ldap.personDn(wangfang), new Change({ operation: 'add', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) }));
    } finally {
      await directory.unbind();
    }
    const second = await syncLdap(t);
    expect(second.stdout).toContain('停用 2');
    expect(await count(t.orm, 'app_user', `login_name in ('liuzhiqiang', 'wangfang') and status = 'disabled'`)).toBe(2);
    expect(await count(t.orm, 'session', `user_id in (?, ?)`, [liu.userId, wang.userId])).toBe(0);
    // Their sessions stop working at once…
    expect(await liu.errorCode(MY_GROUPS)).toBe('UNAUTHENTICATED');
    expect(await wang.errorCode(MY_GROUPS)).toBe('UNAUTHENTICATED');
    // …and the running server closes the open socket (its scheduler takes the command's queued job).
    await waitUntil(() => stream.closed !== null, 5000);
    expect(stream.closed?.code).toBe(4401);
    expect(await count(t.orm, 'audit_log', `action = 'directory.user_disabled'`)).toBe(2);
    expect(await count(t.orm, 'audit_log', `action = 'directory.synced'`)).toBe(2);
    await stream.dispose();

    // Enabled again in the directory: the account comes back (only those the directory disabled).
    const again = await ldap.admin();
    try {
      await again.modify(ldap.personDn(wangfang), new Change({ operation: 'delete', modification: new Attribute({ type: 'employeeType' }) }));
    } finally {
      await again.unbind();
    }
    expect(await syncDirectoryOnce(t.orm.em.fork(), directoryConfig(ldap.url))).toMatchObject({ enabled: 1, disabled: 0 });
    await new Client(t.url).login('wangfang', wangfang.password);
  });

  it("never gives a departed person's account to a newcomer with the same login name", async () => {
    const [former] = await sql(t.orm, `select id, directory_dn, status, status_reason from app_user where login_name = 'liuzhiqiang'`);
    expect(former).toMatchObject({ directory_dn: ldap.personDn(liuzhiqiang), status: 'disabled' });
    const directory = await ldap.admin();
    try {
      await directory.add(ldap.personDn(zhoujie), personAttributes(zhoujie));
    } finally {
      await directory.unbind();
    }
    const zhou = await signedIn(t.url, 'zhoujie', zhoujie.password);
    // liuzhiqiang left (disabled by the last sync); zhoujie leaves now and the name goes to someone else before any sync.
    const change = await ldap.admin();
    try {
      await change.del(ldap.personDn(zhoujie));
      await change.add(ldap.personDn(newZhou), personAttributes(newZhou));
      await change.add(ldap.personDn(newLiu), personAttributes(newLiu));
    } finally {
      await change.unbind();
    }
    for (const [login, password] of [['liuzhiqiang', newLiu.password], ['zhoujie', newZhou.password]]) {
      const errors = await loginErrors(t.url, login, password);
      expect(errors[0].extensions?.code, login).toBe('FORBIDDEN');
      expect(errors[0].message, login).toContain('该登录名已属于另一位目录人员的历史账号，请联系管理员');
    }
    const summary = await syncDirectoryOnce(t.orm.em.fork(), directoryConfig(ldap.url));
    expect(summary.skipped.filter((reason) => reason.includes('该登录名已属于另一位目录人员的历史账号'))).toHaveLength(2);
    // The old accounts keep their DN and are (or stay) disabled; nobody signs in to them; no second account appears.
    expect(await sql(t.orm, `select login_name, directory_dn, status from app_user where login_name in ('liuzhiqiang', 'zhoujie') order by login_name`)).toEqual([
      { login_name: 'liuzhiqiang', directory_dn: ldap.personDn(liuzhiqiang), status: 'disabled' },
      { login_name: 'zhoujie', directory_dn: ldap.personDn(zhoujie), status: 'disabled' },
    ]);
    expect(await zhou.errorCode(MY_GROUPS)).toBe('UNAUTHENTICATED');
    expect((await loginErrors(t.url, 'liuzhiqiang', newLiu.password))[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('runs on a schedule in the server: new people appear, removed ones are closed out at once', async () => {
    const scheduled = await startTestApp({ directory: directoryConfig(ldap.url, { syncMinutes: 0.01 }), scheduler: { pollMs: 100 } });
    try {
      const directory = await ldap.admin();
      try {
        await directory.add(ldap.personDn(hepingan), personAttributes(hepingan));
      } finally {
        await directory.unbind();
      }
      await waitFor(async () => (await count(scheduled.orm, 'app_user', `login_name = 'hepingan' and status = 'active'`)) === 1);
      const token = (await new Client(scheduled.url).login('hepingan', hepingan.password)).token;
      const stream = await openStream(scheduled.url, { token });
      const removal = await ldap.admin();
      try {
        await removal.del(ldap.personDn(hepingan));
      } finally {
        await removal.unbind();
      }
      await waitUntil(() => stream.closed !== null, 5000);
      expect(stream.closed?.code).toBe(4401);
      expect(await count(scheduled.orm, 'app_user', `login_name = 'hepingan' and status = 'disabled'`)).toBe(1);
      // One pending sync at a time, re-queued by each run.
      expect(await count(scheduled.orm, 'scheduled_job', `kind = 'directory.sync' and done_at is null`)).toBe(1);
      expect(await count(scheduled.orm, 'audit_log', `action = 'directory.synced'`)).toBeGreaterThanOrEqual(2);
      await stream.dispose();
    } finally {
      await scheduled.close();
    }
  });
});

describe('the migration', () => {
  it('rolls back: directory accounts are disabled with an unusable password, the column goes; and applies again', async () => {
    const { orm, close } = await freshOrm();
    try {
      await sql(orm, `update app_user set directory_dn = 'uid=x,ou=people', password_hash = null where login_name = 'lijinsong'`);
      const migrator = orm.getMigrator();
      await migrator.down({ migrations: ['Migration20261207020000Directory'] });
      expect((await sql(orm, `select status, password_hash from app_user where login_name = 'lijinsong'`))[0]).toEqual({ status: 'disabled', password_hash: '!directory' });
      expect(await count(orm, 'information_schema.columns', `table_name = 'app_user' and column_name = 'directory_dn'`)).toBe(0);
      await migrator.up();
      expect(await count(orm, 'information_schema.columns', `table_name = 'app_user' and column_name = 'directory_dn'`)).toBe(1);
    } finally {
      await close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
