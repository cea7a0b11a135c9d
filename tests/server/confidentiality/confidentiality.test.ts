import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream, waitUntil } from '../../helpers/ws.js';

/**
 * Confidentiality flags and the sensitive-content check over real HTTP and WebSockets.
 * Group: 李劲松 owner; 程永 (named reader), 宁志远 (not named) and 苟晓燕 (author) members.
 */
const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`;
const INVITE = `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`;
const ACCEPT = `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!, $r: ID, $m: [ID!], $level: Confidentiality, $aud: [ID!], $ack: Boolean) {
  sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r, mentionUserIds: $m, confidentiality: $level, audienceUserIds: $aud, acknowledgeSensitive: $ack) { id seq body confidentiality }
}`;
const HISTORY = `query($c: ID!) { conversation(id: $c) { unreadCount mentionCount lastMessage { id body restrictedPlaceholder }
  messages(first: 100) { edges { node { id seq body confidentiality restrictedPlaceholder author { id realName } replyTo { id body restrictedPlaceholder author { id } } } } } } }`;
const SEARCH = `query($q: String!) { search(query: $q) { edges { node { id type confidentiality snippet { text } } } } }`;
const BY_ID = `query($id: ID!) { message(id: $id) { id body author { realName } } }`;
const BOARDS = `query($g: ID!) { group(id: $g) { boards { id name } } }`;
const THREAD = `mutation($input: ThreadInput!) { createThread(input: $input) { id confidentiality } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { unreadCount edges { node { kind preview thread { id } } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let ning: Client & { userId: string };
let gou: Client & { userId: string };
let groupId: string;
let conversationId: string;
const streams: Stream[] = [];
let n = 0;
const key = () => `conf-${Date.now()}-${n++}`;

interface RawStream {
  frames: string[];
  close: () => void;
}
/** A subscription that selects only viewer-independent fields: served by the shared lane. */
function sharedStream(token: string): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const stream: RawStream = { frames: [], close: () => socket.close() };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'connection_ack') {
        const query = `subscription { chatEvents { type message { id seq body confidentiality restrictedPlaceholder author { id realName } replyTo { id body } mentions { id } } } }`;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        setTimeout(() => resolve(stream), 150);
      } else if (frame.type === 'next') stream.frames.push(String(data));
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, ning, gou] = await Promise.all(['lijinsong', 'chengyong', 'ningzhiyuan', 'gouxiaoyan'].map((l) => signedIn(t.url, l)));
  for (const [c, l] of [[li, 'lijinsong'], [cheng, 'chengyong'], [ning, 'ningzhiyuan'], [gou, 'gouxiaoyan']] as const) c.token = (await c.login(l)).token;
  const { createGroup } = await li.request(CREATE, { input: { name: '保密测试群', purpose: '测试保密标识', rules: '遵守保密守则', visibility: 'INVITE_ONLY' } });
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  for (const [client, login] of [[cheng, 'chengyong'], [ning, 'ningzhiyuan'], [gou, 'gouxiaoyan']] as const) {
    const { inviteToGroup } = await li.request(INVITE, { g: groupId, u: await userId(t.orm, login) });
    await client.request(ACCEPT, { i: inviteToGroup.id });
  }
});

afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

