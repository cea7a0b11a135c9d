/**
 * The API behind 群管理's tools (issue 16): Query.groupSanctions lists a group's standing warnings
 * and bans for those who moderate it (owner, admins, system admins), not for members or
 * outsiders, and drops a warning once revoked and a ban once lifted. The audit log read through
 * the API names people and things (AuditLogEntry.summary, details) and holds no id or ISO time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

const SANCTIONS = `query($g: ID!) { groupSanctions(groupId: $g) { id kind reasonLabel note viewerCanLift user { realName } actor { realName } } }`;
const LOG = `query($g: ID!) { groupAuditLog(groupId: $g, first: 50) { edges { node { action summary details { label value } } } } }`;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

let t: TestApp;
let li: Client & { userId: string }; // owner
let cheng: Client & { userId: string }; // admin
let gou: Client & { userId: string }; // member
let ning: Client & { userId: string }; // member, banned here (then an outsider of a listed group)
let zhao: Client & { userId: string }; // system admin, not a member
let groupId: string;

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, gou, ning, zhao] = await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan', 'ningzhiyuan', 'zhaomin'].map((l) => signedIn(t.url, l)));
  for (const [c, l] of [[li, 'lijinsong'], [cheng, 'chengyong'], [gou, 'gouxiaoyan'], [ning, 'ningzhiyuan'], [zhao, 'zhaomin']] as const) c.token = (await c.login(l)).token;
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
});
afterAll(async () => {
  await t.close();
});

describe('groupSanctions', () => {
  it('lists standing warnings and bans to moderators only, and drops them once revoked or lifted', async () => {
    const { warnMember } = await cheng.request(`mutation($g: ID!, $u: ID!) { warnMember(groupId: $g, userId: $u, reason: OFF_TOPIC, note: "请围绕工作交流") { id } }`, { g: groupId, u: gou.userId });
    await li.request(`mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: ADVERTISING) { id } }`, { g: groupId, u: ning.userId });

    const listed = (await li.request(SANCTIONS, { g: groupId })).groupSanctions;
    expect(listed.map((s: any) => [s.kind, s.user.realName, s.reasonLabel])).toEqual([
      ['BAN', '宁志远', '广告'],
      ['WARNING', '苟晓燕', '跑题'],
    ]);
    expect(listed[1]).toMatchObject({ id: warnMember.id, note: '请围绕工作交流', actor: { realName: '程永' }, viewerCanLift: true });
    expect((await cheng.request(SANCTIONS, { g: groupId })).groupSanctions).toHaveLength(2);
    expect((await zhao.request(SANCTIONS, { g: groupId })).groupSanctions).toHaveLength(2);
    expect(await gou.errorCode(SANCTIONS, { g: groupId })).toBe('FORBIDDEN');
    expect(await ning.errorCode(SANCTIONS, { g: groupId })).toBe('FORBIDDEN');
    expect(await li.errorCode(SANCTIONS, { g: 'not-an-id' })).toBe('NOT_FOUND');

    // An admin's own warning: the owner may revoke it, the admin may not (the button's ability is the mutation's rule).
    const { warnMember: ofAdmin } = await li.request(`mutation($g: ID!, $u: ID!) { warnMember(groupId: $g, userId: $u, reason: OTHER) { id } }`, { g: groupId, u: cheng.userId });
    const lift = async (c: Client) => Object.fromEntries((await c.request(SANCTIONS, { g: groupId })).groupSanctions.map((s: any) => [s.id, s.viewerCanLift]));
    expect((await lift(cheng))[ofAdmin.id]).toBe(false);
    expect(await cheng.errorCode(`mutation($s: ID!) { revokeWarning(sanctionId: $s, reason: "x") { id } }`, { s: ofAdmin.id })).toBe('FORBIDDEN');
    expect((await lift(li))[ofAdmin.id]).toBe(true);
    expect((await lift(zhao))[ofAdmin.id]).toBe(true);
    await li.request(`mutation($s: ID!) { revokeWarning(sanctionId: $s, reason: "已核实") { id } }`, { s: ofAdmin.id });

    await li.request(`mutation($s: ID!) { revokeWarning(sanctionId: $s, reason: "误判") { id } }`, { s: warnMember.id });
    await cheng.request(`mutation($g: ID!, $u: ID!) { unbanMember(groupId: $g, userId: $u) }`, { g: groupId, u: ning.userId });
    expect((await li.request(SANCTIONS, { g: groupId })).groupSanctions).toEqual([]);
  });
});

describe('groupSanctions of an invite-only group', () => {
  it('answers NOT_FOUND to an outsider (the group is hidden from them), FORBIDDEN to a member', async () => {
    const { createGroup } = await li.request(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
      input: { name: '警告与禁止邀请制测试群', purpose: '测试', rules: '实名发言', visibility: 'INVITE_ONLY' },
    });
    const { inviteToGroup } = await li.request(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: createGroup.id, u: cheng.userId });
    await cheng.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    expect(await gou.errorCode(SANCTIONS, { g: createGroup.id })).toBe('NOT_FOUND');
    expect(await cheng.errorCode(SANCTIONS, { g: createGroup.id })).toBe('FORBIDDEN');
    expect((await li.request(SANCTIONS, { g: createGroup.id })).groupSanctions).toEqual([]);
  });
});

describe('Sanction.viewerCanLift', () => {
  it("costs no reads per group in one's own record (我的记录), however many groups it spans", async () => {
    for (const name of ['可撤销测试一群', '可撤销测试二群', '可撤销测试三群', '可撤销测试四群']) {
      const { createGroup } = await li.request(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, { input: { name, purpose: '测试', rules: '实名发言', visibility: 'INVITE_ONLY' } });
      const { inviteToGroup } = await li.request(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: createGroup.id, u: gou.userId });
      await gou.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
      await li.request(`mutation($g: ID!, $u: ID!) { warnMember(groupId: $g, userId: $u, reason: OTHER) { id } }`, { g: createGroup.id, u: gou.userId });
    }
    const knex = t.orm.em.getConnection().getKnex();
    const statementsOf = async (query: string) => {
      let statements = 0;
      const count = () => statements++;
      knex.on('query', count);
      try {
        const { myModerationRecord } = await gou.request(query);
        expect(myModerationRecord.sanctions.length).toBeGreaterThanOrEqual(4);
        return { statements, sanctions: myModerationRecord.sanctions };
      } finally {
        knex.off('query', count);
      }
    };
    const plain = await statementsOf(`{ myModerationRecord { sanctions { id } } }`);
    const withLift = await statementsOf(`{ myModerationRecord { sanctions { id viewerCanLift } } }`);
    expect(withLift.sanctions.every((s: any) => s.viewerCanLift === false)).toBe(true);
    // Was two reads per group (eight here); nobody lifts their own sanctions, so none are needed.
    expect(withLift.statements - plain.statements).toBeLessThanOrEqual(0);
  });
});

describe('the audit log through the API', () => {
  it('reads as named sentences with labelled fields, without ids or ISO times', async () => {
    const log = (await li.request(LOG, { g: groupId })).groupAuditLog.edges.map((e: any) => e.node);
    const summaries = log.map((e: any) => e.summary);
    expect(summaries).toContain('程永 解除了对 宁志远 的加入禁止');
    expect(summaries).toContain('李劲松 撤销了对 苟晓燕 的警告');
    expect(summaries).toContain('李劲松 禁止 宁志远 加入本群');
    expect(summaries).toContain('程永 警告了 苟晓燕');
    const revoked = log.find((e: any) => e.action === 'moderation.warning_revoked');
    expect(revoked.details).toContainEqual({ label: '原因', value: '误判' });
    for (const e of log) {
      for (const text of [e.summary, ...e.details.flatMap((d: any) => [d.label, d.value])]) {
        expect(text).not.toMatch(UUID);
        expect(text).not.toMatch(ISO_TIME);
      }
    }
  });
});
