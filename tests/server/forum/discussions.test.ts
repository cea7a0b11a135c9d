import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, userId } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

const CREATE = `mutation($g: ID!, $t: String!, $m: [ID!]!) { createDiscussion(groupId: $g, topic: $t, memberIds: $m) { id topic archivedAt creator { realName } members { id } conversation { id kind discussion { id } } viewerCanInvite viewerCanArchive } }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }`;
const MINE = `query($g: ID!) { group(id: $g) { discussions(includeArchived: true) { id topic } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let gou: Client & { userId: string };
let zhang: Client & { userId: string };
let groupId: string;
let n = 0;
const key = () => `disc-${Date.now()}-${n++}`;
const streams: Stream[] = [];

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, gou, zhang] = await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan', 'zhangkaifeng'].map((l) => signedIn(t.url, l)));
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

describe('discussion groups', () => {
  it('are conversations for their members only: other members of the group get NOT_FOUND', async () => {
    const stream = await openStream(t.url, { token: (await cheng.login('chengyong')).token });
    streams.push(stream);
    const { createDiscussion: d } = await li.request(CREATE, { g: groupId, t: '三县一区交流会议筹备', m: [cheng.userId] });
    expect(d).toMatchObject({ topic: '三县一区交流会议筹备', archivedAt: null, creator: { realName: '李劲松' }, conversation: { kind: 'DISCUSSION', discussion: { id: d.id } } });
    expect(d.members.map((m: { id: string }) => m.id).sort()).toEqual([li.userId, cheng.userId].sort());
    const invited = await stream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'DISCUSSION_INVITE');
    expect(invited.notification.actor.realName).toBe('李劲松');

    await cheng.request(SEND, { c: d.conversation.id, b: '会议定在下周三', k: key() });
    const { conversation } = await li.request(`query($c: ID!) { conversation(id: $c) { messages { edges { node { body } } } } }`, { c: d.conversation.id });
    expect(conversation.messages.edges.map((e: any) => e.node.body)).toEqual(['会议定在下周三']);

    // Not even the group's admin sees it without being a member.
    expect(await zhang.errorCode(`query($d: ID!) { discussion(id: $d) { id } }`, { d: d.id })).toBe('NOT_FOUND');
    expect(await zhang.errorCode(`query($c: ID!) { conversation(id: $c) { id } }`, { c: d.conversation.id })).toBe('NOT_FOUND');
    expect(await zhang.errorCode(SEND, { c: d.conversation.id, b: '我也说一句', k: key() })).toBe('NOT_FOUND');
    expect((await zhang.request(MINE, { g: groupId })).group.discussions.map((x: any) => x.id)).not.toContain(d.id);
    expect((await cheng.request(MINE, { g: groupId })).group.discussions.map((x: any) => x.id)).toContain(d.id);
  });

  it('adds group members only, and refuses an empty or outside list', async () => {
    const outsider = await userId(t.orm, 'yuanhao');
    const errors = await li.errors(CREATE, { g: groupId, t: '只有外人', m: [outsider] });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberIds' });
    expect(await li.errorCode(CREATE, { g: groupId, t: '只有自己', m: [li.userId] })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(CREATE, { g: groupId, t: '  ', m: [cheng.userId] })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(CREATE, { g: groupId, t: '主'.repeat(31), m: [cheng.userId] })).toBe('BAD_USER_INPUT');
    expect(await count(t.orm, 'discussion_group', 'topic = ?', ['只有外人'])).toBe(0);

    const { createDiscussion: d } = await cheng.request(CREATE, { g: groupId, t: '延时服务专题', m: [li.userId] });
    expect(await cheng.errorCode(`mutation($d: ID!, $u: [ID!]!) { addDiscussionMembers(discussionId: $d, userIds: $u) { id } }`, { d: d.id, u: [outsider] })).toBe('BAD_USER_INPUT');
    const { addDiscussionMembers } = await li.request(`mutation($d: ID!, $u: [ID!]!) { addDiscussionMembers(discussionId: $d, userIds: $u) { members { id } } }`, { d: d.id, u: [gou.userId] });
    expect(addDiscussionMembers.members).toHaveLength(3);
    // The newcomer reads the history.
    await cheng.request(SEND, { c: d.conversation.id, b: '欢迎加入', k: key() });
    const { conversation } = await gou.request(`query($c: ID!) { conversation(id: $c) { messages { edges { node { body } } } } }`, { c: d.conversation.id });
    expect(conversation.messages.edges.map((e: any) => e.node.body)).toEqual(['欢迎加入']);
  });

  it('becomes read-only when archived, by its creator or a group admin, not by other members', async () => {
    const { createDiscussion: d } = await gou.request(CREATE, { g: groupId, t: '归档测试', m: [cheng.userId, li.userId] });
    const { sendMessage } = await li.request(SEND, { c: d.conversation.id, b: '归档前的消息', k: key() });
    const { setDiscussionArchived } = await cheng.request(`mutation($d: ID!) { setDiscussionArchived(discussionId: $d, archived: true) { archivedAt viewerCanInvite } }`, { d: d.id });
    expect(setDiscussionArchived.archivedAt).not.toBeNull();
    expect(setDiscussionArchived.viewerCanInvite).toBe(false);
    const before = await count(t.orm, 'message');
    const errors = await gou.errors(SEND, { c: d.conversation.id, b: '还能发吗', k: key() });
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(errors[0].message).toContain('归档');
    expect(await li.errorCode(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }`, { m: sendMessage.id })).toBe('FORBIDDEN');
    expect(await li.errorCode(`mutation($m: ID!) { editMessage(messageId: $m, body: "改") { id } }`, { m: sendMessage.id })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'message')).toBe(before);
    // Still readable, and listed only when archived ones are asked for.
    const { conversation } = await gou.request(`query($c: ID!) { conversation(id: $c) { messages { edges { node { body } } } } }`, { c: d.conversation.id });
    expect(conversation.messages.edges).toHaveLength(1);
    const active = await gou.request(`query($g: ID!) { group(id: $g) { discussions { id } } }`, { g: groupId });
    expect(active.group.discussions.map((x: any) => x.id)).not.toContain(d.id);
    await gou.request(`mutation($d: ID!) { setDiscussionArchived(discussionId: $d, archived: false) { archivedAt } }`, { d: d.id });
    await gou.request(SEND, { c: d.conversation.id, b: '重新开放', k: key() });
  });

  it('lets plain members who did not create it neither archive it', async () => {
    const { createDiscussion: d } = await cheng.request(CREATE, { g: groupId, t: '权限测试', m: [gou.userId] });
    expect(await gou.errorCode(`mutation($d: ID!) { setDiscussionArchived(discussionId: $d, archived: true) { id } }`, { d: d.id })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'discussion_group', 'id = ? and archived_at is not null', [d.id])).toBe(0);
  });

  it('loses a member who leaves it, or who leaves the group', async () => {
    const { createDiscussion: d } = await li.request(CREATE, { g: groupId, t: '离开测试', m: [cheng.userId, gou.userId] });
    await cheng.request(`mutation($d: ID!) { leaveDiscussion(discussionId: $d) }`, { d: d.id });
    expect(await cheng.errorCode(`query($d: ID!) { discussion(id: $d) { id } }`, { d: d.id })).toBe('NOT_FOUND');
    const gouStream = await openStream(t.url, { token: (await gou.login('gouxiaoyan')).token });
    streams.push(gouStream);
    await gou.request(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: groupId });
    await gouStream.waitFor((e) => e.type === 'MEMBER_LEFT' && e.conversationId === d.conversation.id);
    expect(await gou.errorCode(`query($c: ID!) { conversation(id: $c) { id } }`, { c: d.conversation.id })).toBe('NOT_FOUND');
    const members = (await li.request(`query($d: ID!) { discussion(id: $d) { members { id } } }`, { d: d.id })).discussion.members.map((m: any) => m.id);
    expect(members).toEqual([li.userId]);
    // Nothing more reaches them from it.
    await li.request(SEND, { c: d.conversation.id, b: '离开后的消息', k: key() });
    await new Promise((r) => setTimeout(r, 300));
    expect(gouStream.events.some((e) => e.message?.body === '离开后的消息')).toBe(false);
  });

  it('never leaves a person removed from the group in a discussion, however the removal and an invitation interleave', async () => {
    for (let round = 0; round < 6; round++) {
      const login = round % 2 ? 'huangwei' : 'zhouli';
      const person = await userId(t.orm, login);
      const { createDiscussion: d } = await li.request(CREATE, { g: groupId, t: `并发测试${round}`, m: [cheng.userId] });
      const results = await Promise.allSettled([
        li.request(`mutation($d: ID!, $u: [ID!]!) { addDiscussionMembers(discussionId: $d, userIds: $u) { id } }`, { d: d.id, u: [person] }),
        li.request(`mutation($g: ID!, $u: ID!) { removeMember(groupId: $g, userId: $u, reason: "测试") }`, { g: groupId, u: person }),
      ]);
      expect(results[1].status).toBe('fulfilled');
      const [row] = await sql(t.orm, `select count(*)::int as n from conversation_member where conversation_id = ? and user_id = ?`, [d.conversation.id, person]);
      expect(row.n).toBe(0);
      // Back into the group for the next round.
      const [{ conversation_id }] = await sql(t.orm, `select conversation_id from chat_group where id = ?`, [groupId]);
      await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, 'member', now(), now())`, [groupId, person]);
      await sql(t.orm, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, 0, now())`, [conversation_id, person]);
      await sql(t.orm, `update chat_group set member_count = member_count + 1 where id = ?`, [groupId]);
    }
  });

  it('refuses every message sent after the archive commits, however they interleave', async () => {
    for (let round = 0; round < 5; round++) {
      const { createDiscussion: d } = await li.request(CREATE, { g: groupId, t: `归档竞争${round}`, m: [cheng.userId] });
      await Promise.allSettled([
        ...[0, 1, 2].map(() => cheng.request(SEND, { c: d.conversation.id, b: '抢在归档前', k: key() })),
        li.request(`mutation($d: ID!) { setDiscussionArchived(discussionId: $d, archived: true) { id } }`, { d: d.id }),
      ]);
      const late = await sql(t.orm, `select count(*)::int as n from message m join discussion_group g on g.conversation_id = m.conversation_id where g.id = ? and m.created_at > g.archived_at`, [d.id]);
      expect(late[0].n).toBe(0);
    }
  });
});

