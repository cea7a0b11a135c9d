import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }`;
const HISTORY = `query($c: ID!) { conversation(id: $c) { unreadCount messages(first: 100) { edges { node { id body removedBody removal { reason reasonLabel notice movedToThreadId } reactions { emoji } } } } } }`;
const REMOVE = `mutation($t: ContentType!, $c: ID!, $r: ModerationReason!, $n: String) { removeContent(contentType: $t, contentId: $c, reason: $r, note: $n) { notice reasonLabel } }`;
const SEARCH = `query($q: String!) { search(query: $q) { edges { node { type id } } } }`;
const MUTE = `mutation($g: ID!, $u: ID!, $m: Int, $r: ModerationReason!) { muteMember(groupId: $g, userId: $u, minutes: $m, reason: $r) { id endsAt active } }`;
const WARN = `mutation($g: ID!, $u: ID!) { warnMember(groupId: $g, userId: $u, reason: OFF_TOPIC, note: "请围绕工作交流") { id kind active } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind details thread { id title } } } } }`;

let t: TestApp;
let li: Client & { userId: string }; // owner
let cheng: Client & { userId: string }; // admin
let gou: Client & { userId: string }; // member, author
let ning: Client & { userId: string }; // member, bystander
let groupId: string;
let conversationId: string;
let boardId: string;
const streams: Stream[] = [];
let k = 0;
const key = () => `mod-${Date.now()}-${k++}`;
const stream = async (c: Client) => {
  const s = await openStream(t.url, { token: c.token ?? undefined });
  streams.push(s);
  return s;
};
const notifications = async (c: Client) => (await c.request(NOTIFICATIONS)).notifications.edges.map((e: any) => e.node);

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, gou, ning] = await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan', 'ningzhiyuan'].map((l) => signedIn(t.url, l)));
  for (const [c, l] of [[li, 'lijinsong'], [cheng, 'chengyong'], [gou, 'gouxiaoyan'], [ning, 'ningzhiyuan']] as const) c.token = (await c.login(l)).token;
  const [g] = await sql<{ id: string; conversation_id: string }>(t.orm, `select id, conversation_id from chat_group where name = '政务服务工作交流'`);
  groupId = g.id;
  conversationId = g.conversation_id;
  [{ id: boardId }] = await sql<{ id: string }>(t.orm, `select id from board where group_id = ? order by position limit 1`, [groupId]);
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose()));
  await t.close();
});

describe('removing a message', () => {
  it('leaves a tombstone for members (history, live events, search, unread), keeps the text for admins and the audit, and tells the author', async () => {
    const [gouStream, ningStream] = [await stream(gou), await stream(ning)];
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '周末一起去钓鱼吧，青岛湖鲫鱼很多', k: key() });
    expect((await ning.request(SEARCH, { q: '鲫鱼' })).search.edges.map((e: any) => e.node.id)).toContain(sendMessage.id);
    const unreadBefore = (await ning.request(HISTORY, { c: conversationId })).conversation.unreadCount;

    const { removeContent } = await cheng.request(REMOVE, { t: 'MESSAGE', c: sendMessage.id, r: 'OFF_TOPIC', n: '与工作无关' });
    expect(removeContent.notice).toBe('该消息因「跑题」已被管理员移除');

    for (const s of [gouStream, ningStream]) {
      const event = await s.waitFor((e) => e.type === 'MESSAGE_REMOVED' && e.message?.id === sendMessage.id);
      expect(event.message.body).toBeNull();
      expect(JSON.stringify(event)).not.toContain('鲫鱼');
    }
    const seen = (await ning.request(HISTORY, { c: conversationId })).conversation;
    const tomb = seen.messages.edges.map((e: any) => e.node).find((m: any) => m.id === sendMessage.id);
    expect(tomb).toMatchObject({ body: null, removedBody: null, removal: { reason: 'OFF_TOPIC', reasonLabel: '跑题', notice: '该消息因「跑题」已被管理员移除' } });
    expect(seen.unreadCount).toBe(unreadBefore - 1);
    expect((await ning.request(SEARCH, { q: '鲫鱼' })).search.edges).toHaveLength(0);
    expect((await gou.request(SEARCH, { q: '鲫鱼' })).search.edges).toHaveLength(0);

    const adminView = (await li.request(HISTORY, { c: conversationId })).conversation.messages.edges.map((e: any) => e.node).find((m: any) => m.id === sendMessage.id);
    expect(adminView).toMatchObject({ body: null, removedBody: '周末一起去钓鱼吧，青岛湖鲫鱼很多', removal: { reason: 'OFF_TOPIC' } });

    const [entry] = await sql(t.orm, `select actor_id, action, reason, before, after, ip from audit_log where action = 'moderation.content_removed' order by id desc limit 1`);
    expect(entry).toMatchObject({ actor_id: cheng.userId, reason: '跑题：与工作无关' });
    expect(entry.before).toMatchObject({ userId: gou.userId, contentId: sendMessage.id, removed: false });
    expect(entry.after).toMatchObject({ removed: true, reason: 'off_topic' });
    expect(entry.ip).toBeTruthy();

    const told = (await notifications(gou)).find((n: any) => n.kind === 'CONTENT_REMOVED');
    expect(JSON.parse(told.details)).toMatchObject({ reasonLabel: '跑题', body: '周末一起去钓鱼吧，青岛湖鲫鱼很多', note: '与工作无关' });
    expect((await notifications(ning)).some((n: any) => n.kind === 'CONTENT_REMOVED')).toBe(false);

    const record = (await gou.request(`{ myModerationRecord { removedContent { id body removal { notice } group { name } } } }`)).myModerationRecord;
    expect(record.removedContent[0]).toMatchObject({ id: sendMessage.id, body: '周末一起去钓鱼吧，青岛湖鲫鱼很多', group: { name: '政务服务工作交流' } });

    // Restored: back in search and history.
    await li.request(`mutation($c: ID!) { restoreContent(contentType: MESSAGE, contentId: $c, note: "误删") }`, { c: sendMessage.id });
    await ningStream.waitFor((e) => e.type === 'MESSAGE_RESTORED' && e.message?.body?.includes('鲫鱼'));
    expect((await ning.request(SEARCH, { q: '鲫鱼' })).search.edges).toHaveLength(1);
  });

  it('moves an off-topic message to a board as a thread by its author, who is told where it went', async () => {
    const { sendMessage } = await gou.request(SEND, { c: conversationId, b: '各地窗口排队叫号系统用的哪家？\n想了解一下', k: key() });
    const { moveMessageToBoard } = await li.request(
      `mutation($m: ID!, $b: ID!) { moveMessageToBoard(messageId: $m, boardId: $b) { id title author { realName } board { name } } }`,
      { m: sendMessage.id, b: boardId },
    );
    expect(moveMessageToBoard).toMatchObject({ title: '各地窗口排队叫号系统用的哪家？', author: { realName: '苟晓燕' } });
    const tomb = (await ning.request(HISTORY, { c: conversationId })).conversation.messages.edges.map((e: any) => e.node).find((m: any) => m.id === sendMessage.id);
    expect(tomb.removal).toMatchObject({ reason: 'OFF_TOPIC', movedToThreadId: moveMessageToBoard.id });
    const told = (await notifications(gou)).find((n: any) => n.kind === 'CONTENT_MOVED');
    expect(told.thread.id).toBe(moveMessageToBoard.id);
    expect(JSON.parse(told.details).boardName).toBe(moveMessageToBoard.board.name);
  });

  it('hides a removed thread and reply from members (lists, search, replies) but not from admins', async () => {
    const { createThread } = await gou.request(`mutation($b: ID!) { createThread(input: { boardId: $b, title: "出售二手办公桌椅", body: "九成新，价格面议" }) { id } }`, { b: boardId });
    const { replyToThread } = await ning.request(`mutation($t: ID!) { replyToThread(threadId: $t, body: "桌椅尺寸多少") { id } }`, { t: createThread.id });
    await cheng.request(REMOVE, { t: 'REPLY', c: replyToThread.id, r: 'IMPROPER' });
    const REPLIES = `query($t: ID!) { thread(id: $t) { title body removal { notice } replies { edges { node { body removal { notice } } } } } }`;
    expect((await gou.request(REPLIES, { t: createThread.id })).thread.replies.edges[0].node).toEqual({ body: null, removal: { notice: '该回复因「不当言论」已被管理员移除' } });
    expect((await li.request(REPLIES, { t: createThread.id })).thread.replies.edges[0].node.body).toBe('桌椅尺寸多少');
    await cheng.request(REMOVE, { t: 'THREAD', c: createThread.id, r: 'ADVERTISING' });
    const THREADS = `query($g: ID!) { group(id: $g) { threads(first: 100) { edges { node { id } } } } }`;
    expect((await ning.request(THREADS, { g: groupId })).group.threads.edges.map((e: any) => e.node.id)).not.toContain(createThread.id);
    expect((await li.request(THREADS, { g: groupId })).group.threads.edges.map((e: any) => e.node.id)).toContain(createThread.id);
    expect((await ning.request(REPLIES, { t: createThread.id })).thread).toMatchObject({ title: '该帖子因「广告」已被管理员移除', body: '', removal: { notice: '该帖子因「广告」已被管理员移除' } });
    expect((await ning.request(SEARCH, { q: '办公桌椅' })).search.edges).toHaveLength(0);
    expect(await ning.errorCode(`mutation($t: ID!) { replyToThread(threadId: $t, body: "还有吗") { id } }`, { t: createThread.id })).toBe('FORBIDDEN');
  });
});

describe('mutes', () => {
  it('refuses a muted member\'s send, reaction and reply with FORBIDDEN and the end time, while they still read', async () => {
    const { sendMessage } = await ning.request(SEND, { c: conversationId, b: '禁言前的消息', k: key() });
    const { muteMember } = await cheng.request(MUTE, { g: groupId, u: gou.userId, m: 60, r: 'IMPROPER' });
    expect(muteMember.active).toBe(true);
    const [error] = await gou.errors(SEND, { c: conversationId, b: '我还能说话吗', k: key() });
    expect(error.extensions?.code).toBe('FORBIDDEN');
    const until = new Date(String(error.extensions?.mutedUntil));
    expect(Math.abs(until.getTime() - new Date(muteMember.endsAt).getTime())).toBeLessThan(1000);
    const shanghai = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(until);
    expect(error.message).toContain('您已被禁言');
    expect(error.message).toContain(shanghai);
    expect(error.message).toContain('北京时间');
    expect(await gou.errorCode(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "[点赞]") { id } }`, { m: sendMessage.id })).toBe('FORBIDDEN');
    expect(await gou.errorCode(`mutation($b: ID!) { createThread(input: { boardId: $b, title: "禁言中发帖", body: "测试" }) { id } }`, { b: boardId })).toBe('FORBIDDEN');
    expect((await gou.request(HISTORY, { c: conversationId })).conversation.messages.edges.length).toBeGreaterThan(0);
    const { group } = await gou.request(`query($g: ID!) { group(id: $g) { moderation { viewerMuted viewerMutedUntil } viewerCan { post } } }`, { g: groupId });
    expect(group).toMatchObject({ moderation: { viewerMuted: true }, viewerCan: { post: false } });
    await cheng.request(`mutation($g: ID!, $u: ID!) { unmuteMember(groupId: $g, userId: $u, note: "已认识错误") }`, { g: groupId, u: gou.userId });
    await gou.request(SEND, { c: conversationId, b: '解除禁言后可以发言', k: key() });
  });

  it('mutes a member until lifted, and the whole group except admins (全员禁言)', async () => {
    await cheng.request(MUTE, { g: groupId, u: gou.userId, m: null, r: 'OTHER' });
    const [error] = await gou.errors(SEND, { c: conversationId, b: '测试', k: key() });
    expect(error.message).toContain('在管理员解除前');
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', mutedUntil: null, mutedBy: 'MEMBER' });
    await cheng.request(`mutation($g: ID!, $u: ID!) { unmuteMember(groupId: $g, userId: $u) }`, { g: groupId, u: gou.userId });

    expect(await ning.errorCode(`mutation($g: ID!) { setGroupMute(groupId: $g, muted: true, minutes: 30) { id } }`, { g: groupId })).toBe('FORBIDDEN');
    await cheng.request(`mutation($g: ID!) { setGroupMute(groupId: $g, muted: true, minutes: 30, note: "会议期间") { id } }`, { g: groupId });
    const [all] = await ning.errors(SEND, { c: conversationId, b: '全员禁言中', k: key() });
    expect(all.message).toContain('本群已开启全员禁言');
    expect(all.extensions).toMatchObject({ code: 'FORBIDDEN', mutedBy: 'GROUP' });
    await li.request(SEND, { c: conversationId, b: '群主可以发言', k: key() });
    await cheng.request(SEND, { c: conversationId, b: '管理员可以发言', k: key() });
    await cheng.request(`mutation($g: ID!) { setGroupMute(groupId: $g, muted: false) { moderation { mutedAll } } }`, { g: groupId });
    await ning.request(SEND, { c: conversationId, b: '解除全员禁言', k: key() });
  });

  it('refuses mutes shorter than 10 minutes or longer than 30 days', async () => {
    expect(await cheng.errorCode(MUTE, { g: groupId, u: ning.userId, m: 5, r: 'OTHER' })).toBe('BAD_USER_INPUT');
    expect(await cheng.errorCode(MUTE, { g: groupId, u: ning.userId, m: 30 * 24 * 60 + 1, r: 'OTHER' })).toBe('BAD_USER_INPUT');
  });
});

