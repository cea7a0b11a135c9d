import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

const GROUP = `query($id: ID!) { group(id: $id) { id name purpose rules visibility memberCount viewerRole owner { realName }
  viewerCan { post update manageMembers manageAdmins mentionAll apply leave }
  conversation { id }
  members(first: 100) { totalCount edges { node { role user { realName unit { name } title } joinedAt rulesAcceptedAt } } } } }`;
const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id } }`;
const APPLY = `mutation($g: ID!, $m: String, $ok: Boolean!) { applyToGroup(groupId: $g, message: $m, acceptRules: $ok) { id status } }`;
const input = (over: Record<string, unknown> = {}) => ({ name: '窗口服务标准化', purpose: '交流窗口服务标准化经验', rules: '实名发言，只谈工作', visibility: 'LISTED', ...over });

let t: TestApp;
let demoGroup: string;
const clients: Record<string, Client & { userId: string }> = {};
const as = async (login: string) => (clients[login] ??= await signedIn(t.url, login));

beforeAll(async () => {
  t = await startTestApp();
  [{ id: demoGroup }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
});
afterAll(() => t.close());

describe('the demo group', () => {
  it('shows purpose, rules, owner, admins and members with real name, unit, title and join date', async () => {
    const { group } = await (await as('gouxiaoyan')).request(GROUP, { id: demoGroup });
    expect(group).toMatchObject({ name: '政务服务工作交流', owner: { realName: '李劲松' }, viewerRole: 'MEMBER', visibility: 'LISTED' });
    expect(group.rules).toContain('实名');
    const roles = group.members.edges.map((e: any) => [e.node.role, e.node.user.realName]);
    expect(roles[0]).toEqual(['OWNER', '李劲松']);
    expect(roles.slice(1, 3).map((r: string[]) => r[0])).toEqual(['ADMIN', 'ADMIN']);
    expect(roles.slice(1, 3).map((r: string[]) => r[1]).sort()).toEqual(['张凯峰', '程永'].sort());
    expect(group.members.totalCount).toBe(group.memberCount);
    expect(group.members.edges[0].node.user.unit.name).toBe('巴中市政务服务中心');
    expect(group.viewerCan).toMatchObject({ post: true, update: false, manageMembers: false, mentionAll: false, apply: false, leave: true });
  });

  it('lists it for outsiders, who see no members or conversation until they join', async () => {
    const outsider = await as('aiyiguli');
    const { groups } = await outsider.request(`{ groups(query: "政务") { edges { node { id name viewerRole } } } }`);
    expect(groups.edges.map((e: any) => e.node.name)).toContain('政务服务工作交流');
    const { group } = await outsider.request(GROUP, { id: demoGroup });
    expect(group).toMatchObject({ viewerRole: null, conversation: null, members: { totalCount: 0, edges: [] } });
    expect(group.viewerCan.apply).toBe(true);
  });
});

describe('joining', () => {
  it('requires accepting the rules, then an admin approves and the applicant can post', async () => {
    const applicant = await as('aiyiguli');
    expect(await applicant.errorCode(APPLY, { g: demoGroup, m: '申请加入', ok: false })).toBe('BAD_USER_INPUT');
    const { applyToGroup } = await applicant.request(APPLY, { g: demoGroup, m: '成都对口支援办，申请加入交流', ok: true });
    expect(applyToGroup.status).toBe('PENDING');
    expect(await applicant.errorCode(APPLY, { g: demoGroup, m: '再申请', ok: true })).toBe('CONFLICT');
    const member = await as('gouxiaoyan');
    expect(await member.errorCode(`mutation($a: ID!) { approveApplication(applicationId: $a) { status } }`, { a: applyToGroup.id })).toBe('NOT_FOUND');
    const admin = await as('chengyong');
    const { group } = await admin.request(`query($id: ID!) { group(id: $id) { applications { totalCount edges { node { id message applicant { realName } } } } } }`, { id: demoGroup });
    expect(group.applications.edges.map((e: any) => e.node.applicant.realName)).toContain('阿依古丽·买买提');
    const { approveApplication } = await admin.request(`mutation($a: ID!) { approveApplication(applicationId: $a) { status } }`, { a: applyToGroup.id });
    expect(approveApplication.status).toBe('APPROVED');
    const [row] = await sql(t.orm, `select rules_accepted_at from group_member where group_id = ? and user_id = ?`, [demoGroup, applicant.userId]);
    expect(row.rules_accepted_at).toBeTruthy();
    const after = await applicant.request(GROUP, { id: demoGroup });
    expect(after.group.viewerRole).toBe('MEMBER');
    await applicant.request(`mutation($c: ID!) { sendMessage(conversationId: $c, body: "大家好", clientMessageId: "aiyiguli-hello-01") { id } }`, { c: after.group.conversation.id });
  });

  it('rejects with a reason the applicant sees', async () => {
    const applicant = await as('yuanhao');
    const { applyToGroup } = await applicant.request(APPLY, { g: demoGroup, m: null, ok: true });
    const admin = await as('zhangkaifeng');
    expect(await admin.errorCode(`mutation($a: ID!) { rejectApplication(applicationId: $a, reason: "") { status } }`, { a: applyToGroup.id })).toBe('BAD_USER_INPUT');
    await admin.request(`mutation($a: ID!) { rejectApplication(applicationId: $a, reason: "请先完善单位信息") { status } }`, { a: applyToGroup.id });
    const [row] = await sql(t.orm, `select status, reason from group_application where id = ?`, [applyToGroup.id]);
    expect(row).toEqual({ status: 'rejected', reason: '请先完善单位信息' });
  });

  it('keeps invite-only groups invisible to outsiders and visible to invitees', async () => {
    const owner = await as('zhangkaifeng');
    const { createGroup } = await owner.request(CREATE, { input: input({ name: '督查内部协调', visibility: 'INVITE_ONLY' }) });
    const outsider = await as('songtao');
    const hidden = await outsider.errors(GROUP, { id: createGroup.id });
    const missing = await outsider.errors(GROUP, { id: '00000000-0000-4000-8000-000000000000' });
    expect(hidden[0].extensions?.code).toBe('NOT_FOUND');
    expect(hidden[0].message).toBe(missing[0].message);
    expect(await outsider.errorCode(APPLY, { g: createGroup.id, ok: true })).toBe('NOT_FOUND');
    const { groups } = await outsider.request(`{ groups(query: "督查内部") { edges { node { id } } } }`);
    expect(groups.edges).toEqual([]);
    const { inviteToGroup } = await owner.request(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: createGroup.id, u: outsider.userId });
    expect((await outsider.request(GROUP, { id: createGroup.id })).group.name).toBe('督查内部协调');
    const { myInvitations } = await outsider.request(`{ myInvitations { id group { name rules } inviter { realName } } }`);
    expect(myInvitations).toEqual([{ id: inviteToGroup.id, group: { name: '督查内部协调', rules: '实名发言，只谈工作' }, inviter: { realName: '张凯峰' } }]);
    expect(await outsider.errorCode(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: false) { id } }`, { i: inviteToGroup.id })).toBe('BAD_USER_INPUT');
    await outsider.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    expect((await outsider.request(GROUP, { id: createGroup.id })).group.viewerRole).toBe('MEMBER');
  });

  it('enforces the size limit', async () => {
    const owner = await as('chenjing');
    const { createGroup } = await owner.request(CREATE, { input: input({ name: '小范围讨论' }) });
    await sql(t.orm, `update chat_group set max_members = 1 where id = ?`, [createGroup.id]);
    const applicant = await as('tangyuan');
    const { applyToGroup } = await applicant.request(APPLY, { g: createGroup.id, ok: true });
    expect(await owner.errorCode(`mutation($a: ID!) { approveApplication(applicationId: $a) { status } }`, { a: applyToGroup.id })).toBe('CONFLICT');
    const [row] = await sql(t.orm, `select status from group_application where id = ?`, [applyToGroup.id]);
    expect(row.status).toBe('pending'); // rolled back with the failed join
  });
});

