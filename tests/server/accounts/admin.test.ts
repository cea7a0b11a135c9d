import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, unitId, userId } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';

const ABILITIES = `query($id: ID!) { user(id: $id) { viewerCan { review updateProfile updateIdentity manageStatus manageRoles } } }`;
const DISABLE = `mutation($id: ID!, $r: String!) { disableUser(userId: $id, reason: $r) { status statusReason } }`;
const ENABLE = `mutation($id: ID!, $r: String!) { enableUser(userId: $id, reason: $r) { status } }`;
const IDENTITY = `mutation($id: ID!, $input: UpdateIdentityInput!) { updateIdentity(userId: $id, input: $input) { realName unit { name } } }`;
const PROFILE = `mutation($id: ID!, $input: UpdateProfileInput!) { updateProfile(userId: $id, input: $input) { title phone } }`;
const GRANT = `mutation($id: ID!, $u: ID!) { grantUnitAdmin(userId: $id, unitId: $u) { adminUnits { name } } }`;
const REVOKE = `mutation($id: ID!, $u: ID!) { revokeUnitAdmin(userId: $id, unitId: $u) { adminUnits { name } } }`;

let t: TestApp;
const clients: Record<string, Client> = {};
const ids: Record<string, string> = {};
const ACTORS = ['zhaomin', 'zhangkaifeng', 'chengyong', 'chenjing', 'lijinsong'];
const TARGETS = ['zhaomin', 'zhangkaifeng', 'chengyong', 'lijinsong', 'songtao', 'ningzhiyuan'];

beforeAll(async () => {
  t = await startTestApp();
  for (const login of new Set([...ACTORS, ...TARGETS])) ids[login] = await userId(t.orm, login);
  for (const login of ACTORS) clients[login] = await signedIn(t.url, login);
});
afterAll(() => t.close());

/**
 * Who may manage whom. zhaomin: system admin; zhangkaifeng: admin of the province (whole tree);
 * chengyong: admin of 巴中市 (and its counties); chenjing: admin of 成都市; lijinsong: member of 巴中市.
 * M = manageStatus/manageRoles, I = updateIdentity, P = updateProfile.
 */
const EXPECTED: Record<string, Record<string, string>> = {
  zhaomin: { zhaomin: 'P', zhangkaifeng: 'MIP', chengyong: 'MIP', lijinsong: 'MIP', songtao: 'MIP', ningzhiyuan: 'MIP' },
  zhangkaifeng: { zhaomin: '', zhangkaifeng: 'P', chengyong: 'MIP', lijinsong: 'MIP', songtao: 'MIP', ningzhiyuan: 'MIP' },
  chengyong: { zhaomin: '', zhangkaifeng: '', chengyong: 'P', lijinsong: 'MIP', songtao: '', ningzhiyuan: 'MIP' },
  chenjing: { zhaomin: '', zhangkaifeng: '', chengyong: '', lijinsong: '', songtao: 'MIP', ningzhiyuan: '' },
  lijinsong: { zhaomin: '', zhangkaifeng: '', chengyong: '', lijinsong: 'P', songtao: '', ningzhiyuan: '' },
};

describe('role × action matrix', () => {
  for (const actor of ACTORS) {
    for (const target of TARGETS) {
      it(`${actor} on ${target}: ${EXPECTED[actor][target] || 'nothing'}`, async () => {
        const { user } = await clients[actor].request(ABILITIES, { id: ids[target] });
        const expected = EXPECTED[actor][target];
        expect(user.viewerCan).toEqual({
          review: false,
          updateProfile: expected.includes('P'),
          updateIdentity: expected.includes('I'),
          manageStatus: expected.includes('M'),
          manageRoles: expected.includes('M'),
        });
      });
    }
  }

  it('enforces the matrix on the real mutations, not only in viewerCan', async () => {
    // Refusals first: each leaves the account untouched.
    expect(await clients.chengyong.errorCode(DISABLE, { id: ids.zhangkaifeng, r: '测试' })).toBe('FORBIDDEN');
    expect(await clients.chengyong.errorCode(DISABLE, { id: ids.chengyong, r: '测试' })).toBe('FORBIDDEN');
    expect(await clients.chenjing.errorCode(DISABLE, { id: ids.lijinsong, r: '测试' })).toBe('FORBIDDEN');
    expect(await clients.lijinsong.errorCode(DISABLE, { id: ids.ningzhiyuan, r: '测试' })).toBe('FORBIDDEN');
    expect(await clients.zhangkaifeng.errorCode(DISABLE, { id: ids.zhaomin, r: '测试' })).toBe('FORBIDDEN');
    expect(await clients.lijinsong.errorCode(IDENTITY, { id: ids.lijinsong, input: { realName: '李劲', reason: '改名' } })).toBe('FORBIDDEN');
    expect(await clients.chenjing.errorCode(PROFILE, { id: ids.lijinsong, input: { title: '科员' } })).toBe('FORBIDDEN');
    const [row] = await sql(t.orm, `select count(*) filter (where status = 'active') as active from app_user where login_name in ('zhangkaifeng','chengyong','lijinsong','ningzhiyuan','zhaomin')`);
    expect(Number(row.active)).toBe(5);
  });
});

