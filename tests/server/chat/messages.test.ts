import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { ormOptions } from '../../../server/db/orm.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

const SEND = `mutation($c: ID!, $b: String!, $k: String!, $r: ID) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r) { id seq body } }`;
const STATE = `query($c: ID!) { conversation(id: $c) { lastSeq messages(first: 100) { edges { node { id seq body editedAt recalledAt reactions { emoji count users { realName } } } } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let demo: string;
let n = 0;
const key = () => `msg-test-${Date.now()}-${n++}`;
const streams: Stream[] = [];

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong')]);
  [{ id: demo }] = await sql<{ id: string }>(t.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

describe('bad input writes nothing', () => {
  const cases: Array<[string, () => Promise<string | undefined>, string]> = [
    ['empty text', () => li.errorCode(SEND, { c: demo, b: '   ', k: key() }), 'BAD_USER_INPUT'],
    ['text over 4,000 characters', () => li.errorCode(SEND, { c: demo, b: '政'.repeat(4001), k: key() }), 'BAD_USER_INPUT'],
    ['a short clientMessageId', () => li.errorCode(SEND, { c: demo, b: '你好', k: 'abc' }), 'BAD_USER_INPUT'],
    ['an unknown conversation', () => li.errorCode(SEND, { c: '00000000-0000-4000-8000-000000000000', b: '你好', k: key() }), 'NOT_FOUND'],
    ['a malformed conversation id', () => li.errorCode(SEND, { c: 'x', b: '你好', k: key() }), 'NOT_FOUND'],
  ];
  it.each(cases)('refuses %s', async (_, run, code) => {
    const before = await count(t.orm, 'message');
    expect(await run()).toBe(code);
    expect(await count(t.orm, 'message')).toBe(before);
  });

  it('refuses a reply to a message of another conversation, exactly like one that does not exist', async () => {
    const direct = (await li.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: cheng.userId })).openDirectConversation.id;
    const { sendMessage } = await li.request(SEND, { c: direct, b: '私聊消息', k: key() });
    const before = await count(t.orm, 'message');
    const other = await li.errors(SEND, { c: demo, b: '回复', k: key(), r: sendMessage.id });
    const missing = await li.errors(SEND, { c: demo, b: '回复', k: key(), r: '00000000-0000-4000-8000-000000000000' });
    expect(other[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'replyToId' });
    expect(other[0].message).toBe(missing[0].message);
    expect(await count(t.orm, 'message')).toBe(before);
  });

  it('refuses reacting twice with the same emoji, and unknown emoji', async () => {
    const { sendMessage } = await li.request(SEND, { c: demo, b: '请回应', k: key() });
    const REACT = `mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { reactions { emoji count } } }`;
    await cheng.request(REACT, { m: sendMessage.id, e: '👍' });
    expect(await cheng.errorCode(REACT, { m: sendMessage.id, e: '👍' })).toBe('CONFLICT');
    expect(await cheng.errorCode(REACT, { m: sendMessage.id, e: '<script>' })).toBe('BAD_USER_INPUT');
    expect(await count(t.orm, 'message_reaction', 'message_id = ?', [sendMessage.id])).toBe(1);
  });

  it('refuses editing after 10 minutes and recalling after 2, and someone else\'s message at any time', async () => {
    const { sendMessage } = await li.request(SEND, { c: demo, b: '原文', k: key() });
    const EDIT = `mutation($m: ID!, $b: String!) { editMessage(messageId: $m, body: $b) { body editedAt } }`;
    const RECALL = `mutation($m: ID!) { recallMessage(messageId: $m) { recalledAt } }`;
    expect(await cheng.errorCode(EDIT, { m: sendMessage.id, b: '改' })).toBe('FORBIDDEN');
    expect(await cheng.errorCode(RECALL, { m: sendMessage.id })).toBe('FORBIDDEN');
    await sql(t.orm, `update message set created_at = now() - interval '3 minutes' where id = ?`, [sendMessage.id]);
    expect(await li.errorCode(RECALL, { m: sendMessage.id })).toBe('FORBIDDEN');
    const { editMessage } = await li.request(EDIT, { m: sendMessage.id, b: '修改后' });
    expect(editMessage.body).toBe('修改后');
    expect(await count(t.orm, 'message_edit', 'message_id = ? and previous_body = ?', [sendMessage.id, '原文'])).toBe(1);
    await sql(t.orm, `update message set created_at = now() - interval '11 minutes' where id = ?`, [sendMessage.id]);
    expect(await li.errorCode(EDIT, { m: sendMessage.id, b: '再改' })).toBe('FORBIDDEN');
    const [row] = await sql(t.orm, `select body from message where id = ?`, [sendMessage.id]);
    expect(row.body).toBe('修改后');
  });
});

describe('quotes', () => {
  it('keeps a reply to a recalled message pointing at it, without its text', async () => {
    const original = (await li.request(SEND, { c: demo, b: '这句话会被撤回', k: key() })).sendMessage;
    const reply = (await cheng.request(SEND, { c: demo, b: '回复一下', k: key(), r: original.id })).sendMessage;
    await li.request(`mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: original.id });
    const { conversation } = await cheng.request(`query($c: ID!) { conversation(id: $c) { messages(first: 5) { edges { node { id replyTo { id body recalledAt author { realName } } } } } } }`, { c: demo });
    const node = conversation.messages.edges.find((e: any) => e.node.id === reply.id).node;
    expect(node.replyTo).toMatchObject({ id: original.id, body: null, author: { realName: '李劲松' } });
    expect(node.replyTo.recalledAt).toBeTruthy();
    expect(JSON.stringify(conversation)).not.toContain('这句话会被撤回');
  });
});

