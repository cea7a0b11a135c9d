/**
 * Browser tests of the group BBS, notifications, search and discussion groups against the real
 * server (fresh PostgreSQL with the demo data, so the demo group 政务服务工作交流 and its boards
 * exist): a thread with Markdown (table, list) and a <script> that stays text, a quoted reply,
 * the follower's live notification; a search for 行政许可 with highlighted results that open
 * where they are; a discussion group that only its members see.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';

const DEMO_GROUP = '政务服务工作交流';
const THREAD_TITLE = '<script>window.__xss=1</script>行政许可事项清单梳理经验';
const THREAD_BODY = [
  '各位同事，分享巴中市梳理**行政许可**事项清单的做法：',
  '',
  '- 先按部门汇总事项',
  '- 再逐项核对设定依据',
  '- 最后报市政府审定',
  '',
  '| 环节 | 用时 |',
  '| --- | :-: |',
  '| 汇总 | 5 个工作日 |',
  '| 核对 | 10 个工作日 |',
  '',
  '<script>window.__xss=2</script><img src=x onerror="window.__xss=3">',
].join('\n');

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn } = apiClient(() => app);
let groupId: string;
let groupConversationId: string;

const openAs = (loginName: string, realName: string): Promise<Opened> => session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 } });

/** The bell's count (0 when hidden). */
async function bell(page: Page): Promise<number> {
  const badge = page.getByTestId('bell-count');
  return (await badge.isHidden()) ? 0 : Number(await badge.textContent());
}

