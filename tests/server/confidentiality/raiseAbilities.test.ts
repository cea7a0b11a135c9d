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
const BOARD = `mutation($g: ID!) { createBoard(groupId: $g, name: "密级测试") { id } }`;
const THREAD = `mutation($b: ID!) { createThread(input: { boardId: $b, title: "密级测试帖", body: "正文" }) { id } }`;
const THREAD_CAN = `query($id: ID!) { thread(id: $id) { confidentiality viewerCan { raiseConfidentiality } } }`;
const RAISE_THREAD = `mutation($id: ID!, $level: Confidentiality!) { raiseThreadConfidentiality(threadId: $id, confidentiality: $level) { confidentiality viewerCan { raiseConfidentiality } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let gou: Client & { userId: string };
let groupId: string;
let conversationId: string;

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
    const { createBoard } = await li.request(BOARD, { g: groupId });
    const { createThread } = await gou.request(THREAD, { b: createBoard.id });
    const can = async (client: Client) => (await client.request(THREAD_CAN, { id: createThread.id })).thread.viewerCan.raiseConfidentiality;
    expect([await can(li), await can(cheng), await can(gou)]).toEqual([true, true, false]);
    const top = (await li.request(RAISE_THREAD, { id: createThread.id, level: 'RESTRICTED' })).raiseThreadConfidentiality;
    expect(top).toEqual({ confidentiality: 'RESTRICTED', viewerCan: { raiseConfidentiality: false } });
  });
});
