/**
 * 群管理 → 操作记录 names messages and threads, but never shows text its reader may not read:
 * a recalled message, a discussion group's message (its content stays for its members, and the
 * parent group's owner is not one) and a removed thread read as placeholders; a message the
 * owner may read still reads as the start of its text.
 * Group: 李劲松 owner; 苟晓燕 and 程永 members, who talk in a discussion group 李劲松 is not in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } boards { id } } }`;
const INVITE = `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`;
const ACCEPT = `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, acknowledgeSensitive: true) { id } }`;
const LOG = `query($g: ID!) { groupAuditLog(groupId: $g, first: 50) { edges { node { action summary details { label value } } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let gou: Client & { userId: string };
let cheng: Client & { userId: string };
let zhao: Client & { userId: string }; // system admin, not a member
let groupId: string;
let conversationId: string;
let boardId: string;
let n = 0;
const key = () => `log-privacy-${Date.now()}-${n++}`;

/** Everything a reader (the owner unless said) reads of the log, as one text. */
async function logText(reader: Client = li): Promise<string> {
  const entries = (await reader.request(LOG, { g: groupId })).groupAuditLog.edges.map((e: any) => e.node);
  return entries.map((e: any) => [e.summary, ...e.details.map((d: any) => `${d.label}:${d.value}`)].join(' ')).join('\n');
}

beforeAll(async () => {
  t = await startTestApp();
  [li, gou, cheng, zhao] = await Promise.all(['lijinsong', 'gouxiaoyan', 'chengyong', 'zhaomin'].map((l) => signedIn(t.url, l)));
  for (const [c, l] of [[li, 'lijinsong'], [gou, 'gouxiaoyan'], [cheng, 'chengyong'], [zhao, 'zhaomin']] as const) c.token = (await c.login(l)).token;
  const { createGroup } = await li.request(CREATE, { input: { name: '操作记录保密测试群', purpose: '测试', rules: '实名发言', visibility: 'INVITE_ONLY' } });
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  boardId = createGroup.boards[0]?.id;
  for (const [client, login] of [[gou, 'gouxiaoyan'], [cheng, 'chengyong']] as const) {
    const { inviteToGroup } = await li.request(INVITE, { g: groupId, u: await userId(t.orm, login) });
    await client.request(ACCEPT, { i: inviteToGroup.id });
  }
});
afterAll(async () => {
  await t.close();
});

describe("the group's audit log, read by the owner", () => {
  it('names a message the owner may read by the start of its text', async () => {
    await gou.request(SEND, { c: conversationId, b: '机密：可见的普通群聊消息', k: key() });
    expect(await logText()).toContain('可见的普通群聊消息');
  });

  it('shows no text of a recalled message', async () => {
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '机密：后来撤回的消息正文', k: key() });
    expect(await logText()).toContain('后来撤回的消息正文');
    await gou.request(`mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: sendMessage.id });
    const text = await logText();
    expect(text).not.toContain('后来撤回');
    expect(text).toContain('已撤回的消息');
  });

  it("shows no text of a discussion group's message to the parent group's owner, who is not in it", async () => {
    const { createDiscussion } = await gou.request(`mutation($g: ID!, $m: [ID!]!) { createDiscussion(groupId: $g, topic: "小范围讨论", memberIds: $m) { conversation { id } } }`, {
      g: groupId,
      m: [cheng.userId],
    });
    await gou.request(SEND, { c: createDiscussion.conversation.id, b: '机密：只给讨论组成员看的内容', k: key() });
    const text = await logText();
    expect(text).not.toContain('只给讨论组成员看');
    expect(text).toContain('讨论组消息');
    // A system admin moderates the group's own chat from outside, but not its discussion groups.
    const adminText = await logText(zhao);
    expect(adminText).toContain('可见的普通群聊消息');
    expect(adminText).not.toContain('只给讨论组成员看');
  });

  it('shows no title of a removed thread', async () => {
    const { createThread } = await gou.request(`mutation($input: ThreadInput!) { createThread(input: $input) { id } }`, {
      input: { boardId, title: '机密帖子的原标题', body: '正文', acknowledgeSensitive: true },
    });
    expect(await logText()).toContain('机密帖子的原标题');
    await li.request(`mutation($id: ID!) { removeContent(contentType: THREAD, contentId: $id, reason: OTHER) { removedAt } }`, { id: createThread.id });
    const text = await logText();
    expect(text).not.toContain('机密帖子的原标题');
    expect(text).toContain('已移除的帖子');
  });
});