describe('real name and unit changes', () => {
  it('lets an admin of the unit change a real name, with a reason, audited with before and after', async () => {
    const missing = await clients.chengyong.errors(IDENTITY, { id: ids.ningzhiyuan, input: { realName: '宁致远' } });
    expect(missing[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(missing[0].message).toContain('参数无效');
    expect(await clients.chengyong.errorCode(IDENTITY, { id: ids.ningzhiyuan, input: { realName: '宁主任', reason: '' } })).toBe('BAD_USER_INPUT');
    const { updateIdentity } = await clients.chengyong.request(IDENTITY, { id: ids.ningzhiyuan, input: { realName: '宁致远', reason: '身份证姓名为宁致远' } });
    expect(updateIdentity.realName).toBe('宁致远');
    const [entry] = await sql(t.orm, `select actor_id, reason, before, after, ip from audit_log where action = 'user.identity_changed' and target_id = ?`, [ids.ningzhiyuan]);
    expect(entry).toMatchObject({ actor_id: ids.chengyong, reason: '身份证姓名为宁致远' });
    expect(entry.before.realName).toBe('宁志远');
    expect(entry.after.realName).toBe('宁致远');
    expect(entry.ip).toBe('127.0.0.1');
  });

  it('refuses a nickname as real name and changes nothing', async () => {
    const errors = await clients.chengyong.errors(IDENTITY, { id: ids.ningzhiyuan, input: { realName: '老宁666', reason: '测试' } });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'realName' });
    const [row] = await sql(t.orm, `select real_name from app_user where id = ?`, [ids.ningzhiyuan]);
    expect(row.real_name).toBe('宁致远');
  });

  it('does not let an admin move someone into a unit outside their scope', async () => {
    const chengdu = await unitId(t.orm, '成都市政务服务中心');
    expect(await clients.chengyong.errorCode(IDENTITY, { id: ids.lijinsong, input: { unitId: chengdu, reason: '调动' } })).toBe('FORBIDDEN');
    const tongjiang = await unitId(t.orm, '通江县政务服务中心');
    const { updateIdentity } = await clients.chengyong.request(IDENTITY, { id: ids.ningzhiyuan, input: { unitId: tongjiang, reason: '调动' } });
    expect(updateIdentity.unit.name).toBe('通江县政务服务中心');
  });

  it('lets people edit their own title and phone, validated', async () => {
    expect(await clients.lijinsong.errorCode(PROFILE, { id: ids.lijinsong, input: { phone: 'call me' } })).toBe('BAD_USER_INPUT');
    const { updateProfile } = await clients.lijinsong.request(PROFILE, { id: ids.lijinsong, input: { title: '督查科科长（兼）', phone: '0827-5260000' } });
    expect(updateProfile).toEqual({ title: '督查科科长（兼）', phone: '0827-5260000' });
  });
});

