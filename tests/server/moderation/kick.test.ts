/**
 * One way to kick (issue 15): the moderation action `kickMember` and the member list's old
 * `removeMember` (deprecated) are the same action: the same policy refusals, one audit row of the
 * same kind, one kick sanction in the person's 我的记录, the member gone and free to apply again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

const KICK = `mutation($g: ID!, $u: ID!, $n: String) { kickMember(groupId: $g, userId: $u, reason: OTHER, note: $n) }`;
const REMOVE = `mutation($g: ID!, $u: ID!, $n: String!) { removeMember(groupId: $g, userId: $u, reason: $n) }`;
const WAYS = { kickMember: KICK, removeMember: REMOVE } as const;
const RECORD = `{ myModerationRecord { sanctions { kind reason reasonLabel note active group { id } actor { id } } } }`;
const APPLY = `mutation($g: ID!) { applyToGroup(groupId: $g, acceptRules: true) { status } }`;

let t: TestApp;
let li: Client & { userId: string }; // owner
let cheng: Client & { userId: string }; // admin
let groupId: string;

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng] = await Promise.all(['lijinsong', 'chengyong'].map((l) => signedIn(t.url, l)));
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
});
afterAll(() => t.close());

/** What a removal left behind for one person, minus ids and times. */
async function outcome(person: Client & { userId: string }) {
  const audits = await sql<{ action: string; actor_id: string; reason: string; before: any; after: any }>(
    t.orm, `select action, actor_id, reason, before, after from audit_log where target_id = ? and (after->>'userId' = ? or before->>'userId' = ?) order by id`, [groupId, person.userId, person.userId]);
  const { myModerationRecord } = await person.request(RECORD);
  return {
    audits: audits.map((a) => ({ action: a.action, actor: a.actor_id, reason: a.reason, before: a.before, after: { ...a.after, sanctionId: typeof a.after?.sanctionId } })),
    sanctions: myModerationRecord.sanctions.filter((s: any) => s.group.id === groupId),
    sanctionRows: await count(t.orm, 'moderation_sanction', `group_id = ? and user_id = ? and kind = 'kick'`, [groupId, person.userId]),
    member: await count(t.orm, 'group_member', 'group_id = ? and user_id = ?', [groupId, person.userId]),
    conversationMember: await count(t.orm, 'conversation_member cm join chat_group g on g.conversation_id = cm.conversation_id', 'g.id = ? and cm.user_id = ?', [groupId, person.userId]),
  };
}

describe('one way to kick', () => {
  it('removes a member the same way by either mutation: one audit row, one sanction in 我的记录, member gone, may apply again', async () => {
    const [caiwen, liangshan] = await Promise.all(['caiwen', 'liangshan'].map((l) => signedIn(t.url, l)));
    expect(await cheng.request(KICK, { g: groupId, u: caiwen.userId, n: '长期发布与工作无关内容' })).toEqual({ kickMember: true });
    expect(await cheng.request(REMOVE, { g: groupId, u: liangshan.userId, n: '长期发布与工作无关内容' })).toEqual({ removeMember: true });

    const kicked = await outcome(caiwen);
    const removed = await outcome(liangshan);
    expect(kicked.audits).toEqual([{
      action: 'group.member_removed', actor: cheng.userId, reason: '其他：长期发布与工作无关内容',
      before: { userId: caiwen.userId, role: 'member' }, after: { userId: caiwen.userId, role: null, sanctionId: 'string', moderation: 'kick' },
    }]);
    expect(kicked.sanctions).toEqual([{ kind: 'KICK', reason: 'OTHER', reasonLabel: '其他', note: '长期发布与工作无关内容', active: false, group: { id: groupId }, actor: { id: cheng.userId } }]);
    expect({ ...kicked, sanctionRows: 1, member: 0, conversationMember: 0 }).toEqual(kicked);
    // The same, person for person.
    const swap = (o: typeof kicked, from: string, to: string) => JSON.parse(JSON.stringify(o).replaceAll(from, to));
    expect(swap(removed, liangshan.userId, caiwen.userId)).toEqual(kicked);

    for (const person of [caiwen, liangshan]) expect((await person.request(APPLY, { g: groupId })).applyToGroup.status).toBe('PENDING');
  });

  it('refuses the same people by either mutation, and writes nothing then', async () => {
    const gou = await signedIn(t.url, 'gouxiaoyan'); // a plain member
    const people = {
      owner: li.userId,
      admin: await userId(t.orm, 'zhangkaifeng'),
      self: cheng.userId,
      outsider: await userId(t.orm, 'hewei'),
    };
    const audits = await count(t.orm, 'audit_log', `action = 'group.member_removed'`);
    const sanctions = await count(t.orm, 'moderation_sanction', `kind = 'kick'`);
    for (const [name, mutation] of Object.entries(WAYS)) {
      const codes = {
        owner: await cheng.errorCode(mutation, { g: groupId, u: people.owner, n: '测试' }),
        admin: await cheng.errorCode(mutation, { g: groupId, u: people.admin, n: '测试' }),
        self: await cheng.errorCode(mutation, { g: groupId, u: people.self, n: '测试' }),
        outsider: await cheng.errorCode(mutation, { g: groupId, u: people.outsider, n: '测试' }),
        byMember: await gou.errorCode(mutation, { g: groupId, u: await userId(t.orm, 'ningzhiyuan'), n: '测试' }),
        ownerSelf: await li.errorCode(mutation, { g: groupId, u: li.userId, n: '测试' }),
      };
      expect({ name, codes }).toEqual({ name, codes: { owner: 'FORBIDDEN', admin: 'FORBIDDEN', self: 'FORBIDDEN', outsider: 'NOT_FOUND', byMember: 'FORBIDDEN', ownerSelf: 'FORBIDDEN' } });
    }
    expect(await count(t.orm, 'audit_log', `action = 'group.member_removed'`)).toBe(audits);
    expect(await count(t.orm, 'moderation_sanction', `kind = 'kick'`)).toBe(sanctions);
    expect(await count(t.orm, 'group_member', 'group_id = ? and user_id = ?', [groupId, people.admin])).toBe(1);
  });
});