describe('sensitive-content check (保密提醒)', () => {
  it('refuses a warned send with CONFIRMATION_REQUIRED and what matched; an acknowledged send is INTERNAL and audited in the same transaction', async () => {
    const body = '这份材料属于机密，联系电话13881612345';
    const errors = await gou.errors(SEND, { c: conversationId, b: body, k: key() });
    expect(errors[0].extensions?.code).toBe('CONFIRMATION_REQUIRED');
    expect(errors[0].message).toContain('机密');
    expect(errors[0].extensions?.sensitiveMatches).toEqual([
      expect.objectContaining({ rule: 'TERM', text: '机密', action: 'WARN' }),
      expect.objectContaining({ rule: 'MOBILE', text: '138****2345', action: 'WARN' }),
    ]);
    expect(await sql(t.orm, `select 1 from message where body = ?`, [body])).toHaveLength(0);

    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: body, k: key(), ack: true });
    expect(sendMessage.confidentiality).toBe('INTERNAL');
    const rows = await sql(t.orm, `select actor_id, target_type, target_id, after, m.confidentiality from audit_log a join message m on m.id::text = a.after->>'messageId'
                                    where a.action = 'content.sensitive_acknowledged' and m.id = ?`, [sendMessage.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: gou.userId, target_type: 'group', target_id: groupId, confidentiality: 'internal' });
    expect(rows[0].after.matches).toEqual([{ rule: 'TERM', text: '机密' }, { rule: 'MOBILE', text: '138****2345' }]);
  });

  it('does not trigger on invalid check digits, and an acknowledgement without a match changes nothing', async () => {
    // 11010519491231002X is valid; 11010519491231002 + 5 is not (and fails Luhn too).
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '证件号110105194912310025 卡号6222021001123456780', k: key(), ack: true });
    expect(sendMessage.confidentiality).toBe('NORMAL');
    expect(await gou.errorCode(SEND, { c: conversationId, b: '证件号11010519491231002X', k: key() })).toBe('CONFIRMATION_REQUIRED');
  });

  it('lets group admins add terms and block rules; blocked content is FORBIDDEN even when acknowledged; members cannot change rules', async () => {
    const SET = `mutation($g: ID!, $k: SensitiveRuleKind!, $v: String!, $a: SensitiveAction!) { setSensitiveRule(groupId: $g, kind: $k, value: $v, action: $a) { id kind value action scope } }`;
    expect(await gou.errorCode(SET, { g: groupId, k: 'TERM', v: '内参', a: 'BLOCK' })).toBe('FORBIDDEN');
    expect(await ning.errorCode(SET, { g: '00000000-0000-4000-8000-000000000000', k: 'TERM', v: '内参', a: 'BLOCK' })).toBe('NOT_FOUND');
    const { setSensitiveRule } = await li.request(SET, { g: groupId, k: 'TERM', v: '内参', a: 'BLOCK' });
    expect(setSensitiveRule).toContainEqual(expect.objectContaining({ kind: 'TERM', value: '内参', action: 'BLOCK', scope: 'GROUP' }));
    const blocked = await gou.errors(SEND, { c: conversationId, b: '转发一份内参', k: key(), ack: true });
    expect(blocked[0].extensions?.code).toBe('FORBIDDEN');
    expect(blocked[0].message).toContain('内参');
    // A built-in pattern made a block in this group.
    await li.request(SET, { g: groupId, k: 'PATTERN', v: 'mobile', a: 'BLOCK' });
    expect(await gou.errorCode(SEND, { c: conversationId, b: '我的电话 139-0800-1234', k: key(), ack: true })).toBe('FORBIDDEN');
    // Other groups are not affected (the demo group still only warns).
    const [{ id: demo }] = await sql<{ id: string }>(t.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
    expect(await gou.errorCode(SEND, { c: demo, b: '转发一份内参，电话13908001234', k: key() })).toBe('CONFIRMATION_REQUIRED');
    const audited = await sql(t.orm, `select action, after from audit_log where action = 'content.sensitive_rule_set' and target_id = ?`, [groupId]);
    expect(audited.map((a) => a.after.value)).toEqual(['内参', 'mobile']);
    // Removing the group's mobile rule: warnings again.
    const rules = (await li.request(`query($g: ID!) { sensitiveRules(groupId: $g) { id value scope } }`, { g: groupId })).sensitiveRules;
    const mobile = rules.find((r: { value: string; scope: string }) => r.value === 'mobile' && r.scope === 'GROUP');
    await li.request(`mutation($r: ID!) { removeSensitiveRule(ruleId: $r) { id } }`, { r: mobile.id });
    expect(await gou.errorCode(SEND, { c: conversationId, b: '我的电话 139-0800-1234', k: key() })).toBe('CONFIRMATION_REQUIRED');
  });

  it('checks threads and replies too, and an edit like a send', async () => {
    const { group } = await gou.request(BOARDS, { g: groupId });
    const input = { boardId: group.boards[0].id, title: '关于绝密文件的处理', body: '请大家注意' };
    expect(await gou.errorCode(THREAD, { input })).toBe('CONFIRMATION_REQUIRED');
    const { createThread } = await gou.request(THREAD, { input: { ...input, acknowledgeSensitive: true } });
    expect(createThread.confidentiality).toBe('INTERNAL');
    const REPLY = `mutation($t: ID!, $b: String!, $ack: Boolean) { replyToThread(threadId: $t, body: $b, acknowledgeSensitive: $ack) { id confidentiality } }`;
    expect(await cheng.errorCode(REPLY, { t: createThread.id, b: '身份证11010519491231002X' })).toBe('CONFIRMATION_REQUIRED');
    expect((await cheng.request(REPLY, { t: createThread.id, b: '身份证11010519491231002X', ack: true })).replyToThread.confidentiality).toBe('INTERNAL');
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '普通消息', k: key() });
    const EDIT = `mutation($m: ID!, $b: String!, $ack: Boolean) { editMessage(messageId: $m, body: $b, acknowledgeSensitive: $ack) { body confidentiality } }`;
    expect(await gou.errorCode(EDIT, { m: sendMessage.id, b: '改成秘密内容' })).toBe('CONFIRMATION_REQUIRED');
    expect((await gou.request(EDIT, { m: sendMessage.id, b: '改成秘密内容', ack: true })).editMessage).toEqual({ body: '改成秘密内容', confidentiality: 'INTERNAL' });
  });
});