describe('the event stream reproduces the state', () => {
  it('applied to the state fetched before, equals a fresh fetch after a series of actions', async () => {
    const stream = await openStream(t.url, { token: (await new Client(t.url).login('zhangkaifeng')).token, conversationId: demo });
    streams.push(stream);
    const zhang = await signedIn(t.url, 'zhangkaifeng');
    const before = (await zhang.request(STATE, { c: demo })).conversation;

    const a = (await li.request(SEND, { c: demo, b: '第一条', k: key() })).sendMessage;
    const b = (await cheng.request(SEND, { c: demo, b: '第二条', k: key(), r: a.id })).sendMessage;
    await li.request(`mutation($m: ID!) { editMessage(messageId: $m, body: "第一条（已修改）") { id } }`, { m: a.id });
    await cheng.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "[点赞]") { id } }`, { m: a.id });
    await li.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "[点赞]") { id } }`, { m: a.id });
    await cheng.request(`mutation($m: ID!) { removeReaction(messageId: $m, emoji: "[点赞]") { id } }`, { m: a.id });
    await cheng.request(`mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: b.id });
    await stream.waitFor((e) => e.type === 'MESSAGE_RECALLED' && e.message.id === b.id);

    // Apply the events to the old state, as a client would.
    const messages = new Map<string, any>(before.messages.edges.map((e: any) => [e.node.id, e.node]));
    for (const event of stream.events) {
      if (!event.message) continue;
      const m = event.message;
      messages.set(m.id, { id: m.id, seq: m.seq, body: m.body, editedAt: m.editedAt, recalledAt: m.recalledAt, reactions: m.reactions });
    }
    const applied = [...messages.values()].sort((x, y) => x.seq - y.seq).slice(-100);
    const fresh = (await zhang.request(STATE, { c: demo })).conversation;
    expect(applied).toEqual(fresh.messages.edges.map((e: any) => e.node));
    expect(fresh.lastSeq).toBe(before.lastSeq + 2);
  });
});

describe('private messages', () => {
  it('lets two officials talk, hides the conversation from a third, and honours a block', async () => {
    const direct = (await cheng.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id kind peer { realName } } }`, { u: li.userId })).openDirectConversation;
    expect(direct).toMatchObject({ kind: 'DIRECT', peer: { realName: '李劲松' } });
    const again = (await li.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id peer { realName } } }`, { u: cheng.userId })).openDirectConversation;
    expect(again).toEqual({ id: direct.id, peer: { realName: '程永' } });
    await cheng.request(SEND, { c: direct.id, b: '李科长，私聊一下', k: key() });
    const gou = await signedIn(t.url, 'gouxiaoyan');
    expect(await gou.errorCode(STATE, { c: direct.id })).toBe('NOT_FOUND');
    expect(await gou.errorCode(SEND, { c: direct.id, b: '插话', k: key() })).toBe('NOT_FOUND');

    await li.request(`mutation($u: ID!) { blockUser(userId: $u) { blockedByViewer } }`, { u: cheng.userId });
    const blocked = await cheng.errors(SEND, { c: direct.id, b: '还能发吗', k: key() });
    expect(blocked[0].extensions?.code).toBe('FORBIDDEN');
    await li.request(SEND, { c: direct.id, b: '我可以发给你', k: key() }); // blocking is one-way
    await li.request(`mutation($u: ID!) { unblockUser(userId: $u) { blockedByViewer } }`, { u: cheng.userId });
    await cheng.request(SEND, { c: direct.id, b: '解除屏蔽了', k: key() });
    expect(await li.errorCode(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: li.userId })).toBe('BAD_USER_INPUT');
  });
});

describe('the send path', () => {
  const FULL = `id conversationId seq author { id realName title loginName phone unit { id name level } } body
    replyTo { id seq body recalledAt author { id realName } } mentions { id realName unit { name } } mentionsAll
    reactions { emoji count viewerReacted users { id realName } } createdAt editedAt recalledAt clientMessageId viewerCan { edit recall react }`;
  const SEND_FULL = `mutation($c: ID!, $b: String!, $k: String!, $r: ID, $m: [ID!]) {
    sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r, mentionUserIds: $m) { ${FULL} } }`;

  it('answers with the message exactly as a fresh fetch shows it, and publishes the same', async () => {
    const stream = await openStream(t.url, { token: (await new Client(t.url).login('lijinsong')).token, conversationId: demo });
    streams.push(stream);
    const target = (await cheng.request(SEND, { c: demo, b: '被回复的消息', k: key() })).sendMessage;
    const sent = (await li.request(SEND_FULL, { c: demo, b: '回复并提及', k: key(), r: target.id, m: [cheng.userId, li.userId] })).sendMessage;
    const fresh = (await li.request(`query($c: ID!, $a: ID!) { conversation(id: $c) { messages(around: $a, first: 1) { edges { node { ${FULL} } } } } }`, { c: demo, a: sent.id }))
      .conversation.messages.edges[0].node;
    expect(sent).toEqual(fresh);
    expect(sent).toMatchObject({ author: { realName: '李劲松', unit: { name: expect.any(String) } }, replyTo: { id: target.id }, clientMessageId: expect.any(String) });
    expect(sent.mentions.map((m: { id: string }) => m.id).sort()).toEqual([cheng.userId, li.userId].sort());
    const live = await stream.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message.id === sent.id);
    expect(live.message).toMatchObject({ seq: sent.seq, body: sent.body, author: { id: li.userId, realName: '李劲松', unit: sent.author.unit && { name: sent.author.unit.name } }, replyTo: { id: target.id } });
  });

  it('costs three SQL round trips: session, access, and the one-statement-batch write', async () => {
    await li.request(SEND, { c: demo, b: '预热', k: key() });
    const statements: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
      if (text) statements.push(text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await li.request(SEND, { c: demo, b: '数一数', k: key() });
    } finally {
      pg.Client.prototype.query = original;
    }
    expect(statements).toHaveLength(3);
  });

  it('answers a retry with the message already sent, even when the sender may no longer post', async () => {
    const direct = (await cheng.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: li.userId })).openDirectConversation;
    const k = key();
    const first = (await cheng.request(SEND, { c: direct.id, b: '屏蔽前发出', k })).sendMessage;
    await li.request(`mutation($u: ID!) { blockUser(userId: $u) { blockedByViewer } }`, { u: cheng.userId });
    try {
      expect((await cheng.request(SEND, { c: direct.id, b: '屏蔽前发出', k })).sendMessage).toEqual(first);
      expect(await cheng.errorCode(SEND, { c: direct.id, b: '屏蔽后新消息', k: key() })).toBe('FORBIDDEN');
    } finally {
      await li.request(`mutation($u: ID!) { unblockUser(userId: $u) { blockedByViewer } }`, { u: cheng.userId });
    }
  });

  it('writes one message and takes one seq for concurrent retries of the same clientMessageId', async () => {
    const k = key();
    const [{ last_seq: before }] = await sql<{ last_seq: number }>(t.orm, `select last_seq from conversation where id = ?`, [demo]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => li.request(SEND, { c: demo, b: '并发重试', k })));
    expect(new Set(answers.map((a) => a.sendMessage.id)).size).toBe(1);
    expect(await count(t.orm, 'message', 'client_message_id = ?', [k])).toBe(1);
    const [{ last_seq: after }] = await sql<{ last_seq: number }>(t.orm, `select last_seq from conversation where id = ?`, [demo]);
    expect(after).toBe(before + 1);
    expect(answers[0].sendMessage.seq).toBe(after);
    const next = (await li.request(SEND, { c: demo, b: '下一条', k: key() })).sendMessage;
    expect(next.seq).toBe(after + 1);
  });

  it('refuses a clientMessageId already used in another conversation, and takes no seq there', async () => {
    const k = key();
    await li.request(SEND, { c: demo, b: '群里', k });
    const direct = (await li.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: cheng.userId })).openDirectConversation;
    const [{ last_seq: before }] = await sql<{ last_seq: number }>(t.orm, `select last_seq from conversation where id = ?`, [direct.id]);
    expect(await li.errorCode(SEND, { c: direct.id, b: '私聊', k })).toBe('CONFLICT');
    const [{ last_seq: after }] = await sql<{ last_seq: number }>(t.orm, `select last_seq from conversation where id = ?`, [direct.id]);
    expect(after).toBe(before);
    expect(await count(t.orm, 'message', 'client_message_id = ?', [k])).toBe(1);
  });
});

describe('durability', () => {
  it('keeps acknowledged messages and deduplicates a retry after a server restart', async () => {
    const k = key();
    const { sendMessage } = await li.request(SEND, { c: demo, b: '重启前发送', k });
    // A second server instance on the same database (the first one keeps running, like a restart elsewhere).
    const orm = await MikroORM.init(ormOptions(t.databaseUrl));
    const app = await buildApp(loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', demoData: false }), orm);
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const again = await signedIn(url, 'lijinsong');
      const retry = await again.request(SEND, { c: demo, b: '重启前发送', k });
      expect(retry.sendMessage).toEqual(sendMessage);
      expect(await count(t.orm, 'message', 'client_message_id = ?', [k])).toBe(1);
    } finally {
      await app.close();
      await orm.close(true);
    }
  });

  it('never assigns one seq twice under concurrent sends', async () => {
    const clients = await Promise.all(['huangwei', 'zhouli', 'ningzhiyuan', 'majun'].map((l) => signedIn(t.url, l)));
    const sends = clients.flatMap((c) => Array.from({ length: 5 }, () => c.request(SEND, { c: demo, b: '并发', k: key() })));
    const seqs = (await Promise.all(sends)).map((r) => r.sendMessage.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(20);
    expect(seqs[19] - seqs[0]).toBe(19);
  });
});
