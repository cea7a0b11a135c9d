import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

const BOARDS = `query($g: ID!, $a: Boolean) { group(id: $g) { boards(includeArchived: $a) { id name position archived } } }`;
const CREATE_THREAD = `mutation($i: ThreadInput!) { createThread(input: $i) { id title body bodyHtml lastFloor viewerFollows author { realName } } }`;
const REPLY = `mutation($t: ID!, $b: String!, $q: ID, $m: [ID!]) { replyToThread(threadId: $t, body: $b, quoteReplyId: $q, mentionUserIds: $m) { id floor body bodyHtml quote { id floor } } }`;
const THREAD = `query($t: ID!) { thread(id: $t) { id title body replyCount lastFloor viewCount pinned essence locked newReplyCount viewerFollows
  viewerCan { reply edit moderate }
  edits { previousTitle previousBody editor { realName } }
  replies(first: 100) { edges { node { id floor body bodyHtml deletedAt editedAt quote { floor } edits { previousBody } viewerCan { edit delete } } } } } }`;
const THREADS = `query($b: ID!, $first: Int, $after: String, $e: Boolean) { board(id: $b) { threads(first: $first, after: $after, essence: $e) { edges { node { id title pinned essence } } pageInfo { hasNextPage endCursor } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let gou: Client & { userId: string };
let outsider: Client & { userId: string };
let groupId: string;
let boardId: string;
const streams: Stream[] = [];

async function newThread(by: Client, title: string, body = '正文内容', mentionUserIds?: string[]) {
  return (await by.request(CREATE_THREAD, { i: { boardId, title, body, mentionUserIds } })).createThread;
}

beforeAll(async () => {
  t = await startTestApp();
  [li, cheng, gou, outsider] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong'), signedIn(t.url, 'gouxiaoyan'), signedIn(t.url, 'yuanhao')]);
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
  const { group } = await li.request(BOARDS, { g: groupId });
  boardId = group.boards.find((b: { name: string }) => b.name === '经验交流').id;
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

describe('boards', () => {
  it('gives every group 经验交流, 政策法规 and 资料共享, new groups included', async () => {
    const { group } = await li.request(BOARDS, { g: groupId });
    expect(group.boards.map((b: { name: string }) => b.name)).toEqual(['经验交流', '政策法规', '资料共享']);
    const { createGroup } = await gou.request(`mutation { createGroup(input: { name: "窗口服务标准化", purpose: "交流窗口服务标准", rules: "文明发言", visibility: LISTED }) { id boards { name } } }`);
    expect(createGroup.boards.map((b: { name: string }) => b.name)).toEqual(['经验交流', '政策法规', '资料共享']);
  });

  it('lets admins add, rename, reorder and archive boards, and audits it', async () => {
    const { createBoard } = await cheng.request(`mutation($g: ID!) { createBoard(groupId: $g, name: "业务培训") { id name position } }`, { g: groupId });
    expect(createBoard.position).toBe(4);
    await cheng.request(`mutation($b: ID!) { renameBoard(boardId: $b, name: "培训与考试") { name } }`, { b: createBoard.id });
    const ids = (await li.request(BOARDS, { g: groupId })).group.boards.map((b: { id: string }) => b.id);
    const reordered = [ids[3], ids[0], ids[1], ids[2]];
    const { reorderBoards } = await li.request(`mutation($g: ID!, $ids: [ID!]!) { reorderBoards(groupId: $g, boardIds: $ids) { id position } }`, { g: groupId, ids: reordered });
    expect(reorderBoards.map((b: { id: string }) => b.id)).toEqual(reordered);
    await cheng.request(`mutation($b: ID!) { setBoardArchived(boardId: $b, archived: true) { archived } }`, { b: createBoard.id });
    const active = (await li.request(BOARDS, { g: groupId })).group.boards;
    expect(active.map((b: { name: string }) => b.name)).toEqual(['经验交流', '政策法规', '资料共享']);
    const all = (await li.request(BOARDS, { g: groupId, a: true })).group.boards;
    expect(all[all.length - 1]).toMatchObject({ name: '培训与考试', archived: true });
    expect(await li.errorCode(CREATE_THREAD, { i: { boardId: createBoard.id, title: '归档版块发帖', body: '内容' } })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'audit_log', `action like 'forum.board%' or action = 'forum.boards_reordered'`)).toBeGreaterThanOrEqual(4);
  });

  it('refuses board management to plain members, duplicate names, and incomplete orders', async () => {
    expect(await gou.errorCode(`mutation($g: ID!) { createBoard(groupId: $g, name: "灌水区") { id } }`, { g: groupId })).toBe('FORBIDDEN');
    expect(await li.errorCode(`mutation($g: ID!) { createBoard(groupId: $g, name: "经验交流") { id } }`, { g: groupId })).toBe('CONFLICT');
    expect(await li.errorCode(`mutation($g: ID!) { createBoard(groupId: $g, name: "  ") { id } }`, { g: groupId })).toBe('BAD_USER_INPUT');
    expect(await li.errorCode(`mutation($g: ID!, $ids: [ID!]!) { reorderBoards(groupId: $g, boardIds: $ids) { id } }`, { g: groupId, ids: [boardId] })).toBe('BAD_USER_INPUT');
  });

  it('hides the BBS from non-members: empty lists on the group, NOT_FOUND on boards and threads', async () => {
    const { group } = await outsider.request(`query($g: ID!) { group(id: $g) { name boards { id } threads { edges { node { id } } } discussions { id } } }`, { g: groupId });
    expect(group).toMatchObject({ boards: [], threads: { edges: [] }, discussions: [] });
    const thread = await newThread(li, '仅成员可见');
    expect(await outsider.errorCode(THREAD, { t: thread.id })).toBe('NOT_FOUND');
    expect(await outsider.errorCode(THREAD, { t: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    expect(await outsider.errorCode(THREADS, { b: boardId })).toBe('NOT_FOUND');
    expect(await outsider.errorCode(REPLY, { t: thread.id, b: '外人回复' })).toBe('NOT_FOUND');
    expect(await count(t.orm, 'thread_reply', 'thread_id = ?', [thread.id])).toBe(0);
  });
});

describe('threads and floors', () => {
  it('numbers replies as floors, quotes another floor, and keeps numbers when a reply is deleted', async () => {
    const thread = await newThread(li, '巴中市推行“一窗受理”的做法', '## 做法\n\n1. 前台综合受理\n2. 后台分类审批');
    expect(thread).toMatchObject({ lastFloor: 0, viewerFollows: true, author: { realName: '李劲松' } });
    expect(thread.bodyHtml).toContain('<h2>做法</h2>');
    expect(thread.bodyHtml).toContain('<ol>');
    const first = (await cheng.request(REPLY, { t: thread.id, b: '学习了，我们也在试点。' })).replyToThread;
    const second = (await gou.request(REPLY, { t: thread.id, b: '请问后台怎么分类？', q: first.id })).replyToThread;
    expect([first.floor, second.floor]).toEqual([1, 2]);
    expect(second.quote).toEqual({ id: first.id, floor: 1 });
    await cheng.request(`mutation($r: ID!) { deleteReply(replyId: $r) { deletedAt } }`, { r: first.id });
    const third = (await li.request(REPLY, { t: thread.id, b: '按事项类别分。' })).replyToThread;
    expect(third.floor).toBe(3);
    const { thread: state } = await li.request(THREAD, { t: thread.id });
    expect(state.replyCount).toBe(2);
    expect(state.lastFloor).toBe(3);
    const floors = state.replies.edges.map((e: any) => e.node);
    expect(floors.map((r: any) => r.floor)).toEqual([1, 2, 3]);
    expect(floors[0]).toMatchObject({ body: null, bodyHtml: null });
    expect(floors[0].deletedAt).not.toBeNull();
    expect(floors[1].quote).toEqual({ floor: 1 });
    // Quoting a deleted floor, or a floor of another thread, is refused.
    expect(await li.errorCode(REPLY, { t: thread.id, b: '引用', q: first.id })).toBe('BAD_USER_INPUT');
    const other = await newThread(li, '另一个帖子');
    expect(await li.errorCode(REPLY, { t: other.id, b: '引用', q: second.id })).toBe('BAD_USER_INPUT');
  });

  it('keeps the history of edits to threads and replies, for their authors only', async () => {
    const thread = await newThread(cheng, '原标题', '原正文');
    await cheng.request(`mutation($t: ID!) { editThread(threadId: $t, title: "新标题", body: "新正文") { title } }`, { t: thread.id });
    const reply = (await gou.request(REPLY, { t: thread.id, b: '第一版回复' })).replyToThread;
    await gou.request(`mutation($r: ID!) { editReply(replyId: $r, body: "第二版回复") { body editedAt } }`, { r: reply.id });
    expect(await li.errorCode(`mutation($t: ID!) { editThread(threadId: $t, title: "改别人的", body: "不行") { title } }`, { t: thread.id })).toBe('FORBIDDEN');
    expect(await li.errorCode(`mutation($r: ID!) { editReply(replyId: $r, body: "改别人的") { body } }`, { r: reply.id })).toBe('FORBIDDEN');
    expect(await li.errorCode(`mutation($r: ID!) { deleteReply(replyId: $r) { id } }`, { r: reply.id })).toBe('FORBIDDEN');
    const { thread: state } = await li.request(THREAD, { t: thread.id });
    expect(state).toMatchObject({ title: '新标题', body: '新正文' });
    expect(state.edits).toEqual([{ previousTitle: '原标题', previousBody: '原正文', editor: { realName: '程永' } }]);
    expect(state.replies.edges[0].node).toMatchObject({ body: '第二版回复', edits: [{ previousBody: '第一版回复' }] });
    expect(state.replies.edges[0].node.viewerCan).toEqual({ edit: false, delete: false });
  });

  it('lists pinned threads first, then by last activity, with an essence filter and stable cursors', async () => {
    const { createBoard } = await li.request(`mutation($g: ID!) { createBoard(groupId: $g, name: "排序测试") { id } }`, { g: groupId });
    const made: string[] = [];
    for (let i = 1; i <= 5; i++) made.push((await li.request(CREATE_THREAD, { i: { boardId: createBoard.id, title: `帖子${i}`, body: '内容' } })).createThread.id);
    await cheng.request(REPLY, { t: made[0], b: '顶一下' }); // 帖子1 becomes the most active
    await cheng.request(`mutation($t: ID!) { setThreadPinned(threadId: $t, pinned: true) { pinned } }`, { t: made[2] });
    await cheng.request(`mutation($t: ID!) { setThreadEssence(threadId: $t, essence: true) { essence } }`, { t: made[3] });
    const titles: string[] = [];
    let after: string | null = null;
    do {
      const { board }: any = await li.request(THREADS, { b: createBoard.id, first: 2, after });
      titles.push(...board.threads.edges.map((e: any) => e.node.title));
      after = board.threads.pageInfo.hasNextPage ? board.threads.pageInfo.endCursor : null;
    } while (after);
    expect(titles).toEqual(['帖子3', '帖子1', '帖子5', '帖子4', '帖子2']);
    const { board } = await li.request(THREADS, { b: createBoard.id, e: true });
    expect(board.threads.edges.map((e: any) => e.node.title)).toEqual(['帖子4']);
    expect(await gou.errorCode(`mutation($t: ID!) { setThreadPinned(threadId: $t, pinned: true) { pinned } }`, { t: made[1] })).toBe('FORBIDDEN');
    expect(await cheng.errorCode(`mutation($t: ID!) { setThreadPinned(threadId: $t, pinned: true) { pinned } }`, { t: made[2] })).toBe('CONFLICT');
  });

  it('refuses replies and edits to a locked thread and writes nothing', async () => {
    const thread = await newThread(gou, '将被锁定的帖子');
    await li.request(`mutation($t: ID!) { setThreadLocked(threadId: $t, locked: true) { locked } }`, { t: thread.id });
    const before = await count(t.orm, 'thread_reply');
    const errors = await cheng.errors(REPLY, { t: thread.id, b: '还能回复吗' });
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
    expect(errors[0].message).toContain('锁定');
    expect(await gou.errorCode(`mutation($t: ID!) { editThread(threadId: $t, title: "改", body: "改") { title } }`, { t: thread.id })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'thread_reply')).toBe(before);
    const { thread: state } = await gou.request(THREAD, { t: thread.id });
    expect(state.viewerCan).toEqual({ reply: false, edit: false, moderate: false });
  });
});

describe('bad input and unsafe content', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['an empty title', { title: '  ', body: '内容' }, 'title'],
    ['a title over 100 characters', { title: '标'.repeat(101), body: '内容' }, 'title'],
    ['a title with a line break', { title: '第一行\n第二行', body: '内容' }, 'title'],
    ['an empty body', { title: '标题', body: ' \n ' }, 'body'],
    ['a body over 20,000 characters', { title: '标题', body: '文'.repeat(20_001) }, 'body'],
    ['a title of zero-width characters only', { title: '\u200B\u200B\uFEFF', body: '内容' }, 'title'],
    ['a title with a right-to-left override', { title: '通知\u202Etxt.exe', body: '内容' }, 'title'],
    ['a body of invisible characters only', { title: '标题', body: '\u200B \u2060' }, 'body'],
  ];
  it.each(cases)('refuses %s and writes nothing', async (_, input, field) => {
    const before = await count(t.orm, 'thread');
    const errors = await li.errors(CREATE_THREAD, { i: { boardId, ...input } });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await count(t.orm, 'thread')).toBe(before);
  });

  it('neutralises raw HTML, script and javascript: links; keeps http(s) links, tables and code', async () => {
    const body = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(2)>',
      '[点我](javascript:alert(3)) [官网](https://www.gov.cn) [相对](/graphql) [数据](data:text/html,<b>x</b>)',
      '',
      '| 事项 | 时限 |',
      '|---|---|',
      '| 营业执照 | 1 日 |',
      '',
      '```',
      '<b>code</b>',
      '```',
    ].join('\n');
    const thread = await newThread(li, '<script>alert("title")</script>', body);
    expect(thread.title).toBe('<script>alert("title")</script>'); // text; the client renders it as text
    const html: string = thread.bodyHtml;
    // Raw HTML stays text; only the http(s) link becomes a link.
    expect(html).not.toMatch(/<script|<img|<svg|<iframe|href="(?!https:\/\/www\.gov\.cn")/i);
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<a href="https://www.gov.cn" rel="noopener noreferrer nofollow" target="_blank">官网</a>');
    expect(html).toContain('<table>');
    expect(html).toContain('<td>营业执照</td>');
    expect(html).toContain('<pre><code>&lt;b&gt;code&lt;/b&gt;');
    const reply = (await cheng.request(REPLY, { t: thread.id, b: '<iframe src="https://evil.example"></iframe>[x](JAVASCRIPT:alert(1))' })).replyToThread;
    expect(reply.bodyHtml).not.toMatch(/<iframe|href="(?!https:)/i);
    expect(reply.bodyHtml).toContain('&lt;iframe');
    const { markdownPreview } = await li.request(`query($b: String!) { markdownPreview(body: $b) }`, { b: '**粗体** <svg onload=alert(1)>' });
    expect(markdownPreview).toBe('<p><strong>粗体</strong> &lt;svg onload=alert(1)&gt;</p>\n');
    // Alignment comes as a class (the CSP refuses style attributes), never as a style.
    const aligned = (await li.request(`query($b: String!) { markdownPreview(body: $b) }`, { b: '| 事项 |\n|:-:|\n| 登记 |' })).markdownPreview;
    expect(aligned).toContain('<th class="align-center">事项</th>');
    expect(aligned).not.toContain('style=');
  });
});

