import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { ormOptions } from '../../../server/db/orm.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';
import { upload } from '../../helpers/files.js';
import { captureStatements } from '../../helpers/statements.js';

const SEND = `mutation($c: ID!, $b: String!, $k: String!, $r: ID) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r) { id seq body } }`;
const STATE = `query($c: ID!) { conversation(id: $c) { lastSeq messages(first: 100) { edges { node { id seq body editedAt recalledAt reactions { emoji count users { realName } } } } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let demo: string;
let demoGroup: string;
let n = 0;
const key = () => `msg-test-${Date.now()}-${n++}`;
const streams: Stream[] = [];

/** The SQL statements the server sends while `work` runs (the server runs in this process). */
const statementsOf = async (work: () => Promise<unknown>): Promise<string[]> => (await captureStatements(work)).map((s) => s.text);

beforeAll(async () => {
  // No job scheduler: its polls would be counted among the statements these tests measure.
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [li, cheng] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong')]);
  [{ id: demo, group: demoGroup }] = await sql<{ id: string; group: string }>(t.orm, `select conversation_id as id, id as group from chat_group where name = '政务服务工作交流'`);
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
    expect(await statementsOf(() => li.request(SEND, { c: demo, b: '数一数', k: key() }))).toHaveLength(3);
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

describe('history pages', () => {
  const PAGE = `query($c: ID!, $b: Int, $a: Int, $r: ID, $f: Int) { conversation(id: $c) { messages(before: $b, after: $a, around: $r, first: $f) {
    pageInfo { hasPreviousPage hasNextPage startSeq endSeq } edges { node { id seq body author { realName } } } } } }`;
  const SEND_AS = `mutation($c: ID!, $b: String!, $k: String!, $r: ID, $level: Confidentiality, $aud: [ID!]) {
    sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r, confidentiality: $level, audienceUserIds: $aud) { id seq } }`;
  const seqsOf = (page: { edges: Array<{ node: { seq: number } }> }) => page.edges.map((e) => e.node.seq);

  it('reads a page with its authors and readers in one statement after the session and the access check; quotes, mentions and reactions only when asked', async () => {
    const target = (await cheng.request(SEND, { c: demo, b: '被引用', k: key() })).sendMessage;
    await cheng.request(SEND_AS, { c: demo, b: '受限的一条', k: key(), level: 'RESTRICTED', aud: [] });
    await li.request(SEND, { c: demo, b: '引用它', k: key(), r: target.id });
    await li.request(PAGE, { c: demo, f: 5 });
    expect(await statementsOf(() => li.request(PAGE, { c: demo, f: 5 }))).toHaveLength(3);
    let full: { conversation: { messages: { edges: Array<{ node: { seq: number; replyTo: { id: string; body: string; author: { realName: string } } | null; mentions: unknown[]; reactions: unknown[] } }> } } } | undefined;
    const statements = await statementsOf(async () => {
      full = await li.request(`query($c: ID!) { conversation(id: $c) { messages(first: 5) { edges { node { seq replyTo { id body author { realName } } mentions { id } reactions { emoji count } } } } } }`, { c: demo });
    });
    // Quotes, mentions and reactions of the whole page: three more statements, whatever the page size.
    expect(statements).toHaveLength(6);
    const last = full!.conversation.messages.edges.at(-1)!.node;
    expect(last.replyTo).toEqual({ id: target.id, body: '被引用', author: { realName: '程永' } });
  });


  it('answers the conversation’s group with the same fields as the group query, next to its history', async () => {
    const GROUP = `id name purpose visibility memberCount owner { realName } viewerRole viewerCan { post manageMembers } members(first: 3) { edges { node { role user { realName } } } }`;
    const { conversation } = await li.request(`query($c: ID!) { conversation(id: $c) { id kind lastSeq group { ${GROUP} } messages(first: 2) { edges { node { seq } } } } }`, { c: demo });
    const { group } = await li.request(`query($g: ID!) { group(id: $g) { ${GROUP} conversation { id lastSeq } } }`, { g: demoGroup });
    expect(conversation.group).toEqual({ ...group, conversation: undefined });
    expect(conversation.group.name).toBe('政务服务工作交流');
    expect(conversation.group.owner.realName).toBeTruthy();
    expect(conversation.group.members.edges.length).toBeGreaterThan(0);
    expect(group.conversation).toEqual({ id: conversation.id, lastSeq: conversation.lastSeq });
    expect(conversation.messages.edges.at(-1).node.seq).toBe(conversation.lastSeq);
    // Columns only (a plain view of the row): the same answers.
    const COLUMNS = `id name purpose rules visibility memberCount maxMembers`;
    const plain = await li.request(`query($c: ID!) { conversation(id: $c) { group { ${COLUMNS} } } }`, { c: demo });
    const entity = await li.request(`query($g: ID!) { group(id: $g) { ${COLUMNS} } }`, { g: demoGroup });
    expect(plain.conversation.group).toEqual(entity.group);
    expect(plain.conversation.group.visibility).toMatch(/^[A-Z]+$/);
  });
  it('pages before, after and around a message, with empty pages at both ends', async () => {
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await li.request(SEND, { c: demo, b: `翻页 ${i}`, k: key() })).sendMessage);
    const latest = (await li.request(PAGE, { c: demo, f: 3 })).conversation.messages;
    expect(latest.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(['翻页 2', '翻页 3', '翻页 4']);
    expect(latest.pageInfo).toEqual({ hasPreviousPage: true, hasNextPage: false, startSeq: sent[2].seq, endSeq: sent[4].seq });
    const older = (await li.request(PAGE, { c: demo, f: 2, b: sent[2].seq })).conversation.messages;
    expect(seqsOf(older)).toEqual([sent[0].seq, sent[1].seq]);
    expect(older.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const newer = (await li.request(PAGE, { c: demo, f: 2, a: sent[2].seq })).conversation.messages;
    expect(seqsOf(newer)).toEqual([sent[3].seq, sent[4].seq]);
    expect(newer.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    // Around: half the page up to and including the message, the rest after it.
    const around = (await li.request(PAGE, { c: demo, f: 3, r: sent[2].id })).conversation.messages;
    expect(seqsOf(around)).toEqual([sent[1].seq, sent[2].seq, sent[3].seq]);
    expect(around.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const aroundNewest = (await li.request(PAGE, { c: demo, f: 4, r: sent[4].id })).conversation.messages;
    expect(seqsOf(aroundNewest)).toEqual([sent[3].seq, sent[4].seq]);
    expect(aroundNewest.pageInfo).toMatchObject({ hasNextPage: false });
    // The oldest messages: no earlier page.
    const first = (await li.request(PAGE, { c: demo, f: 2, a: 0 })).conversation.messages;
    expect(seqsOf(first)).toEqual([1, 2]);
    expect(first.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // Empty pages: after the newest, and before the first.
    const none = (await li.request(PAGE, { c: demo, f: 3, a: sent[4].seq })).conversation.messages;
    expect(none).toEqual({ edges: [], pageInfo: { hasPreviousPage: true, hasNextPage: false, startSeq: null, endSeq: null } });
    const noneBefore = (await li.request(PAGE, { c: demo, f: 3, b: 1 })).conversation.messages;
    expect(noneBefore).toEqual({ edges: [], pageInfo: { hasPreviousPage: false, hasNextPage: true, startSeq: null, endSeq: null } });
    // An unknown message, a malformed id, and a message of another conversation: NOT_FOUND alike.
    const direct = (await li.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: cheng.userId })).openDirectConversation.id;
    const elsewhere = (await li.request(SEND, { c: direct, b: '私聊里的', k: key() })).sendMessage;
    for (const r of ['00000000-0000-4000-8000-000000000000', 'x', elsewhere.id]) expect(await li.errorCode(PAGE, { c: demo, f: 3, r })).toBe('NOT_FOUND');
    expect(await li.errorCode(PAGE, { c: demo, f: 3, a: 1, b: 5 })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(PAGE, { c: demo, f: 0 })).toBe('BAD_USER_INPUT');
  });

  it('answers Message loaders (attachments) by the state of each view, also for two views of one message in one operation', async () => {
    const { data } = await upload(t.url, { token: (await new Client(t.url).login('lijinsong')).token }, { groupId: demoGroup }, '附件.txt', Buffer.from('附件内容'));
    const sent = (await li.request(`mutation($c: ID!, $k: String!, $a: [ID!]) { sendMessage(conversationId: $c, body: "带附件", clientMessageId: $k, attachmentVersionIds: $a) { id } }`, { c: demo, k: key(), a: [data!.versionId] })).sendMessage;
    const both = await li.request(`mutation($m: ID!) { a: addReaction(messageId: $m, emoji: "👍") { recalledAt attachments { version { id } } } b: recallMessage(messageId: $m) { recalledAt attachments { version { id } } } }`, { m: sent.id });
    expect(both.a).toEqual({ recalledAt: null, attachments: [{ version: { id: data!.versionId } }] });
    expect(both.b).toEqual({ recalledAt: expect.any(String), attachments: [] });
    const page = (await li.request(`query($c: ID!) { conversation(id: $c) { messages(first: 3) { edges { node { id attachments { version { id } } } } } } }`, { c: demo })).conversation.messages.edges;
    expect(page.find((e: { node: { id: string } }) => e.node.id === sent.id).node.attachments).toEqual([]);
  });

  it("shows an author's private fields and abilities only as the user policies allow, and their unit", async () => {
    const ning = await signedIn(t.url, 'ningzhiyuan');
    const sent = (await li.request(SEND, { c: demo, b: '看看作者', k: key() })).sendMessage;
    const AUTHOR = `query($c: ID!, $r: ID) { conversation(id: $c) { messages(around: $r, first: 1) { edges { node { author {
      id realName title loginName phone status statusReason isSystemAdmin createdAt unit { id name level parent { name } viewerCan { administer } }
      adminUnits { name } viewerCan { updateProfile updateIdentity manageStatus } } } } } } }`;
    const authorFor = async (c: Client) => (await c.request(AUTHOR, { c: demo, r: sent.id })).conversation.messages.edges[0].node.author;
    const unit = { id: expect.any(String), name: '巴中市政务服务中心', level: 'CITY', parent: { name: expect.any(String) } };
    // The person themselves: everything, but no say over their own identity.
    expect(await authorFor(li)).toMatchObject({ id: li.userId, realName: '李劲松', phone: '13881612345', status: 'ACTIVE', unit: { ...unit, viewerCan: { administer: false } }, adminUnits: [], viewerCan: { updateProfile: true, updateIdentity: false } });
    // The admin of their unit: the private fields and the abilities an admin has over them.
    expect(await authorFor(cheng)).toMatchObject({ phone: '13881612345', status: 'ACTIVE', unit: { viewerCan: { administer: true } }, viewerCan: { updateProfile: true, updateIdentity: true, manageStatus: true } });
    // Another member: the phone masked, no private fields, no abilities.
    expect(await authorFor(ning)).toMatchObject({ phone: '138****2345', status: null, statusReason: null, unit: { ...unit, viewerCan: { administer: false } }, viewerCan: { updateProfile: false, updateIdentity: false, manageStatus: false } });
  });

  it('shows a restricted message as a placeholder to non-readers and a removed one as a tombstone, on every kind of page', async () => {
    const [gou, ning] = await Promise.all([signedIn(t.url, 'gouxiaoyan'), signedIn(t.url, 'ningzhiyuan')]);
    const FULL = `query($c: ID!, $b: Int, $a: Int, $r: ID, $f: Int) { conversation(id: $c) { lastMessage { id body restrictedPlaceholder }
      messages(before: $b, after: $a, around: $r, first: $f) { edges { node { id seq body restrictedPlaceholder confidentiality author { id }
        replyTo { id body restrictedPlaceholder author { id } } mentions { id } reactions { emoji } removal { reason notice } removedBody viewerCan { react } } } } } }`;
    const before = (await li.request(SEND, { c: demo, b: '之前的一条', k: key() })).sendMessage;
    const secret = (await gou.request(SEND_AS, { c: demo, b: '只给程永看的暗号', k: key(), level: 'RESTRICTED', aud: [cheng.userId] })).sendMessage;
    const offTopic = (await gou.request(SEND, { c: demo, b: '周末钓鱼去不去', k: key() })).sendMessage;
    await ning.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }`, { m: offTopic.id });
    await cheng.request(`mutation($c: ID!) { removeContent(contentType: MESSAGE, contentId: $c, reason: OFF_TOPIC) { notice } }`, { c: offTopic.id });
    const quote = (await cheng.request(SEND_AS, { c: demo, b: '收到暗号', k: key(), r: secret.id })).sendMessage;

    const pages = { before: { f: 10 }, after: { a: before.seq, f: 10 }, around: { r: offTopic.id, f: 10 } };
    for (const [kind, args] of Object.entries(pages)) {
      const nodes = async (c: Client) => {
        const seen = (await c.request(FULL, { c: demo, ...args })).conversation;
        const byId = new Map(seen.messages.edges.map((e: { node: { id: string } }) => [e.node.id, e.node]));
        return { seen, secret: byId.get(secret.id), offTopic: byId.get(offTopic.id), quote: byId.get(quote.id) };
      };
      const forNing = await nodes(ning);
      expect(forNing.secret, kind).toEqual({
        id: secret.id, seq: secret.seq, body: null, restrictedPlaceholder: true, confidentiality: 'RESTRICTED', author: null,
        replyTo: null, mentions: [], reactions: [], removal: null, removedBody: null, viewerCan: { react: false },
      });
      expect(forNing.offTopic, kind).toMatchObject({ body: null, removedBody: null, reactions: [], removal: { reason: 'OFF_TOPIC', notice: '该消息因「跑题」已被管理员移除' } });
      expect(forNing.quote, kind).toMatchObject({ body: '收到暗号', replyTo: { id: secret.id, body: null, restrictedPlaceholder: true, author: null } });
      expect(JSON.stringify(forNing.seen), kind).not.toContain('只给程永看');

      const forCheng = await nodes(cheng);
      expect(forCheng.secret, kind).toMatchObject({ body: '只给程永看的暗号', restrictedPlaceholder: false, author: { id: expect.any(String) } });
      expect(forCheng.quote, kind).toMatchObject({ replyTo: { id: secret.id, body: '只给程永看的暗号', restrictedPlaceholder: false } });
      // The group's admin reads the removed text; members only the tombstone.
      expect(forCheng.offTopic, kind).toMatchObject({ body: null, removedBody: '周末钓鱼去不去', removal: { reason: 'OFF_TOPIC' } });
    }
    // The newest message as a preview follows the same rules.
    const restrictedLast = (await gou.request(SEND_AS, { c: demo, b: '最新的受限消息', k: key(), level: 'RESTRICTED', aud: [] })).sendMessage;
    expect((await ning.request(FULL, { c: demo, f: 1 })).conversation.lastMessage).toEqual({ id: restrictedLast.id, body: null, restrictedPlaceholder: true });
    expect((await gou.request(FULL, { c: demo, f: 1 })).conversation.lastMessage).toEqual({ id: restrictedLast.id, body: '最新的受限消息', restrictedPlaceholder: false });
    // Around a restricted message the viewer may not read: NOT_FOUND, as for one that does not exist.
    expect(await ning.errorCode(FULL, { c: demo, r: secret.id, f: 3 })).toBe('NOT_FOUND');
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