describe('roles and leaving', () => {
  it('lets the owner appoint admins; admins remove members but not admins or the owner', async () => {
    const owner = await as('lijinsong');
    const admin = await as('chengyong');
    const REMOVE = `mutation($g: ID!, $u: ID!, $r: String!) { removeMember(groupId: $g, userId: $u, reason: $r) }`;
    expect(await admin.errorCode(REMOVE, { g: demoGroup, u: await userId(t.orm, 'zhangkaifeng'), r: '测试' })).toBe('FORBIDDEN');
    expect(await admin.errorCode(REMOVE, { g: demoGroup, u: owner.userId, r: '测试' })).toBe('FORBIDDEN');
    expect(await admin.errorCode(`mutation($g: ID!, $u: ID!) { setGroupRole(groupId: $g, userId: $u, role: ADMIN) { role } }`, { g: demoGroup, u: await userId(t.orm, 'huangwei') })).toBe('FORBIDDEN');
    const { setGroupRole } = await owner.request(`mutation($g: ID!, $u: ID!) { setGroupRole(groupId: $g, userId: $u, role: ADMIN) { role user { realName } } }`, { g: demoGroup, u: await userId(t.orm, 'huangwei') });
    expect(setGroupRole).toEqual({ role: 'ADMIN', user: { realName: '黄伟' } });
    expect(await admin.errorCode(REMOVE, { g: demoGroup, u: await userId(t.orm, 'caiwen'), r: '' })).toBe('BAD_USER_INPUT');
    expect(await admin.request(REMOVE, { g: demoGroup, u: await userId(t.orm, 'caiwen'), r: '长期发布与工作无关内容' })).toEqual({ removeMember: true });
    expect(await count(t.orm, 'audit_log', `action = 'group.member_removed' and reason = '其他：长期发布与工作无关内容'`)).toBe(1);
  });

  it('lets members leave, but not the owner until ownership is handed over', async () => {
    const owner = await as('lijinsong');
    expect(await owner.errorCode(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: demoGroup })).toBe('CONFLICT');
    const member = await as('liangshan');
    await member.request(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: demoGroup });
    const { group } = await member.request(`query($id: ID!) { group(id: $id) { viewerRole conversation { id } } }`, { id: demoGroup });
    expect(group).toEqual({ viewerRole: null, conversation: null });
    const { transferOwnership } = await owner.request(`mutation($g: ID!, $u: ID!) { transferOwnership(groupId: $g, userId: $u) { owner { realName } } }`, { g: demoGroup, u: await userId(t.orm, 'chengyong') });
    expect(transferOwnership.owner.realName).toBe('程永');
    const roles = await sql(t.orm, `select u.login_name, gm.role from group_member gm join app_user u on u.id = gm.user_id where gm.group_id = ? and u.login_name in ('lijinsong', 'chengyong')`, [demoGroup]);
    expect(Object.fromEntries(roles.map((r) => [r.login_name, r.role]))).toEqual({ lijinsong: 'admin', chengyong: 'owner' });
  });

  it('validates group settings', async () => {
    const owner = await as('pengbo');
    expect(await owner.errorCode(CREATE, { input: input({ name: '群' }) })).toBe('BAD_USER_INPUT');
    expect(await owner.errorCode(CREATE, { input: input({ name: '名'.repeat(31) }) })).toBe('BAD_USER_INPUT');
    expect(await owner.errorCode(CREATE, { input: input({ rules: '' }) })).toBe('BAD_USER_INPUT');
    expect(await owner.errorCode(`mutation($g: ID!, $input: GroupInput!) { updateGroup(groupId: $g, input: $input) { id } }`, { g: demoGroup, input: input() })).toBe('FORBIDDEN');
  });
});