describe('disabling accounts', () => {
  it('ends every session of a disabled account at once and refuses its login with the reason', async () => {
    const victim = await signedIn(t.url, 'zhouli');
    const zhouli = await userId(t.orm, 'zhouli');
    expect(await clients.chengyong.errorCode(DISABLE, { id: zhouli, r: '' })).toBe('BAD_USER_INPUT');
    const { disableUser } = await clients.chengyong.request(DISABLE, { id: zhouli, r: '已调离' });
    expect(disableUser).toEqual({ status: 'DISABLED', statusReason: '已调离' });
    expect((await victim.request(`{ viewer { id } }`)).viewer).toBeNull();
    expect(await count(t.orm, 'session', 'user_id = ?', [zhouli])).toBe(0);
    const errors = await new Client(t.url).errors(`mutation { login(loginName: "zhouli", password: "Jiaoliu@2026") { token } }`);
    expect(errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(errors[0].message).toContain('已调离');
    expect(await clients.chengyong.errorCode(DISABLE, { id: zhouli, r: '再次' })).toBe('CONFLICT');
    await clients.chengyong.request(ENABLE, { id: zhouli, r: '返岗' });
    await expect(new Client(t.url).login('zhouli')).resolves.toBeTruthy();
  });
});

describe('unit admins', () => {
  it('appoints and removes a county admin within scope, who then sees that county\'s applications', async () => {
    const bazhou = await unitId(t.orm, '巴州区政务服务中心');
    const nanjiang = await unitId(t.orm, '南江县政务服务中心');
    const hulin = await userId(t.orm, 'hulin');
    // 胡林 works in 南江县: cannot administer 巴州区.
    expect(await clients.chengyong.errorCode(GRANT, { id: hulin, u: bazhou })).toBe('BAD_USER_INPUT');
    expect(await clients.chenjing.errorCode(GRANT, { id: ids.songtao, u: bazhou })).toBe('FORBIDDEN');
    const { grantUnitAdmin } = await clients.chengyong.request(GRANT, { id: hulin, u: nanjiang });
    expect(grantUnitAdmin.adminUnits).toEqual([{ name: '南江县政务服务中心' }]);
    expect(await clients.chengyong.errorCode(GRANT, { id: hulin, u: nanjiang })).toBe('CONFLICT');

    const hu = await signedIn(t.url, 'hulin');
    const { pendingRegistrations } = await hu.request(`{ pendingRegistrations { edges { node { realName } } } }`);
    expect(pendingRegistrations.edges.map((e: any) => e.node.realName)).toEqual(['何伟']);
    // A county admin cannot act on the city admin who appointed them.
    expect(await hu.errorCode(DISABLE, { id: ids.chengyong, r: '测试' })).toBe('FORBIDDEN');

    const { revokeUnitAdmin } = await clients.chengyong.request(REVOKE, { id: hulin, u: nanjiang });
    expect(revokeUnitAdmin.adminUnits).toEqual([]);
    expect(await count(t.orm, 'audit_log', `target_id = ? and action in ('user.unit_admin_granted', 'user.unit_admin_revoked')`, [hulin])).toBe(2);
  });

  it('lets unit admins appoint only below their own units, so they never create a peer they cannot manage', async () => {
    const bazhong = await unitId(t.orm, '巴中市政务服务中心');
    const province = await unitId(t.orm, '四川省政务服务中心');
    const units = await clients.chengyong.request(`query($a: ID!, $b: ID!) { a: orgUnit(id: $a) { viewerCan { administer appointAdmin } } b: orgUnit(id: $b) { viewerCan { appointAdmin } } }`, { a: bazhong, b: await unitId(t.orm, '南江县政务服务中心') });
    expect(units.a.viewerCan).toEqual({ administer: true, appointAdmin: false });
    expect(units.b.viewerCan).toEqual({ appointAdmin: true });
    expect(await clients.chengyong.errorCode(GRANT, { id: ids.lijinsong, u: bazhong })).toBe('FORBIDDEN');
    expect(await clients.zhangkaifeng.errorCode(GRANT, { id: await userId(t.orm, 'niujianping'), u: province })).toBe('FORBIDDEN');
    // A system admin appoints peers at any level, and can remove them again.
    await clients.zhaomin.request(GRANT, { id: ids.lijinsong, u: bazhong });
    const { user } = await clients.chengyong.request(ABILITIES, { id: ids.lijinsong });
    expect(user.viewerCan.manageStatus).toBe(false); // now 程永's peer
    const { revokeUnitAdmin } = await clients.zhaomin.request(REVOKE, { id: ids.lijinsong, u: bazhong });
    expect(revokeUnitAdmin.adminUnits).toEqual([]);
  });

  it('will not move a unit admin out of the subtree they administer', async () => {
    const bazhong = await unitId(t.orm, '巴中市政务服务中心');
    const chengdu = await unitId(t.orm, '成都市政务服务中心');
    const errors = await clients.zhangkaifeng.errors(IDENTITY, { id: ids.chengyong, input: { unitId: chengdu, reason: '调动' } });
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'unitId' });
    expect(errors[0].message).toContain('巴中市政务服务中心');
    const [row] = await sql(t.orm, `select unit_id from app_user where id = ?`, [ids.chengyong]);
    expect(row.unit_id).toBe(bazhong);
  });

  it('lets a system admin, and only a system admin, make another system admin', async () => {
    const SYSTEM = `mutation($id: ID!, $v: Boolean!) { setSystemAdmin(userId: $id, value: $v) { isSystemAdmin } }`;
    expect(await clients.zhangkaifeng.errorCode(SYSTEM, { id: ids.lijinsong, v: true })).toBe('FORBIDDEN');
    expect(await clients.zhaomin.errorCode(SYSTEM, { id: ids.zhaomin, v: false })).toBe('FORBIDDEN');
    expect((await clients.zhaomin.request(SYSTEM, { id: ids.songtao, v: true })).setSystemAdmin.isSystemAdmin).toBe(true);
    expect((await clients.zhaomin.request(SYSTEM, { id: ids.songtao, v: false })).setSystemAdmin.isSystemAdmin).toBe(false);
    expect(await count(t.orm, 'audit_log', `action = 'user.system_admin_changed' and target_id = ?`, [ids.songtao])).toBe(2);
  });

  it('creates accounts only inside the admin\'s subtree', async () => {
    const input = (unit: string, login: string) => ({ loginName: login, password: 'Initial-pass-01', realName: '秦岭', unitId: unit, title: '科员' });
    const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { realName status unit { name } } }`;
    const wuhou = await unitId(t.orm, '武侯区政务服务中心');
    const pingchang = await unitId(t.orm, '平昌县政务服务中心');
    expect(await clients.chengyong.errorCode(CREATE, { input: input(wuhou, 'qinling') })).toBe('FORBIDDEN');
    expect(await clients.lijinsong.errorCode(CREATE, { input: input(pingchang, 'qinling') })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'app_user', `login_name = 'qinling'`)).toBe(0);
    const { createUser } = await clients.chengyong.request(CREATE, { input: input(pingchang, 'qinling') });
    expect(createUser).toEqual({ realName: '秦岭', status: 'ACTIVE', unit: { name: '平昌县政务服务中心' } });
    await expect(new Client(t.url).login('qinling', 'Initial-pass-01')).resolves.toBeTruthy();
  });
});
