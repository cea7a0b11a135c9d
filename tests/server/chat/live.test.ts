import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`;
const INVITE = `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`;
const ACCEPT = `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!, $r: ID, $m: [ID!], $all: Boolean) {
  sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r, mentionUserIds: $m, mentionAll: $all) { id seq body clientMessageId }
}`;
const HISTORY = `query($c: ID!, $before: Int, $after: Int, $first: Int) { conversation(id: $c) {
  lastSeq unreadCount mentionCount lastReadSeq
  messages(before: $before, after: $after, first: $first) { pageInfo { hasPreviousPage hasNextPage startSeq endSeq } edges { node { id seq body recalledAt editedAt reactions { emoji count } author { realName } } } }
} }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let gou: Client & { userId: string };
let groupId: string;
let conversationId: string;
const streams: Stream[] = [];
let seqKey = 0;
const key = () => `test-key-${Date.now()}-${seqKey++}`;

async function stream(client: Client, extra: Record<string, unknown> = {}) {
  const s = await openStream(t.url, { token: client.token ?? undefined, ...extra });
  streams.push(s);
  return s;
}

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, gou] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong'), signedIn(t.url, 'gouxiaoyan')]);
  for (const c of [li, cheng, gou]) c.token = (await c.login(c === li ? 'lijinsong' : c === cheng ? 'chengyong' : 'gouxiaoyan')).token;
  const { createGroup } = await li.request(CREATE, { input: { name: '测试交流群', purpose: '测试实时消息', rules: '实名发言', visibility: 'INVITE_ONLY' } });
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  for (const [client, login] of [[cheng, 'chengyong'], [gou, 'gouxiaoyan']] as const) {
    const { inviteToGroup } = await li.request(INVITE, { g: groupId, u: await userId(t.orm, login) });
    await client.request(ACCEPT, { i: inviteToGroup.id });
  }
});

afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