function floor(page: Page, n: number) {
  return page.locator(`[data-testid=floor][data-floor="${n}"]`);
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan'].map(signIn));
  const { myGroups } = await api<{ myGroups: Array<{ id: string; name: string; conversation: { id: string } }> }>('lijinsong', `{ myGroups { id name conversation { id } } }`);
  const demo = myGroups.find((g) => g.name === DEMO_GROUP);
  if (!demo) throw new Error('the demo group is not in the test database');
  groupId = demo.id;
  groupConversationId = demo.conversation.id;
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('BBS, notifications, search and discussion groups in the browser', () => {
  let li: Opened;
  let cheng: Opened;
  let gou: Opened;
  let threadId: string;

  beforeAll(async () => {
    [li, cheng, gou] = await Promise.all([openAs('lijinsong', '李劲松'), openAs('chengyong', '程永'), openAs('gouxiaoyan', '苟晓燕')]);
  });

  test('李劲松 posts a Markdown thread in 经验交流 whose <script> stays text; 程永 replies and quotes; 李劲松 is notified live', async () => {
    const { page } = li;
    // From the group's conversation to its BBS.
    await page.goto(`/#/chat/${groupConversationId}`);
    await page.getByTestId('open-bbs').click();
    await page.getByTestId('bbs-title').filter({ hasText: `${DEMO_GROUP} · 论坛` }).waitFor();
    await page.getByTestId('board-link').filter({ hasText: '经验交流' }).click();
    await page.getByTestId('board-title').filter({ hasText: '经验交流' }).waitFor();

    // Compose: title and body, preview rendered by the server, Ctrl+Enter posts.
    await page.getByTestId('new-thread').click();
    const composer = page.getByTestId('thread-editor');
    expect(await composer.getByTestId('editor-board').locator('option:checked').textContent()).toBe('经验交流');
    await composer.getByTestId('editor-title').fill(THREAD_TITLE);
    await composer.getByTestId('editor-body').fill(THREAD_BODY);
    await composer.getByTestId('editor-preview-toggle').click();
    const preview = composer.getByTestId('preview-html');
    await preview.locator('table').waitFor();
    expect(await preview.locator('li').count()).toBe(3);
    expect(await preview.locator('script, img').count()).toBe(0);
    await composer.getByTestId('editor-preview-toggle').click();
    await composer.getByTestId('editor-body').press('Control+Enter');

    await page.getByTestId('thread-title').waitFor();
    threadId = decodeURIComponent(page.url().split('#/thread/')[1]);
    expect(await page.getByTestId('thread-title').textContent()).toBe(THREAD_TITLE);
    expect(await page.getByTestId('thread-author').textContent()).toBe('李劲松');
    expect(await page.getByTestId('thread-author-unit').textContent()).toContain('巴中市政务服务中心');
    const body = page.getByTestId('thread-body');
    expect(await body.locator('table tr').count()).toBe(3);
    expect(await body.locator('td').first().textContent()).toBe('汇总');
    // Column alignment arrives as a class: a style attribute would be refused (and reported) by the CSP.
    expect(await body.locator('td.align-center').count()).toBe(2);
    expect(await body.locator('[style]').count()).toBe(0);
    expect(await body.locator('ul > li').allTextContents()).toEqual(['先按部门汇总事项', '再逐项核对设定依据', '最后报市政府审定']);
    expect(await body.locator('strong').textContent()).toBe('行政许可');
    // The script and the image tag are shown as text, never as elements, and nothing ran.
    expect(await body.textContent()).toContain('<script>window.__xss=2</script>');
    expect(await page.locator('#main script, #main img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.getByTestId('thread-follow').textContent()).toBe('已关注');
    await page.getByTestId('floor-list').waitFor({ state: 'attached' });
    expect(await page.getByTestId('floor').count()).toBe(0);

    // The thread is listed in its board, and in 我的帖子.
    await page.getByTestId('thread-breadcrumb').getByRole('link', { name: '经验交流' }).click();
    const row = page.getByTestId('thread-row').filter({ hasText: '行政许可事项清单梳理经验' });
    await row.waitFor();
    expect(await row.getByTestId('thread-author').textContent()).toBe('李劲松');
    expect(await row.getByTestId('thread-replies').textContent()).toBe('回复 0');

    // 李劲松 waits on his notifications page; 程永 replies.
    await page.getByTestId('bell').click();
    await page.getByTestId('notifications-page').waitFor();
    await page.getByTestId('notifications-summary').filter({ hasText: /未读/ }).waitFor();
    // The demo data may have left him some already.
    const before = await bell(page);

    const c = cheng.page;
    await c.goto(`/#/thread/${threadId}`);
    await c.getByTestId('thread-title').filter({ hasText: '行政许可事项清单梳理经验' }).waitFor();
    expect(await c.getByTestId('thread-edit').count()).toBe(0);
    // 程永 is an admin of the group: the moderation buttons are there.
    expect(await c.getByTestId('thread-pinned').textContent()).toBe('置顶');
    const reply = c.getByTestId('reply-editor');
    await reply.getByTestId('editor-body').fill('很实用。我们巴中市也在**同步推进**。');
    await reply.getByTestId('editor-submit').click();
    await floor(c, 1).getByTestId('floor-body').filter({ hasText: '我们巴中市也在同步推进。' }).waitFor();
    expect(await floor(c, 1).getByTestId('floor-no').textContent()).toBe('1楼');
    expect(await floor(c, 1).getByTestId('floor-author').textContent()).toBe('程永');

    // Live on 李劲松's page: the bell and the list.
    await expect.poll(() => bell(page)).toBe(before + 1);
    const note = page.getByTestId('notification').first();
    await note.filter({ hasText: '程永 回复了您关注的帖子' }).waitFor();
    expect(await note.getAttribute('data-read')).toBe('false');

    // 程永 quotes 1楼 in 2楼.
    await floor(c, 1).getByTestId('floor-quote-button').click();
    expect(await reply.getByTestId('editor-quote').textContent()).toContain('1楼 程永');
    await reply.getByTestId('editor-body').fill('补充：核对设定依据时请对照省级政府规章。');
    await reply.getByTestId('editor-body').press('Control+Enter');
    const second = floor(c, 2);
    await second.getByTestId('floor-body').waitFor();
    expect(await second.getByTestId('floor-quote').textContent()).toContain('引用 1楼 程永');
    expect(await second.getByTestId('floor-quote').textContent()).toContain('我们巴中市也在**同步推进**。');
    await expect.poll(() => bell(page)).toBe(before + 2);

    // 李劲松 opens the newest notification: the thread at 2楼; visiting reads them.
    await page.getByTestId('notification').first().getByTestId('notification-link').click();
    await floor(page, 2).waitFor();
    expect(await page.getByTestId('floor-no').allTextContents()).toEqual(['1楼', '2楼']);
    expect(await floor(page, 2).getByTestId('floor-quote').textContent()).toContain('引用 1楼 程永');
    await expect.poll(() => bell(page)).toBe(before);
    expect(await page.getByTestId('thread-reply-count').textContent()).toBe('回复 2');

    // 程永 deletes his 1楼: a tombstone keeps the floor, and 2楼's quote says so after a reload.
    await floor(c, 1).getByTestId('floor-delete').click();
    await floor(c, 1).getByTestId('floor-delete-confirm').click();
    await floor(c, 1).getByTestId('floor-deleted').filter({ hasText: '该楼层已删除' }).waitFor();
    await page.reload();
    await floor(page, 1).getByTestId('floor-deleted').waitFor();
    expect(await floor(page, 2).getByTestId('floor-quote').textContent()).toContain('该楼层已删除');

    // 李劲松 edits his thread: 已编辑 with the earlier version in the history.
    await page.getByTestId('thread-edit').click();
    const edit = page.getByTestId('thread-edit-editor');
    await edit.getByTestId('editor-title').fill('行政许可事项清单梳理经验（修订）');
    await edit.getByTestId('editor-submit').click();
    await page.getByTestId('thread-title').filter({ hasText: '（修订）' }).waitFor();
    await page.getByTestId('edited').first().click();
    expect(await page.getByTestId('edit-history').textContent()).toContain(`标题：${THREAD_TITLE}`);

    // 程永 locks it: no composer and no edit for anyone, a notice instead; 🔒 in the list.
    await c.reload();
    await c.getByTestId('thread-title').filter({ hasText: '（修订）' }).waitFor();
    await c.getByTestId('thread-locked').click();
    await c.getByTestId('thread-locked-notice').waitFor();
    await c.getByTestId('reply-closed').filter({ hasText: '本帖已锁定' }).waitFor();
    expect(await c.getByTestId('reply-editor').count()).toBe(0);
    expect(await c.getByTestId('thread-locked').textContent()).toBe('解锁');
    await page.reload();
    await page.getByTestId('reply-closed').filter({ hasText: '本帖已锁定' }).waitFor();
    expect(await page.getByTestId('thread-edit').count()).toBe(0);
    expect(await page.getByTestId('floor-quote-button').count()).toBe(0);
    await page.goto(`/#/groups/${groupId}/bbs`);
    await page.getByTestId('thread-row').filter({ hasText: '（修订）' }).getByTestId('badge-locked').waitFor();

    expect(li.errors).toEqual([]);
    expect(cheng.errors).toEqual([]);
  });

  test('search: 行政许可 from the header shows highlighted hits of every kind that open where they are', async () => {
    const { page } = cheng;
    await page.goto('/#/chat');
    await page.getByTestId('header-search').fill('行政许可');
    await page.getByTestId('header-search').press('Enter');
    await page.getByTestId('search-page').waitFor();
    expect(await page.getByTestId('search-input').inputValue()).toBe('行政许可');
    await page.getByTestId('search-result').first().waitFor();
    expect(await page.getByTestId('search-summary').textContent()).toContain('“行政许可”的搜索结果');
    expect(await page.getByTestId('search-word').allTextContents()).toContain('行政许可');
    // Relevance lists the most relevant hits; a short list needs no hint about the ranked pool.
    expect(await page.getByTestId('search-summary').textContent()).toMatch(/最相关的 \d+ 条/);
    expect(await page.getByTestId('search-pool-hint').isHidden()).toBe(true);

    // A message of the demo group, with the words marked (as <mark> text, not HTML).
    const message = page.locator('[data-testid=search-result][data-type=GROUP_MESSAGE]').filter({ hasText: '省级政府规章可以设定行政许可吗' });
    await message.waitFor();
    expect(await message.getByTestId('result-group').textContent()).toBe(DEMO_GROUP);
    const marks = await message.getByTestId('hit').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(['行政', '许可', '行政许可']).toContain(m);

    // The thread of the first test, its title marked too.
    const thread = page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: '事项清单梳理经验' });
    await thread.waitFor();
    expect(await thread.getByTestId('result-title').textContent()).toContain('（修订）');
    expect(await thread.getByTestId('result-title').getByTestId('hit').first().textContent()).toMatch(/行政|许可/);
    expect(await page.locator('#main script').count()).toBe(0);

    // Only threads, newest first: the filter lives in the address.
    await page.getByTestId('search-type-THREAD').check();
    await expect.poll(() => page.url()).toContain('types=THREAD');
    await page.getByTestId('search-result').first().waitFor();
    await expect.poll(async () => [...new Set(await page.getByTestId('search-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-type'))))]).toEqual(['THREAD']);
    await thread.getByTestId('result-link').click();
    await page.getByTestId('thread-title').filter({ hasText: '事项清单梳理经验' }).waitFor();

    // Back to the results; the message opens in its conversation, scrolled to and highlighted.
    await page.goBack();
    await page.getByTestId('search-type-THREAD').uncheck();
    await message.getByTestId('result-link').click();
    await page.getByTestId('conversation-title').filter({ hasText: DEMO_GROUP }).waitFor();
    await page.locator('.msg-flash').filter({ hasText: '省级政府规章可以设定行政许可吗' }).waitFor();

    // Nothing found: an empty state that names the query.
    await page.goto(`/#/search?q=${encodeURIComponent('没有这样的词组合')}`);
    await page.getByTestId('empty').filter({ hasText: '没有找到与“没有这样的词组合”相关的内容' }).waitFor();
    expect(cheng.errors).toEqual([]);
  });

  test('a discussion group: 李劲松 invites 苟晓燕, they talk; 程永, in the group but not invited, never sees it', async () => {
    const TOPIC = '行政许可清单专题';
    const { page } = li;
    await page.goto(`/#/chat/${groupConversationId}`);
    await page.getByTestId('conversation-title').filter({ hasText: DEMO_GROUP }).waitFor();
    await page.getByTestId('toggle-discussions').click();
    // (The demo data already has him in 三县一区交流会议筹备.)
    await page.getByTestId('discussions-panel').locator('[data-testid=discussion-item], [data-testid=empty]').first().waitFor();
    await page.getByTestId('discussion-create-open').click();
    await page.getByTestId('discussion-create-submit').click();
    expect(await page.getByTestId('error-topic').textContent()).toBe('请填写讨论主题');
    await page.getByTestId('discussion-topic-input').fill(TOPIC);
    await page.getByTestId('discussion-member-filter').fill('苟晓燕');
    await page.locator('.pick-item').filter({ hasText: '苟晓燕' }).getByTestId('discussion-member-option').check();
    await page.getByTestId('discussion-create-submit').click();

    // Its own conversation view: the topic, 讨论组, two members.
    await page.getByTestId('conversation-title').filter({ hasText: TOPIC }).waitFor();
    expect(await page.getByTestId('conversation-sub').textContent()).toContain('讨论组');
    expect(await page.getByTestId('conversation-sub').textContent()).toContain(`2 人 · 所属群组 ${DEMO_GROUP}`);
    const discussionUrl = page.url();
    await page.getByTestId('toggle-members').click();
    expect(await page.getByTestId('discussion-member').allTextContents()).toEqual([expect.stringContaining('李劲松'), expect.stringContaining('苟晓燕')]);
    await page.getByTestId('side-close').click();

    // 苟晓燕 finds it in 消息 (live) and they exchange messages.
    const g = gou.page;
    await g.goto('/#/chat');
    const item = g.getByTestId('conversation-item').filter({ hasText: TOPIC });
    await item.waitFor();
    expect(await item.getAttribute('data-kind')).toBe('DISCUSSION');
    await item.click();
    await g.getByTestId('conversation-title').filter({ hasText: TOPIC }).waitFor();
    await g.getByTestId('composer-input').waitFor();

    await page.getByTestId('composer-input').fill('晓燕，通江县的许可清单这周能整理好吗？');
    await page.getByTestId('composer-input').press('Enter');
    await g.getByTestId('message-body').filter({ hasText: '晓燕，通江县的许可清单这周能整理好吗？' }).waitFor();
    await g.getByTestId('composer-input').fill('周四前发给您。');
    await g.getByTestId('composer-input').press('Enter');
    await page.getByTestId('message-body').filter({ hasText: '周四前发给您。' }).waitFor();

    // 程永 is in the group but not in the discussion: not in his list, not in the group's panel, not by address.
    const c = cheng.page;
    await c.goto(`/#/chat/${groupConversationId}`);
    await c.getByTestId('conversation-title').filter({ hasText: DEMO_GROUP }).waitFor();
    await c.getByTestId('conversation-item').first().waitFor();
    expect(await c.getByTestId('conversation-name').allTextContents()).not.toContain(TOPIC);
    await c.getByTestId('toggle-discussions').click();
    await c.getByTestId('discussions-panel').locator('[data-testid=discussion-item], [data-testid=empty]').first().waitFor();
    expect(await c.getByTestId('discussion-topic').allTextContents()).not.toContain(TOPIC);
    await c.goto(discussionUrl.slice(discussionUrl.indexOf('#')).replace(/^/, '/'));
    await c.getByTestId('conversation-missing').waitFor();

    // Archived: read-only for both, the composer gone; reopened: writable again.
    await page.getByTestId('toggle-members').click();
    await page.getByTestId('discussion-archive').click();
    await page.getByTestId('discussion-archived').waitFor();
    expect(await page.getByTestId('composer').isHidden()).toBe(true);
    await g.getByTestId('discussion-archived').waitFor();
    expect(await g.getByTestId('composer').isHidden()).toBe(true);
    await page.getByTestId('discussion-reopen').click();
    await g.getByTestId('composer-input').waitFor();
    expect(await g.getByTestId('discussion-archived').isHidden()).toBe(true);

    expect(li.errors).toEqual([]);
    expect(gou.errors).toEqual([]);
  });
});
