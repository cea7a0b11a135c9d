import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, unitId, userId } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { id realName status unit { name } } }`;
const APPROVE = `mutation($id: ID!) { approveRegistration(userId: $id) { id status reviewedBy { realName } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectRegistration(userId: $id, reason: $reason) { id status statusReason } }`;
const PASSWORD = 'Str0ng-Passw0rd!';

let t: TestApp;
let nanjiang: string;
let wuhou: string;

beforeAll(async () => {
  t = await startTestApp();
  nanjiang = await unitId(t.orm, '南江县政务服务中心');
  wuhou = await unitId(t.orm, '武侯区政务服务中心');
});
afterAll(() => t.close());

const applicant = (overrides: Record<string, unknown> = {}) => ({
  loginName: 'zhengxiaoli',
  password: PASSWORD,
  realName: '郑晓丽',
  unitId: nanjiang,
  title: '科员',
  phone: '13800001111',
  applicationNote: '新入职',
  ...overrides,
});

describe('registration → approval → login', () => {
  it('creates a pending account that cannot sign in yet', async () => {
    const anon = new Client(t.url);
    const { register } = await anon.request(REGISTER, { input: applicant() });
    expect(register).toMatchObject({ realName: '郑晓丽', unit: { name: '南江县政务服务中心' } });
    expect(register.status).toBeNull(); // private to the person and their admins; the applicant is not signed in
    const [row] = await sql(t.orm, `select status from app_user where id = ?`, [register.id]);
    expect(row.status).toBe('pending');
    const errors = await anon.errors(`mutation { login(loginName: "zhengxiaoli", password: "${PASSWORD}") { token } }`);
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(errors[0].message).toContain('等待');
    expect(await count(t.orm, 'audit_log', `action = 'user.registered' and target_id = ?`, [register.id])).toBe(1);
  });

  it('lets an admin of the unit above approve, after which the applicant signs in', async () => {
    const chengyong = await signedIn(t.url, 'chengyong');
    const { pendingRegistrations } = await chengyong.request(`{ pendingRegistrations { totalCount edges { node { realName unit { name } applicationNote viewerCan { review } } } } }`);
    const names = pendingRegistrations.edges.map((e: any) => e.node.realName);
    expect(names).toContain('郑晓丽');
    expect(names).toContain('何伟');
    expect(names).not.toContain('刘洋'); // 成都's applicant is outside 巴中's subtree
    const id = await userId(t.orm, 'zhengxiaoli');
    const { approveRegistration } = await chengyong.request(APPROVE, { id });
    expect(approveRegistration).toMatchObject({ status: 'ACTIVE', reviewedBy: { realName: '程永' } });
    expect(await count(t.orm, 'audit_log', `action = 'user.registration_approved' and target_id = ?`, [id])).toBe(1);

    const applicantClient = await signedIn(t.url, 'zhengxiaoli', PASSWORD);
    const { viewer } = await applicantClient.request(`{ viewer { realName status unit { name } } }`);
    expect(viewer).toEqual({ realName: '郑晓丽', status: 'ACTIVE', unit: { name: '南江县政务服务中心' } });
  });

  it('refuses a second review of the same application', async () => {
    const chengyong = await signedIn(t.url, 'chengyong');
    expect(await chengyong.errorCode(APPROVE, { id: await userId(t.orm, 'zhengxiaoli') })).toBe('CONFLICT');
  });

  it('answers NOT_FOUND when a 巴中 admin tries to approve a 成都 applicant, and leaves it pending', async () => {
    const chengyong = await signedIn(t.url, 'chengyong');
    const liuyang = await userId(t.orm, 'liuyang');
    const errors = await chengyong.errors(APPROVE, { id: liuyang });
    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
    const unknown = await chengyong.errors(APPROVE, { id: '00000000-0000-4000-8000-000000000000' });
    expect(errors[0].message).toBe(unknown[0].message); // indistinguishable from a missing id
    const [row] = await sql(t.orm, `select status from app_user where id = ?`, [liuyang]);
    expect(row.status).toBe('pending');
  });

  it('lets the provincial admin (whole tree) approve the 成都 applicant', async () => {
    const zhang = await signedIn(t.url, 'zhangkaifeng');
    const { approveRegistration } = await zhang.request(APPROVE, { id: await userId(t.orm, 'liuyang') });
    expect(approveRegistration.status).toBe('ACTIVE');
  });

  it('does not let an ordinary member approve anyone', async () => {
    await new Client(t.url).request(REGISTER, { input: applicant({ loginName: 'tianye', realName: '田野' }) });
    const li = await signedIn(t.url, 'lijinsong');
    expect(await li.errorCode(APPROVE, { id: await userId(t.orm, 'tianye') })).toBe('NOT_FOUND');
    const { pendingRegistrations } = await li.request(`{ pendingRegistrations { totalCount } }`);
    expect(pendingRegistrations.totalCount).toBe(0);
  });

  it('requires a reason to reject, and shows that reason to the applicant at login', async () => {
    const chengyong = await signedIn(t.url, 'chengyong');
    const id = await userId(t.orm, 'tianye');
    expect(await chengyong.errorCode(REJECT, { id, reason: '   ' })).toBe('BAD_USER_INPUT');
    const { rejectRegistration } = await chengyong.request(REJECT, { id, reason: '经核实，该同志不在本中心工作' });
    expect(rejectRegistration).toMatchObject({ status: 'REJECTED', statusReason: '经核实，该同志不在本中心工作' });
    const errors = await new Client(t.url).errors(`mutation { login(loginName: "tianye", password: "${PASSWORD}") { token } }`);
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(errors[0].message).toContain('经核实，该同志不在本中心工作');
  });

  it('does not reveal rejection details to someone with the wrong password', async () => {
    const errors = await new Client(t.url).errors(`mutation { login(loginName: "tianye", password: "wrong-password-1") { token } }`);
    expect(errors[0]).toMatchObject({ message: '登录名或密码错误', extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('concurrent review', () => {
  it('lets exactly one of two admins acting at once decide, with one audit row', async () => {
    await new Client(t.url).request(REGISTER, { input: applicant({ loginName: 'racer', realName: '赛跑' }) });
    const id = await userId(t.orm, 'racer');
    const [chengyong, zhang] = await Promise.all([signedIn(t.url, 'chengyong'), signedIn(t.url, 'zhangkaifeng')]);
    const outcomes = await Promise.allSettled([chengyong.request(APPROVE, { id }), zhang.request(REJECT, { id, reason: '同时处理' })]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason.response.errors[0].extensions.code).toBe('CONFLICT');
    expect(await count(t.orm, 'audit_log', `target_id = ? and action in ('user.registration_approved', 'user.registration_rejected')`, [id])).toBe(1);
  });
});

describe('registration input', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['nickname with digits', { realName: '山鹰2006' }, 'realName'],
    ['emoji in the name', { realName: '李劲松😀' }, 'realName'],
    ['a single character', { realName: '李' }, 'realName'],
    ['21 Chinese characters', { realName: '李'.repeat(21) }, 'realName'],
    ['mixed scripts', { realName: '李Jinsong' }, 'realName'],
    ['HTML in the name', { realName: '<b>李劲松</b>' }, 'realName'],
    ['password under 10 characters', { password: 'short1234' }, 'password'],
    ['password over 256 characters', { password: 'x'.repeat(257) }, 'password'],
    ['login name with spaces', { loginName: 'li jin' }, 'loginName'],
    ['login name starting with a digit', { loginName: '1lijin' }, 'loginName'],
    ['bad phone', { phone: '12345' }, 'phone'],
    ['empty title', { title: ' ' }, 'title'],
  ];
  it.each(cases)('refuses %s with BAD_USER_INPUT on the right field and writes nothing', async (_, overrides, field) => {
    const before = await count(t.orm, 'app_user');
    const auditBefore = await count(t.orm, 'audit_log');
    const errors = await new Client(t.url).errors(REGISTER, { input: applicant({ loginName: 'newperson', ...overrides }) });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(errors[0].message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await count(t.orm, 'app_user')).toBe(before);
    expect(await count(t.orm, 'audit_log')).toBe(auditBefore);
  });

  it('refuses NUL and other control characters anywhere with BAD_USER_INPUT, never a server error', async () => {
    const anon = new Client(t.url);
    expect(await anon.errorCode(REGISTER, { input: applicant({ loginName: 'nulperson', applicationNote: 'hi\u0000' }) })).toBe('BAD_USER_INPUT');
    expect(await anon.errorCode(`mutation { login(loginName: "ab\\u0000c", password: "whatever-pass") { token } }`)).toBe('BAD_USER_INPUT');
    const li = await signedIn(t.url, 'lijinsong');
    expect(await li.errorCode(`query($q: String) { directory(filter: { query: $q }) { totalCount } }`, { q: '李\u0000' })).toBe('BAD_USER_INPUT');
    expect(await count(t.orm, 'app_user', `login_name = 'nulperson'`)).toBe(0);
  });

  it('accepts minority names joined by · and Latin-script names', async () => {
    const anon = new Client(t.url);
    const a = await anon.request(REGISTER, { input: applicant({ loginName: 'maimaiti', realName: '买买提·艾力' }) });
    expect(a.register.realName).toBe('买买提·艾力');
    const b = await anon.request(REGISTER, { input: applicant({ loginName: 'jsmith', realName: '  John   Smith ' }) });
    expect(b.register.realName).toBe('John Smith');
  });

  it('refuses a login name already taken with CONFLICT, case-insensitively', async () => {
    const errors = await new Client(t.url).errors(REGISTER, { input: applicant({ loginName: 'LiJinSong' }) });
    expect(errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'loginName' });
  });

  it('refuses an unknown unit with NOT_FOUND', async () => {
    expect(await new Client(t.url).errorCode(REGISTER, { input: applicant({ loginName: 'nounit', unitId: '6f1c2a3b-0000-4000-8000-000000000000' }) })).toBe('NOT_FOUND');
    expect(await new Client(t.url).errorCode(REGISTER, { input: applicant({ loginName: 'nounit', unitId: "1' or '1'='1" }) })).toBe('NOT_FOUND');
  });

  it('stores argon2id at or above the OWASP floor', async () => {
    const [row] = await sql(t.orm, `select password_hash from app_user where login_name = 'maimaiti'`);
    const match = /^\$argon2id\$v=19\$([^$]+)\$/.exec(row.password_hash);
    expect(match).not.toBeNull();
    const params = Object.fromEntries(match![1].split(',').map((kv: string) => kv.split('=')));
    expect(Number(params.m)).toBeGreaterThanOrEqual(19456);
    expect(Number(params.t)).toBeGreaterThanOrEqual(2);
    expect(Number(params.p)).toBeGreaterThanOrEqual(1);
  });

  it('keeps a 武侯区 applicant out of 巴中 admin listings but in the 成都 admin one', async () => {
    await new Client(t.url).request(REGISTER, { input: applicant({ loginName: 'wuhouapplicant', realName: '武小侯', unitId: wuhou }) });
    const chenjing = await signedIn(t.url, 'chenjing');
    const { pendingRegistrations } = await chenjing.request(`{ pendingRegistrations { edges { node { realName } } } }`);
    expect(pendingRegistrations.edges.map((e: any) => e.node.realName)).toContain('武小侯');
    expect(pendingRegistrations.edges.map((e: any) => e.node.realName)).not.toContain('何伟');
  });
});