describe('forged cursors', () => {
  it('answer BAD_USER_INPUT, never a database error', async () => {
    const forge = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const cases: Array<[string, Record<string, unknown>]> = [
      [THREADS, { b: boardId, after: forge([1, 'not a time', '00000000-0000-4000-8000-000000000000']) }],
      [THREADS, { b: boardId, after: forge([1, '2026-11-24 10:00:00+00', 'not-a-uuid']) }],
      [`query($after: String) { myThreads(after: $after) { edges { node { id } } } }`, { after: forge([0, '2026-11-24T10:00:00Z', 'x']) }],
      [`query($after: String) { notifications(after: $after) { edges { node { id } } } }`, { after: forge(['1 or 1=1']) }],
      [`query($t: ID!, $after: String) { thread(id: $t) { replies(after: $after) { edges { node { id } } } } }`, { t: (await newThread(li, '游标测试')).id, after: forge(['1']) }],
    ];
    for (const [query, variables] of cases) {
      const errors = await li.errors(query, variables);
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
});

describe('following and notifications', () => {
  it('counts new replies in 我的帖子, notifies followers and mentioned members live, and resets on a visit', async () => {
    const stream = await openStream(t.url, { token: (await li.login('lijinsong')).token });
    const gouStream = await openStream(t.url, { token: (await gou.login('gouxiaoyan')).token });
    streams.push(stream, gouStream);
    const thread = await newThread(li, '关于延时服务的意见征集');
    await cheng.request(REPLY, { t: thread.id, b: '建议周末也开放', m: [gou.userId] });
    await cheng.request(REPLY, { t: thread.id, b: '补充一点' });
    const live = await stream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.thread?.id === thread.id);
    expect(live.notification).toMatchObject({ kind: 'THREAD_REPLY', actor: { realName: '程永' }, thread: { title: '关于延时服务的意见征集' } });
    const mention = await gouStream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.thread?.id === thread.id);
    expect(mention.notification).toMatchObject({ kind: 'MENTION', reply: { floor: 1 } });

    const MY = `{ myThreads(first: 50) { edges { node { id newReplyCount } } } notifications(first: 50, unreadOnly: true) { unreadCount edges { node { id kind thread { id } } } } }`;
    let mine = await li.request(MY);
    expect(mine.myThreads.edges[0].node).toEqual({ id: thread.id, newReplyCount: 2 });
    expect(mine.notifications.edges.filter((e: any) => e.node.thread?.id === thread.id)).toHaveLength(2);
    // The replier is not told of their own reply; gou (not following) got only the mention.
    expect((await cheng.request(MY)).notifications.edges.filter((e: any) => e.node.thread?.id === thread.id)).toHaveLength(0);
    expect((await gou.request(MY)).notifications.edges.filter((e: any) => e.node.thread?.id === thread.id).map((e: any) => e.node.kind)).toEqual(['MENTION']);

    const { viewThread } = await li.request(`mutation($t: ID!) { viewThread(threadId: $t) { viewCount newReplyCount } }`, { t: thread.id });
    expect(viewThread).toEqual({ viewCount: 1, newReplyCount: 0 });
    mine = await li.request(MY);
    expect(mine.myThreads.edges.find((e: any) => e.node.id === thread.id).node.newReplyCount).toBe(0);
    expect(mine.notifications.edges.filter((e: any) => e.node.thread?.id === thread.id)).toHaveLength(0);

    // Following someone else's thread, then unfollowing.
    await gou.request(`mutation($t: ID!) { setThreadFollowed(threadId: $t, follow: true) { id } }`, { t: thread.id });
    await li.request(REPLY, { t: thread.id, b: '谢谢大家' });
    expect((await gou.request(MY)).myThreads.edges.find((e: any) => e.node.id === thread.id).node.newReplyCount).toBe(1);
    await gou.request(`mutation($t: ID!) { setThreadFollowed(threadId: $t, follow: false) { id } }`, { t: thread.id });
    expect((await gou.request(MY)).myThreads.edges.find((e: any) => e.node.id === thread.id)).toBeUndefined();
    const { markNotificationsRead } = await gou.request(`mutation { markNotificationsRead }`);
    expect(markNotificationsRead).toBeGreaterThan(0);
    expect((await gou.request(MY)).notifications.unreadCount).toBe(0);
  });

  it('refuses mentions of people outside the group', async () => {
    const thread = await newThread(li, '提及测试');
    expect(await li.errorCode(REPLY, { t: thread.id, b: '@袁浩', m: [outsider.userId] })).toBe('BAD_USER_INPUT');
  });
});