describe('restricted content (受限)', () => {
  it('reaches its readers only: live events (both lanes), history, search, counts, quotes, by id and catch-up', async () => {
    const cursor = (await ning.request(`{ chatEventCursor }`)).chatEventCursor;
    const before = (await ning.request(HISTORY, { c: conversationId })).conversation;
    const summaryBefore = (await ning.request(`{ unreadSummary { unreadCount mentionCount } }`)).unreadSummary;
    const [chengLive, ningLive] = await Promise.all([openStream(t.url, { token: cheng.token! }), openStream(t.url, { token: ning.token! })]);
    streams.push(chengLive, ningLive);
    const ningShared = await sharedStream(ning.token!);
    const chengShared = await sharedStream(cheng.token!);
    const lanes = t.app.sharedLane.stats();
    try {
      const secret = '受限测试暗号青松';
      const { sendMessage: restricted } = await gou.request(SEND, { c: conversationId, b: secret, k: key(), level: 'RESTRICTED', aud: [cheng.userId], m: [cheng.userId] });
      expect(restricted.confidentiality).toBe('RESTRICTED');

      // Live, per-subscriber lane: the reader gets it, the other member a placeholder without author or text.
      const seen = await chengLive.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.id === restricted.id);
      expect(seen.message).toMatchObject({ body: secret, author: { realName: '苟晓燕' } });
      const hidden = await ningLive.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.seq === restricted.seq);
      expect(hidden.message).toMatchObject({ body: null, author: null, mentions: [], seq: restricted.seq });
      // Shared lane: the non-reader's frame carries nothing of it, the reader's does.
      await waitUntil(() => ningShared.frames.some((f) => f.includes(`"seq":${restricted.seq}`)) && chengShared.frames.some((f) => f.includes(secret)));
      expect(ningShared.frames.join('\n')).not.toContain(secret);
      expect(ningShared.frames.join('\n')).not.toContain('苟晓燕');
      expect(JSON.parse(ningShared.frames.find((f) => f.includes(`"seq":${restricted.seq}`))!).payload.data.chatEvents.message).toMatchObject({ restrictedPlaceholder: true, body: null, author: null });
      expect(t.app.sharedLane.stats().executions).toBeGreaterThan(lanes.executions);

      // History: a placeholder at its seq for the non-reader (gapless), the message for readers (the owner too).
      const node = async (c: Client) => (await c.request(HISTORY, { c: conversationId })).conversation.messages.edges.map((e: any) => e.node).find((m: any) => m.seq === restricted.seq);
      expect(await node(ning)).toMatchObject({ id: restricted.id, body: null, author: null, restrictedPlaceholder: true, confidentiality: 'RESTRICTED' });
      expect(await node(cheng)).toMatchObject({ body: secret, restrictedPlaceholder: false });
      expect(await node(li)).toMatchObject({ body: secret });
      const ningHistory = (await ning.request(HISTORY, { c: conversationId })).conversation;
      expect(ningHistory.lastMessage).toMatchObject({ body: null, restrictedPlaceholder: true });
      const seqs = ningHistory.messages.edges.map((e: any) => e.node.seq);
      expect(seqs).toEqual(seqs.map((_: number, i: number) => seqs[0] + i));

      // Unread and mention counts: unchanged for the non-reader, counted for the mentioned reader.
      expect(ningHistory.unreadCount).toBe(before.unreadCount);
      expect(ningHistory.mentionCount).toBe(before.mentionCount);
      const chengCounts = (await cheng.request(HISTORY, { c: conversationId })).conversation;
      expect(chengCounts.mentionCount).toBeGreaterThanOrEqual(1);
      expect((await ning.request(`{ unreadSummary { unreadCount mentionCount } }`)).unreadSummary).toEqual(summaryBefore);

      // Search.
      expect((await ning.request(SEARCH, { q: '青松' })).search.edges).toEqual([]);
      const hits = (await cheng.request(SEARCH, { q: '青松' })).search.edges.map((e: any) => e.node);
      expect(hits).toEqual([expect.objectContaining({ id: restricted.id, confidentiality: 'RESTRICTED', snippet: [{ text: '[受限内容]' }] })]);

      // By id: NOT_FOUND exactly like a message that does not exist.
      expect(await ning.errorCode(BY_ID, { id: restricted.id })).toBe('NOT_FOUND');
      expect(await ning.errorCode(BY_ID, { id: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
      expect((await cheng.request(BY_ID, { id: restricted.id })).message.body).toBe(secret);
      expect(await ning.errorCode(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }`, { m: restricted.id })).toBe('NOT_FOUND');
      expect(await ning.errorCode(`query($c: ID!, $a: ID) { conversation(id: $c) { messages(around: $a) { edges { node { id } } } } }`, { c: conversationId, a: restricted.id })).toBe('NOT_FOUND');

      // Quotes: the non-reader cannot quote it; a reader's quote shows the non-reader a placeholder.
      expect(await ning.errorCode(SEND, { c: conversationId, b: '回复一下', k: key(), r: restricted.id })).toBe('BAD_USER_INPUT');
      const { sendMessage: quote } = await cheng.request(SEND, { c: conversationId, b: '收到，照办', k: key(), r: restricted.id });
      const quoted = await ningLive.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.id === quote.id);
      expect(quoted.message.body).toBe('收到，照办');
      expect(quoted.message.replyTo).toEqual({ id: restricted.id });
      const quoteInHistory = (await ning.request(HISTORY, { c: conversationId })).conversation.messages.edges.map((e: any) => e.node).find((m: any) => m.id === quote.id);
      expect(quoteInHistory.replyTo).toMatchObject({ body: null, author: null, restrictedPlaceholder: true });
      await waitUntil(() => ningShared.frames.some((f) => f.includes(quote.id)));
      expect(ningShared.frames.join('\n')).not.toContain(secret);

      // Catch-up after a drop: placeholders for the non-reader.
      const { chatEvents } = await ning.request(`query($a: String!) { chatEvents(after: $a) { events { type message { id body author { id } restrictedPlaceholder } } } }`, { a: cursor });
      const caught = chatEvents.events.filter((e: any) => e.message?.id === restricted.id);
      expect(caught.length).toBeGreaterThan(0);
      for (const e of caught) expect(e.message).toMatchObject({ body: null, author: null, restrictedPlaceholder: true });
      expect(JSON.stringify(chatEvents)).not.toContain(secret);
    } finally {
      ningShared.close();
      chengShared.close();
    }
  });

  it('shows a non-reader a quote of restricted content as a placeholder in every answer: by id, and the answers of their reactions', async () => {
    const secret = '受限引用测试暗号白杨';
    const { sendMessage: restricted } = await gou.request(SEND, { c: conversationId, b: secret, k: key(), level: 'RESTRICTED', aud: [cheng.userId] });
    const { sendMessage: quote } = await cheng.request(SEND, { c: conversationId, b: '已阅', k: key(), r: restricted.id });
    const FIELDS = `id body replyTo { id body restrictedPlaceholder author { id } }`;
    const placeholder = { id: restricted.id, body: null, restrictedPlaceholder: true, author: null };
    expect((await ning.request(`query($id: ID!) { message(id: $id) { ${FIELDS} } }`, { id: quote.id })).message).toEqual({ id: quote.id, body: '已阅', replyTo: placeholder });
    const reacted = await ning.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { ${FIELDS} } }`, { m: quote.id });
    expect(reacted.addReaction.replyTo).toEqual(placeholder);
    const unreacted = await ning.request(`mutation($m: ID!) { removeReaction(messageId: $m, emoji: "👍") { ${FIELDS} } }`, { m: quote.id });
    expect(JSON.stringify([reacted, unreacted])).not.toContain(secret);
    // Readers still see the quote.
    expect((await cheng.request(`query($id: ID!) { message(id: $id) { ${FIELDS} } }`, { id: quote.id })).message.replyTo).toMatchObject({ body: secret, restrictedPlaceholder: false });
    expect((await li.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { ${FIELDS} } }`, { m: quote.id })).addReaction.replyTo.body).toBe(secret);
  });

  it('refuses audiences outside the conversation, and restricted private messages', async () => {
    const outsider = await userId(t.orm, 'zhangkaifeng');
    expect(await gou.errorCode(SEND, { c: conversationId, b: '仅限部分人', k: key(), level: 'RESTRICTED', aud: [outsider] })).toBe('BAD_USER_INPUT');
    expect(await gou.errorCode(SEND, { c: conversationId, b: '普通消息', k: key(), aud: [cheng.userId] })).toBe('BAD_USER_INPUT');
    expect(await gou.errorCode(SEND, { c: conversationId, b: '提及非可见成员', k: key(), level: 'RESTRICTED', aud: [cheng.userId], m: [ning.userId] })).toBe('BAD_USER_INPUT');
    const { openDirectConversation } = await gou.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: li.userId });
    expect(await gou.errorCode(SEND, { c: openDirectConversation.id, b: '私聊', k: key(), level: 'RESTRICTED' })).toBe('BAD_USER_INPUT');
  });

  it('raising a message to restricted takes it away from the old audience live and in history; only admins raise, never lower; audited', async () => {
    const ningLive = await openStream(t.url, { token: ning.token! });
    streams.push(ningLive);
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '临时通知：会议改到翠竹厅', k: key() });
    await ningLive.waitFor((e) => e.message?.id === sendMessage.id && e.message.body === '临时通知：会议改到翠竹厅');
    const RAISE = `mutation($m: ID!, $l: Confidentiality!, $a: [ID!]) { raiseMessageConfidentiality(messageId: $m, confidentiality: $l, audienceUserIds: $a) { id confidentiality body } }`;
    expect(await gou.errorCode(RAISE, { m: sendMessage.id, l: 'RESTRICTED', a: [cheng.userId] })).toBe('FORBIDDEN');
    const { raiseMessageConfidentiality } = await li.request(RAISE, { m: sendMessage.id, l: 'RESTRICTED', a: [cheng.userId] });
    expect(raiseMessageConfidentiality.confidentiality).toBe('RESTRICTED');
    const edited = await ningLive.waitFor((e) => e.type === 'MESSAGE_EDITED' && e.message?.id === sendMessage.id);
    expect(edited.message).toMatchObject({ body: null, author: null });
    expect((await ning.request(SEARCH, { q: '翠竹厅' })).search.edges).toEqual([]);
    expect(await ning.errorCode(BY_ID, { id: sendMessage.id })).toBe('NOT_FOUND');
    expect((await gou.request(BY_ID, { id: sendMessage.id })).message.body).toBe('临时通知：会议改到翠竹厅');
    expect(await li.errorCode(RAISE, { m: sendMessage.id, l: 'INTERNAL' })).toBe('BAD_USER_INPUT');
    const [row] = await sql(t.orm, `select before, after, actor_id from audit_log where action = 'content.confidentiality_raised' and after->>'messageId' = ?`, [sendMessage.id]);
    expect(row).toMatchObject({ actor_id: li.userId, before: { confidentiality: 'normal' }, after: { confidentiality: 'restricted', audienceUserIds: [cheng.userId] } });
  });

  it('a restricted thread exists only for its readers: by id, lists, search and notifications', async () => {
    const { group } = await gou.request(BOARDS, { g: groupId });
    const { createThread } = await gou.request(THREAD, {
      input: { boardId: group.boards[0].id, title: '人事调整征求意见', body: '红梅方案请程主任把关', confidentiality: 'RESTRICTED', audienceUserIds: [cheng.userId], mentionUserIds: [cheng.userId] },
    });
    expect(createThread.confidentiality).toBe('RESTRICTED');
    const GET = `query($id: ID!) { thread(id: $id) { id title audience { realName } } }`;
    expect(await ning.errorCode(GET, { id: createThread.id })).toBe('NOT_FOUND');
    expect((await cheng.request(GET, { id: createThread.id })).thread).toMatchObject({ title: '人事调整征求意见', audience: [{ realName: '程永' }] });
    expect((await li.request(GET, { id: createThread.id })).thread.title).toBe('人事调整征求意见');
    const LIST = `query($g: ID!) { group(id: $g) { threads(first: 50) { edges { node { id } } } } }`;
    expect((await ning.request(LIST, { g: groupId })).group.threads.edges.map((e: any) => e.node.id)).not.toContain(createThread.id);
    expect((await cheng.request(LIST, { g: groupId })).group.threads.edges.map((e: any) => e.node.id)).toContain(createThread.id);
    expect((await ning.request(SEARCH, { q: '红梅' })).search.edges).toEqual([]);
    expect((await cheng.request(SEARCH, { q: '红梅' })).search.edges).toHaveLength(1);
    // Replies: nobody outside the list can reply or hear of it.
    expect(await ning.errorCode(`mutation($t: ID!) { replyToThread(threadId: $t, body: "我也说两句") { id } }`, { t: createThread.id })).toBe('NOT_FOUND');
    await cheng.request(`mutation($t: ID!) { replyToThread(threadId: $t, body: "同意") { id } }`, { t: createThread.id });
    const chengNotes = (await cheng.request(NOTIFICATIONS)).notifications.edges.map((e: any) => e.node);
    expect(chengNotes).toContainEqual(expect.objectContaining({ kind: 'MENTION', thread: { id: createThread.id }, preview: '[受限内容]' }));
    const ningNotes = (await ning.request(NOTIFICATIONS)).notifications.edges.map((e: any) => e.node);
    expect(ningNotes.filter((n: any) => n.thread?.id === createThread.id)).toEqual([]);
  });
});

describe('internal content (内部)', () => {
  it('never shows its text in notification previews or search snippets', async () => {
    const { group } = await gou.request(BOARDS, { g: groupId });
    const { createThread: internal } = await gou.request(THREAD, { input: { boardId: group.boards[0].id, title: '窗口排班内部安排', body: '下周排班表见附件', confidentiality: 'INTERNAL', mentionUserIds: [ning.userId] } });
    const { createThread: normal } = await gou.request(THREAD, { input: { boardId: group.boards[0].id, title: '窗口服务规范讨论', body: '欢迎大家补充', mentionUserIds: [ning.userId] } });
    const notes = (await ning.request(NOTIFICATIONS)).notifications.edges.map((e: any) => e.node);
    expect(notes.find((x: any) => x.thread?.id === internal.id)?.preview).toBe('[内部消息]');
    expect(notes.find((x: any) => x.thread?.id === normal.id)?.preview).toBe('窗口服务规范讨论');
    const hits = (await ning.request(SEARCH, { q: '排班' })).search.edges.map((e: any) => e.node);
    expect(hits).toEqual([expect.objectContaining({ id: internal.id, confidentiality: 'INTERNAL', snippet: [{ text: '[内部消息]' }] })]);
    // Members of the conversation still read it in full.
    expect((await ning.request(`query($id: ID!) { thread(id: $id) { body confidentiality } }`, { id: internal.id })).thread).toEqual({ body: '下周排班表见附件', confidentiality: 'INTERNAL' });
  });
});