describe('warnings', () => {
  it('escalates the third active warning within 90 days to a 24-hour mute; a revoked warning does not count', async () => {
    const member = await signedIn(t.url, 'zhouli');
    const first = (await cheng.request(WARN, { g: groupId, u: member.userId })).warnMember;
    await cheng.request(`mutation($s: ID!) { revokeWarning(sanctionId: $s, reason: "误判") { active revokeReason } }`, { s: first.id });
    await cheng.request(WARN, { g: groupId, u: member.userId });
    await cheng.request(WARN, { g: groupId, u: member.userId });
    await member.request(SEND, { c: conversationId, b: '两次有效警告仍可发言', k: key() });
    await li.request(WARN, { g: groupId, u: member.userId });
    const [error] = await member.errors(SEND, { c: conversationId, b: '第三次警告后', k: key() });
    expect(error.extensions?.code).toBe('FORBIDDEN');
    const hours = (new Date(String(error.extensions?.mutedUntil)).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const { myModerationRecord } = await member.request(`{ myModerationRecord { sanctions { kind active actor { realName } note reasonLabel revokeReason } } }`);
    const kinds = myModerationRecord.sanctions.map((s: any) => [s.kind, s.active]);
    expect(kinds.filter(([k]: string[]) => k === 'WARNING')).toHaveLength(4);
    expect(kinds.filter(([k, a]: [string, boolean]) => k === 'WARNING' && a)).toHaveLength(3);
    expect(myModerationRecord.sanctions.find((s: any) => s.kind === 'MUTE')).toMatchObject({ active: true, actor: null });
    expect(await count(t.orm, 'audit_log', `action = 'moderation.muted' and (after->>'automatic')::boolean and after->>'userId' = ?`, [member.userId])).toBe(1);
  });

  it('follows a changed escalation rule', async () => {
    const member = await signedIn(t.url, 'zhuhong');
    await li.request(`mutation($g: ID!) { setEscalationRule(groupId: $g, warnings: 1, windowDays: 30, muteMinutes: 10) { moderation { escalation { warnings windowDays muteMinutes } } } }`, { g: groupId });
    await cheng.request(WARN, { g: groupId, u: member.userId });
    const [error] = await member.errors(SEND, { c: conversationId, b: '一次警告', k: key() });
    const minutes = (new Date(String(error.extensions?.mutedUntil)).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(10);
    await li.request(`mutation($g: ID!) { setEscalationRule(groupId: $g, warnings: 3, windowDays: 90, muteMinutes: 1440) { id } }`, { g: groupId });
  });
});

describe('kicks and bans', () => {
  it('stops a kicked member\'s stream at once; they may apply again', async () => {
    const member = await signedIn(t.url, 'luoyu');
    member.token = (await member.login('luoyu')).token;
    const s = await stream(member);
    await li.request(SEND, { c: conversationId, b: '移出前', k: key() });
    await s.waitFor((e) => e.message?.body === '移出前');
    await cheng.request(`mutation($g: ID!, $u: ID!) { kickMember(groupId: $g, userId: $u, reason: ADVERTISING, note: "多次发布广告") }`, { g: groupId, u: member.userId });
    await s.waitFor((e) => e.type === 'MEMBER_REMOVED' && e.user?.id === member.userId);
    const seen = s.events.filter((e) => e.conversationId === conversationId).length;
    const watcher = await stream(li);
    await li.request(SEND, { c: conversationId, b: '移出后', k: key() });
    await watcher.waitFor((e) => e.message?.body === '移出后');
    expect(s.events.filter((e) => e.conversationId === conversationId).length).toBe(seen);
    expect(await member.errorCode(HISTORY, { c: conversationId })).toBe('NOT_FOUND');
    const { applyToGroup } = await member.request(`mutation($g: ID!) { applyToGroup(groupId: $g, acceptRules: true) { status } }`, { g: groupId });
    expect(applyToGroup.status).toBe('PENDING');
    expect(await count(t.orm, 'audit_log', `action = 'group.member_removed' and after->>'moderation' = 'kick' and after->>'userId' = ?`, [member.userId])).toBe(1);
  });

  it('keeps a banned person out (application and invitation) until unbanned', async () => {
    const member = await signedIn(t.url, 'hulin');
    await cheng.request(`mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: IMPROPER) { kind active } }`, { g: groupId, u: member.userId });
    expect(await member.errorCode(HISTORY, { c: conversationId })).toBe('NOT_FOUND');
    const APPLY = `mutation($g: ID!) { applyToGroup(groupId: $g, acceptRules: true) { id status } }`;
    expect(await member.errorCode(APPLY, { g: groupId })).toBe('FORBIDDEN');
    const { group } = await member.request(`query($g: ID!) { group(id: $g) { viewerCan { apply } } }`, { g: groupId });
    expect(group.viewerCan.apply).toBe(false);
    const { inviteToGroup } = await li.request(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: member.userId });
    expect(await member.errorCode(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'group_member', 'group_id = ? and user_id = ?', [groupId, member.userId])).toBe(0);
    await cheng.request(`mutation($g: ID!, $u: ID!) { unbanMember(groupId: $g, userId: $u, note: "已说明情况") }`, { g: groupId, u: member.userId });
    await member.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    expect(await count(t.orm, 'group_member', 'group_id = ? and user_id = ?', [groupId, member.userId])).toBe(1);
  });
});

describe('reports and the queue', () => {
  it('takes one report per person per item, counts open reports, and tells the reporter the outcome', async () => {
    const { sendMessage } = await ning.request(SEND, { c: conversationId, b: '加我微信领取优惠券', k: key() });
    const REPORT = `mutation($c: ID!, $r: ModerationReason!) { reportContent(contentType: MESSAGE, contentId: $c, reason: $r, note: "疑似广告") { id status } }`;
    const { reportContent } = await gou.request(REPORT, { c: sendMessage.id, r: 'ADVERTISING' });
    expect(await gou.errorCode(REPORT, { c: sendMessage.id, r: 'OTHER' })).toBe('CONFLICT');
    expect(await ning.errorCode(REPORT, { c: sendMessage.id, r: 'OTHER' })).toBe('FORBIDDEN');
    await li.request(REPORT, { c: sendMessage.id, r: 'LEAK_RISK' });
    const QUEUE = `query($g: ID!) { moderationQueue(groupId: $g) { openCount counts { reason contentType count } reports { edges { node { id reason note contentExcerpt reporter { realName } contentAuthor { realName } } } } } }`;
    expect(await gou.errorCode(QUEUE, { g: groupId })).toBe('FORBIDDEN');
    const { moderationQueue } = await cheng.request(QUEUE, { g: groupId });
    expect(moderationQueue.openCount).toBe(2);
    expect(moderationQueue.counts).toEqual(expect.arrayContaining([{ reason: 'ADVERTISING', contentType: 'MESSAGE', count: 1 }, { reason: 'LEAK_RISK', contentType: 'MESSAGE', count: 1 }]));
    expect(moderationQueue.reports.edges.map((e: any) => e.node.contentExcerpt)).toContain('加我微信领取优惠券');
    await cheng.request(REMOVE, { t: 'MESSAGE', c: sendMessage.id, r: 'ADVERTISING' });
    await cheng.request(`mutation($r: ID!) { resolveReport(reportId: $r, outcome: ACTIONED, note: "已移除") { status resolvedBy { realName } } }`, { r: reportContent.id });
    expect(await gou.errorCode(`mutation($r: ID!) { resolveReport(reportId: $r, outcome: DISMISSED) { status } }`, { r: reportContent.id })).toBe('NOT_FOUND');
    const told = (await notifications(gou)).find((n: any) => n.kind === 'REPORT_RESOLVED');
    expect(JSON.parse(told.details)).toMatchObject({ outcome: 'actioned', note: '已移除' });
    expect((await cheng.request(QUEUE, { g: groupId })).moderationQueue.openCount).toBe(1);
  });
});

describe('the audit log', () => {
  it('lets admins read and filter their group\'s log, and no one else', async () => {
    const LOG = `query($g: ID!, $f: AuditLogFilter, $first: Int, $after: String) { groupAuditLog(groupId: $g, filter: $f, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { id at action actionLabel reason actor { realName } targetUser { realName } before after ip } } } }`;
    expect(await gou.errorCode(LOG, { g: groupId })).toBe('FORBIDDEN');
    const mine = await cheng.request(LOG, { g: groupId, f: { actorId: cheng.userId, action: 'moderation.' }, first: 100 });
    const nodes = mine.groupAuditLog.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(5);
    expect(nodes.every((n: any) => n.actor.realName === '程永' && n.action.startsWith('moderation.'))).toBe(true);
    expect(nodes.every((n: any) => n.ip === null)).toBe(true);
    const aboutGou = (await cheng.request(LOG, { g: groupId, f: { targetUserId: gou.userId, action: 'moderation.muted' } })).groupAuditLog.edges.map((e: any) => e.node);
    expect(aboutGou.length).toBe(2);
    expect(aboutGou.every((n: any) => n.targetUser.realName === '苟晓燕')).toBe(true);
    // Read in Chinese, from the one table the filter lists too.
    expect(aboutGou.every((n: any) => n.actionLabel === '禁言')).toBe(true);
    const { auditActions } = await cheng.request(`{ auditActions { action label } }`);
    expect(auditActions).toContainEqual({ action: 'moderation.muted', label: '禁言' });
    expect(auditActions).toContainEqual({ action: 'group.member_removed', label: '移出成员' });
    const page1 = (await cheng.request(LOG, { g: groupId, first: 2 })).groupAuditLog;
    const page2 = (await cheng.request(LOG, { g: groupId, first: 2, after: page1.pageInfo.endCursor })).groupAuditLog;
    expect(Number(page2.edges[0].node.id)).toBeLessThan(Number(page1.edges[1].node.id));
    const future = (await cheng.request(LOG, { g: groupId, f: { from: new Date(Date.now() + 3_600_000).toISOString() } })).groupAuditLog;
    expect(future.edges).toHaveLength(0);
    expect(await count(t.orm, 'audit_log', `action like 'moderation.%'`)).toBeGreaterThan(10);
    await expect(sql(t.orm, `update audit_log set reason = 'x' where action like 'moderation.%'`)).rejects.toThrow(/append-only/);
    await expect(sql(t.orm, `delete from audit_log where action like 'moderation.%'`)).rejects.toThrow(/append-only/);
  });
});

describe('discussion groups stay private under moderation', () => {
  it('shows group moderators outside a discussion that one of its messages was reported, never its text; they cannot act on it', async () => {
    // 苟晓燕 and 宁志远 discuss without the group's owner or admins.
    const { createDiscussion } = await gou.request(`mutation($g: ID!, $m: [ID!]!) { createDiscussion(groupId: $g, topic: "小范围讨论", memberIds: $m) { conversation { id } } }`, { g: groupId, m: [ning.userId] });
    const { sendMessage } = await gou.request(SEND, { c: createDiscussion.conversation.id, b: '只在讨论组里说的话', k: key() });
    await ning.request(`mutation($c: ID!) { reportContent(contentType: MESSAGE, contentId: $c, reason: OTHER, note: "测试") { id } }`, { c: sendMessage.id });
    const { moderationQueue } = await li.request(`query($g: ID!) { moderationQueue(groupId: $g) { reports { edges { node { contentId contentExcerpt } } } } }`, { g: groupId });
    const reported = moderationQueue.reports.edges.map((e: any) => e.node).find((n: any) => n.contentId === sendMessage.id);
    expect(reported.contentExcerpt).not.toContain('只在讨论组里说的话');
    expect(reported.contentExcerpt).toContain('仅讨论组成员可见');
    expect(await li.errorCode(`mutation($c: ID!) { removeContent(contentType: MESSAGE, contentId: $c, reason: OTHER) { notice } }`, { c: sendMessage.id })).toBe('NOT_FOUND');
  });
});