describe('live group chat', () => {
  it('delivers a message to the other member live, after commit, with its seq', async () => {
    const chengStream = await stream(cheng);
    const { sendMessage } = await li.request(SEND, { c: conversationId, b: '大家好，请教个问题', k: key() });
    expect(sendMessage.seq).toBeGreaterThan(0);
    const event = await chengStream.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.id === sendMessage.id);
    expect(event.message).toMatchObject({ body: '大家好，请教个问题', seq: sendMessage.seq, author: { realName: '李劲松', unit: { name: '巴中市政务服务中心' } } });
    expect(event.message.clientMessageId).toBeNull(); // echoed to the author only
    expect(event.id).toMatch(/^\d+$/);
  });

  it('deduplicates a retried send with the same clientMessageId', async () => {
    const k = key();
    const first = await li.request(SEND, { c: conversationId, b: '只发一次', k });
    const retry = await li.request(SEND, { c: conversationId, b: '只发一次', k });
    expect(retry.sendMessage.id).toBe(first.sendMessage.id);
    expect(await count(t.orm, 'message', 'client_message_id = ?', [k])).toBe(1);
    expect(retry.sendMessage.clientMessageId).toBe(k);
  });

  it('keeps seqs gapless and pages history both ways', async () => {
    for (let i = 0; i < 5; i++) await cheng.request(SEND, { c: conversationId, b: `第${i}条`, k: key() });
    const { conversation } = await li.request(HISTORY, { c: conversationId, first: 3 });
    const seqs = conversation.messages.edges.map((e: any) => e.node.seq);
    expect(seqs).toEqual([conversation.lastSeq - 2, conversation.lastSeq - 1, conversation.lastSeq]);
    expect(conversation.messages.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const older = await li.request(HISTORY, { c: conversationId, before: seqs[0], first: 100 });
    const all = [...older.conversation.messages.edges.map((e: any) => e.node.seq), ...seqs];
    expect(all).toEqual(Array.from({ length: conversation.lastSeq }, (_, i) => i + 1));
    expect(older.conversation.messages.pageInfo.hasPreviousPage).toBe(false);
    expect(await li.errorCode(HISTORY, { c: conversationId, first: 101 })).toBe('BAD_USER_INPUT');
  });

  it('counts unread messages and mentions, and marks read', async () => {
    const before = (await gou.request(HISTORY, { c: conversationId, first: 1 })).conversation;
    await li.request(SEND, { c: conversationId, b: '@苟晓燕 想在你那找份文件可否?', k: key(), m: [gou.userId] });
    const after = (await gou.request(HISTORY, { c: conversationId, first: 1 })).conversation;
    expect(after.unreadCount).toBe(before.unreadCount + 1);
    expect(after.mentionCount).toBe(before.mentionCount + 1);
    const gouStream = await stream(gou);
    await gou.request(`mutation($c: ID!) { markRead(conversationId: $c) { unreadCount mentionCount lastReadSeq } }`, { c: conversationId });
    const read = await gouStream.waitFor((e) => e.type === 'READ_STATE');
    expect(read.readSeq).toBe(after.lastSeq);
    const cleared = (await gou.request(HISTORY, { c: conversationId, first: 1 })).conversation;
    expect(cleared).toMatchObject({ unreadCount: 0, mentionCount: 0, lastReadSeq: after.lastSeq });
    // The total is the sum over every conversation of the viewer (the demo group has unread history).
    const totals = await gou.request(`{ unreadSummary { unreadCount mentionCount } myGroups { conversation { unreadCount mentionCount } } directConversations { unreadCount mentionCount } }`);
    const all = [...totals.myGroups.map((g: any) => g.conversation), ...totals.directConversations];
    expect(totals.unreadSummary).toEqual({
      unreadCount: all.reduce((n: number, c: any) => n + c.unreadCount, 0),
      mentionCount: all.reduce((n: number, c: any) => n + c.mentionCount, 0),
    });
    expect(totals.unreadSummary.unreadCount).toBeGreaterThan(0);
  });

  it('refuses @全体成员 from a plain member and allows it for the owner', async () => {
    expect(await gou.errorCode(SEND, { c: conversationId, b: '@全体成员 开会', k: key(), all: true })).toBe('FORBIDDEN');
    const { sendMessage } = await li.request(SEND, { c: conversationId, b: '@全体成员 下周开交流会', k: key(), all: true });
    expect(sendMessage.id).toBeTruthy();
  });
});

