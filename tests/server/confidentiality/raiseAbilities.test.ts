import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

/**
 * viewerCan.raiseConfidentiality on messages and threads: what the web offers as 提高密级 is what
 * the raise mutations accept (the group's owner and admins, while a level above is left).
 * Group: 李劲松 owner, 程永 admin, 苟晓燕 member.
 */
const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`;
const INVITE = `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`;
const ACCEPT = `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`;
const ADMIN = `mutation($g: ID!, $u: ID!) { setGroupRole(groupId: $g, userId: $u, role: ADMIN) { role } }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`;
const MESSAGE = `query($id: ID!) { message(id: $id) { confidentiality viewerCan { raiseConfidentiality } } }`;
const RAISE_MESSAGE = `mutation($id: ID!, $level: Confidentiality!) { raiseMessageConfidentiality(messageId: $id, confidentiality: $level) { confidentiality viewerCan { raiseConfidentiality } } }`;
const BOARD = `mutation($g: ID!, $n: String!) { createBoard(groupId: $g, name: $n) { id } }`;
const THREAD = `mutation($b: ID!) { createThread(input: { boardId: $b, title: "密级测试帖", body: "正文" }) { id } }`;
const THREAD_CAN = `query($id: ID!) { thread(id: $id) { confidentiality viewerCan { raiseConfidentiality } } }`;
const RECALL = `mutation($id: ID!) { recallMessage(messageId: $id) { id } }`;
const REMOVE = `mutation($t: ContentType!, $c: ID!) { removeContent(contentType: $t, contentId: $c, reason: OFF_TOPIC) { notice } }`;
const REPLY = `mutation($t: ID!) { replyToThread(threadId: $t, body: "一楼回复") { id } }`;
const DELETE_REPLY = `mutation($r: ID!) { deleteReply(replyId: $r) { id } }`;
const REPLY_CAN = `query($t: ID!) { thread(id: $t) { replies(first: 5) { edges { node { id confidentiality viewerCan { raiseConfidentiality } } } } } }`;
const RAISE_REPLY = `mutation($id: ID!, $level: Confidentiality!) { raiseReplyConfidentiality(replyId: $id, confidentiality: $level) { confidentiality viewerCan { raiseConfidentiality } } }`;
const RAISE_THREAD = `mutation($id: ID!, $level: Confidentiality!) { raiseThreadConfidentiality(threadId: $id, confidentiality: $level) { confidentiality viewerCan { raiseConfidentiality } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let gou: Client & { userId: string };
let groupId: string;
let conversationId: string;
let boards = 0;

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, gou] = await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan'].map((l) => signedIn(t.url, l)));
  const { createGroup } = await li.request(CREATE, { input: { name: '密级能力测试群', purpose: '测试提高密级', rules: '遵守保密守则', visibility: 'INVITE_ONLY' } });
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  for (const [client, login] of [[cheng, 'chengyong'], [gou, 'gouxiaoyan']] as const) {
    const { inviteToGroup } = await li.request(INVITE, { g: groupId, u: await userId(t.orm, login) });
    await client.request(ACCEPT, { i: inviteToGroup.id });
  }
  await li.request(ADMIN, { g: groupId, u: cheng.userId });
});

afterAll(async () => {
  await t?.close();
});

describe('viewerCan.raiseConfidentiality', () => {
  it('on a message: owner and admins while below 受限, never a plain member (even its author)', async () => {
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '本周材料已汇总', k: `raise-can-${Date.now()}` });
    const can = async (client: Client) => (await client.request(MESSAGE, { id: sendMessage.id })).message.viewerCan.raiseConfidentiality;
    expect([await can(li), await can(cheng), await can(gou)]).toEqual([true, true, false]);
    // A member's raise is refused, as the ability said.
    expect((await gou.errors(RAISE_MESSAGE, { id: sendMessage.id, level: 'INTERNAL' }))[0].extensions?.code).toBe('FORBIDDEN');

    const raised = (await cheng.request(RAISE_MESSAGE, { id: sendMessage.id, level: 'INTERNAL' })).raiseMessageConfidentiality;
    expect(raised).toEqual({ confidentiality: 'INTERNAL', viewerCan: { raiseConfidentiality: true } });
    const top = (await li.request(RAISE_MESSAGE, { id: sendMessage.id, level: 'RESTRICTED' })).raiseMessageConfidentiality;
    expect(top).toEqual({ confidentiality: 'RESTRICTED', viewerCan: { raiseConfidentiality: false } });
  });

  it('on a thread: the same rule', async () => {
    const { createBoard } = await li.request(BOARD, { g: groupId, n: `密级测试${++boards}` });
    const { createThread } = await gou.request(THREAD, { b: createBoard.id });
    const can = async (client: Client) => (await client.request(THREAD_CAN, { id: createThread.id })).thread.viewerCan.raiseConfidentiality;
    expect([await can(li), await can(cheng), await can(gou)]).toEqual([true, true, false]);
    const top = (await li.request(RAISE_THREAD, { id: createThread.id, level: 'RESTRICTED' })).raiseThreadConfidentiality;
    expect(top).toEqual({ confidentiality: 'RESTRICTED', viewerCan: { raiseConfidentiality: false } });
  });
});

/**
 * Content no longer shown (recalled, removed, deleted) is offered no 提高密级, and the raise
 * mutations refuse it the same way (FORBIDDEN, with a Chinese reason), for the owner and admins too.
 */
describe('content no longer shown: not offered, and refused', () => {
  const refusal = async (client: Client, query: string, id: string, level = 'INTERNAL') => {
    const [error] = await client.errors(query, { id, level });
    return { code: error.extensions?.code, message: error.message };
  };

  it('a recalled message', async () => {
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '发错了，撤回', k: `raise-recalled-${Date.now()}` });
    await gou.request(RECALL, { id: sendMessage.id });
    expect((await li.request(MESSAGE, { id: sendMessage.id })).message.viewerCan.raiseConfidentiality).toBe(false);
    expect(await refusal(li, RAISE_MESSAGE, sendMessage.id)).toEqual({ code: 'FORBIDDEN', message: '消息已撤回，不能提高保密级别' });
    expect(await refusal(cheng, RAISE_MESSAGE, sendMessage.id, 'RESTRICTED')).toEqual({ code: 'FORBIDDEN', message: '消息已撤回，不能提高保密级别' });
    expect((await li.request(MESSAGE, { id: sendMessage.id })).message.confidentiality).toBe('NORMAL');
  });

  it('a removed message', async () => {
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '与本群无关的内容', k: `raise-removed-${Date.now()}` });
    await cheng.request(REMOVE, { t: 'MESSAGE', c: sendMessage.id });
    expect((await li.request(MESSAGE, { id: sendMessage.id })).message.viewerCan.raiseConfidentiality).toBe(false);
    expect(await refusal(li, RAISE_MESSAGE, sendMessage.id)).toEqual({ code: 'FORBIDDEN', message: '消息已被移除，不能提高保密级别' });
    expect((await li.request(MESSAGE, { id: sendMessage.id })).message.confidentiality).toBe('NORMAL');
  });

  it('a removed thread, and the replies in it', async () => {
    const { createBoard } = await li.request(BOARD, { g: groupId, n: `密级测试${++boards}` });
    const { createThread } = await gou.request(THREAD, { b: createBoard.id });
    const { replyToThread } = await gou.request(REPLY, { t: createThread.id });
    await cheng.request(REMOVE, { t: 'THREAD', c: createThread.id });
    expect((await li.request(THREAD_CAN, { id: createThread.id })).thread.viewerCan.raiseConfidentiality).toBe(false);
    expect(await refusal(li, RAISE_THREAD, createThread.id)).toEqual({ code: 'FORBIDDEN', message: '帖子已被移除，不能提高保密级别' });
    expect(await refusal(cheng, RAISE_REPLY, replyToThread.id)).toEqual({ code: 'FORBIDDEN', message: '帖子已被移除，不能提高保密级别' });
    expect((await li.request(THREAD_CAN, { id: createThread.id })).thread.confidentiality).toBe('NORMAL');
  });

  it('replies: offered to the owner and admins while 普通 and shown, as the mutation accepts', async () => {
    const { createBoard } = await li.request(BOARD, { g: groupId, n: `密级测试${++boards}` });
    const { createThread } = await gou.request(THREAD, { b: createBoard.id });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await gou.request(REPLY, { t: createThread.id })).replyToThread.id);
    const [shown, removed, deleted] = ids;
    await cheng.request(REMOVE, { t: 'REPLY', c: removed });
    await gou.request(DELETE_REPLY, { r: deleted });
    const canOn = async (client: Client) => {
      const { thread } = await client.request(REPLY_CAN, { t: createThread.id });
      return Object.fromEntries(thread.replies.edges.map((e: { node: { id: string; viewerCan: { raiseConfidentiality: boolean } } }) => [e.node.id, e.node.viewerCan.raiseConfidentiality]));
    };
    expect(await canOn(li)).toEqual({ [shown]: true, [removed]: false, [deleted]: false });
    expect((await canOn(gou))[shown]).toBe(false);
    expect((await gou.errors(RAISE_REPLY, { id: shown, level: 'INTERNAL' }))[0].extensions?.code).toBe('FORBIDDEN');
    expect(await refusal(li, RAISE_REPLY, removed)).toEqual({ code: 'FORBIDDEN', message: '回复已被移除，不能提高保密级别' });
    expect(await refusal(li, RAISE_REPLY, deleted)).toEqual({ code: 'FORBIDDEN', message: '回复已删除，不能提高保密级别' });
    expect((await cheng.request(RAISE_REPLY, { id: shown, level: 'INTERNAL' })).raiseReplyConfidentiality).toEqual({ confidentiality: 'INTERNAL', viewerCan: { raiseConfidentiality: false } });
  });

  it('already at the top level: BAD_USER_INPUT, which says so', async () => {
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '已是受限', k: `raise-top-${Date.now()}` });
    await li.request(RAISE_MESSAGE, { id: sendMessage.id, level: 'RESTRICTED' });
    expect(await refusal(cheng, RAISE_MESSAGE, sendMessage.id, 'RESTRICTED')).toEqual({ code: 'BAD_USER_INPUT', message: '只能提高保密级别（当前为「受限」）' });
  });
});