describe('presence, typing and history windows', () => {
  it('shows presence to people sharing a group: online on connect, offline with last seen on disconnect', async () => {
    // 黄伟 has no connection yet and shares the demo group with 程永.
    const huang = await signedIn(t.url, 'huangwei');
    huang.token = (await huang.login('huangwei')).token;
    const watcher = await stream(cheng);
    const huangStream = await openStream(t.url, { token: huang.token });
    const online = await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === true);
    expect(online.conversationId).toBeNull();
    const { user } = await cheng.request(`query($id: ID!) { user(id: $id) { presence { online } } }`, { id: huang.userId });
    expect(user.presence.online).toBe(true);
    await huangStream.dispose();
    await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === false);
    const after = await cheng.request(`query($id: ID!) { user(id: $id) { presence { online lastSeenAt } } }`, { id: huang.userId });
    expect(after.user.presence.online).toBe(false);
    expect(new Date(after.user.presence.lastSeenAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('sends typing to the others, not to the typist', async () => {
    const chengStream = await stream(cheng);
    const liStream = await stream(li);
    await li.request(`mutation($c: ID!) { setTyping(conversationId: $c) }`, { c: conversationId });
    const typing = await chengStream.waitFor((e) => e.type === 'TYPING' && e.user?.id === li.userId);
    expect(typing).toMatchObject({ conversationId, id: null });
    await new Promise((r) => setTimeout(r, 150));
    expect(liStream.events.some((e) => e.type === 'TYPING')).toBe(false);
  });

  it('opens history around a message and continues after a seq', async () => {
    const { conversation } = await li.request(HISTORY, { c: conversationId, first: 100 });
    const middle = conversation.messages.edges[Math.floor(conversation.messages.edges.length / 2)].node;
    const AROUND = `query($c: ID!, $m: ID!) { conversation(id: $c) { messages(around: $m, first: 4) { pageInfo { hasPreviousPage hasNextPage } edges { node { id seq } } } } }`;
    const around = (await li.request(AROUND, { c: conversationId, m: middle.id })).conversation.messages;
    expect(around.edges.map((e: any) => e.node.seq)).toEqual([middle.seq - 1, middle.seq, middle.seq + 1, middle.seq + 2]);
    expect(around.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: true });
    const after = (await li.request(HISTORY, { c: conversationId, after: middle.seq, first: 100 })).conversation.messages;
    expect(after.edges[0].node.seq).toBe(middle.seq + 1);
    expect(after.edges.at(-1).node.seq).toBe(conversation.lastSeq);
    expect(await li.errorCode(AROUND, { c: conversationId, m: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
  });
});

describe('removal and catch-up', () => {
  it('stops a removed member\'s live stream at once and refuses their history and subscribe', async () => {
    const { inviteToGroup } = await li.request(INVITE, { g: groupId, u: await userId(t.orm, 'zhouli') });
    const zhou = await signedIn(t.url, 'zhouli');
    zhou.token = (await zhou.login('zhouli')).token;
    await zhou.request(ACCEPT, { i: inviteToGroup.id });
    const zhouStream = await stream(zhou);
    await li.request(SEND, { c: conversationId, b: '移出前', k: key() });
    await zhouStream.waitFor((e) => e.message?.body === '移出前');
    await li.request(`mutation($g: ID!, $u: ID!) { removeMember(groupId: $g, userId: $u, reason: "跑题") }`, { g: groupId, u: zhou.userId });
    await zhouStream.waitFor((e) => e.type === 'MEMBER_REMOVED' && e.user?.id === zhou.userId);
    // Only this conversation matters: she still shares the demo group with others (presence).
    const fromHere = () => zhouStream.events.filter((e) => e.conversationId === conversationId).length;
    const seen = fromHere();
    await li.request(SEND, { c: conversationId, b: '移出后', k: key() });
    const liStream = await stream(li);
    await li.request(SEND, { c: conversationId, b: '移出后2', k: key() });
    await liStream.waitFor((e) => e.message?.body === '移出后2');
    expect(fromHere()).toBe(seen);
    expect(await zhou.errorCode(HISTORY, { c: conversationId })).toBe('NOT_FOUND');
    expect(await zhou.errorCode(SEND, { c: conversationId, b: '还能发吗', k: key() })).toBe('NOT_FOUND');
    const refused = await stream(zhou, { conversationId });
    expect(refused.events).toHaveLength(0);
    expect(JSON.stringify(refused.errors)).toContain('NOT_FOUND');
  });

  it('gives a reconnecting client every event it missed', async () => {
    const { chatEventCursor } = await gou.request(`{ chatEventCursor }`);
    const bodies = ['离线1', '离线2', '离线3'];
    for (const b of bodies) await cheng.request(SEND, { c: conversationId, b, k: key() });
    const { chatEvents } = await gou.request(`query($a: String!) { chatEvents(after: $a) { cursor hasMore resyncRequired events { id type message { body } } } }`, { a: chatEventCursor });
    expect(chatEvents.resyncRequired).toBe(false);
    expect(chatEvents.events.filter((e: any) => e.type === 'MESSAGE_ADDED').map((e: any) => e.message.body)).toEqual(bodies);
    const again = await gou.request(`query($a: String!) { chatEvents(after: $a) { events { id } resyncRequired } }`, { a: chatEvents.cursor });
    expect(again.chatEvents).toEqual({ events: [], resyncRequired: false });
    const garbage = await gou.request(`{ chatEvents(after: "not-a-cursor") { resyncRequired } }`);
    expect(garbage.chatEvents.resyncRequired).toBe(true);
  });
});
