/**
 * Browser tests of confidentiality on screen: the viewer's watermark covers the whole window
 * while a (one-line) internal message is in view, lets clicks through and goes when no such
 * content is shown; and a group's owner raises a message's and a thread's level from the web,
 * confirming a dialog that says what changes, while a member sees the change live.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';

const GROUP_NAME = '水印测试群';
const OTHER_GROUP = '普通交流群';
const VIEWPORT = { width: 1280, height: 800 };

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, makeGroup, sendByApi } = apiClient(() => app);
let conversationId: string;
let groupId: string;
let otherConversationId: string;

const message = (page: Page, text: string) => page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(text, { exact: true }) });

interface Overlay {
  shown: boolean;
  rect: { x: number; y: number; width: number; height: number };
  text: string;
  image: string;
  pointerEvents: string;
}

/** The window's watermark as drawn now (after a few frames: it follows what is in view). */
async function overlayOf(page: Page): Promise<Overlay | null> {
  return page.evaluate(async () => {
    for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
    const el = document.querySelector<HTMLElement>('[data-testid=watermark-overlay]');
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return {
      shown: !el.hidden && style.display !== 'none' && style.visibility !== 'hidden',
      rect: { x: r.x, y: r.y, width: r.width, height: r.height },
      text: el.dataset.watermark ?? '',
      image: decodeURIComponent(style.backgroundImage),
      pointerEvents: style.pointerEvents,
    };
  });
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong'].map(signIn));
  ({ groupId, conversationId } = await makeGroup('lijinsong', GROUP_NAME, ['chengyong'], { purpose: '测试水印', rules: '遵守保密守则。' }));
  ({ conversationId: otherConversationId } = await makeGroup('lijinsong', OTHER_GROUP, ['chengyong'], { purpose: '普通交流', rules: '文明交流。' }));
  await api('lijinsong', `mutation($c: ID!) { sendMessage(conversationId: $c, body: "明早八点到岗", clientMessageId: "wmark-0001", confidentiality: INTERNAL) { id } }`, { c: conversationId });
  await sendByApi('lijinsong', otherConversationId, '大家周末愉快');
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('confidentiality on screen', () => {
  test('one short internal message: the viewer’s watermark covers the window, lets clicks through, and goes with the content', async () => {
    const { page, errors } = await session.openAs('chengyong', '程永', { viewport: VIEWPORT });
    await page.goto(`/#/chat/${conversationId}`);
    await message(page, '明早八点到岗').waitFor();

    const overlay = await overlayOf(page);
    expect(overlay?.shown).toBe(true);
    expect(overlay!.rect).toEqual({ x: 0, y: 0, width: VIEWPORT.width, height: VIEWPORT.height });
    expect(overlay!.text).toMatch(/^程永 巴中市政务服务中心 \d{4}-\d{2}-\d{2}$/);
    expect(overlay!.image).toContain('data:image/svg+xml');
    expect(overlay!.image).toContain('程永 巴中市政务服务中心');
    expect(overlay!.pointerEvents).toBe('none');
    // Drawn from the top of each tile: the first line of text is well within a short message's height.
    expect(overlay!.image).toMatch(/<text x="\d+" y="([1-6]\d)"/);

    // Clicks reach the page beneath: the composer takes focus through it.
    const box = page.getByTestId('composer-input');
    const at = await box.boundingBox();
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.getAttribute('data-testid') ?? null, [at!.x + at!.width / 2, at!.y + at!.height / 2])).toBe('composer-input');
    await box.click();
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);

    // Another conversation with only normal messages: no watermark.
    await page.goto(`/#/chat/${otherConversationId}`);
    await message(page, '大家周末愉快').waitFor();
    await expect.poll(async () => (await overlayOf(page))?.shown ?? false).toBe(false);
    expect(errors).toEqual([]);
  });

  test('the owner raises a message to 内部 after a confirmation; the member sees it live, without the action', async () => {
    await sendByApi('lijinsong', conversationId, '下周一上报统计表');
    const li = await session.openAs('lijinsong', '李劲松', { viewport: VIEWPORT });
    const cheng = await session.openAs('chengyong', '程永', { viewport: VIEWPORT });
    for (const { page } of [li, cheng]) {
      await page.goto(`/#/chat/${conversationId}`);
      await message(page, '下周一上报统计表').waitFor();
    }
    // A member is not offered the action; the owner is.
    const onCheng = message(cheng.page, '下周一上报统计表');
    await onCheng.hover();
    await onCheng.getByTestId('action-react').waitFor();
    expect(await onCheng.getByTestId('action-raise').count()).toBe(0);

    const onLi = message(li.page, '下周一上报统计表');
    expect(await onLi.getByTestId('level-badge').count()).toBe(0);
    await onLi.hover();
    await onLi.getByTestId('action-raise').click();
    const dialog = li.page.getByTestId('raise-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('这条消息当前为「普通」');
    expect(await dialog.getByTestId('raise-effect').textContent()).toMatch(/^将这条消息由「普通」提高为「内部」：.*不再出现在通知预览和搜索摘要中/);
    await dialog.getByTestId('raise-level-restricted').check();
    expect(await dialog.getByTestId('raise-effect').textContent()).toMatch(/提高为「受限」：只有作者、下面勾选的成员和群主、管理员可以查看/);
    await dialog.getByTestId('raise-member').first().waitFor();
    // Cancel changes nothing.
    await dialog.getByTestId('raise-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await onLi.getByTestId('level-badge').count()).toBe(0);

    await onLi.hover();
    await onLi.getByTestId('action-raise').click();
    await dialog.getByTestId('raise-level-internal').check();
    await dialog.getByTestId('raise-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => onLi.getByTestId('level-badge').textContent()).toBe('内部');
    // Live for the member: badge and watermark mark.
    await expect.poll(async () => (await onCheng.getByTestId('level-badge').textContent().catch(() => null)) ?? '').toBe('内部');
    expect(await onCheng.getByTestId('message-body').getAttribute('data-watermark')).toMatch(/^程永 /);
    // 受限 is still above 内部: the action stays for the owner, offering only 受限 now.
    await onLi.hover();
    await onLi.getByTestId('action-raise').click();
    expect(await dialog.getByTestId('raise-level-internal').count()).toBe(0);
    await dialog.getByTestId('raise-cancel').click();
    expect([...li.errors, ...cheng.errors]).toEqual([]);
  });

  test('the owner raises a thread to 受限 naming nobody; a member then cannot open it', async () => {
    const { createBoard } = await api<{ createBoard: { id: string } }>('lijinsong', `mutation($g: ID!) { createBoard(groupId: $g, name: "工作交流") { id } }`, { g: groupId });
    const { createThread } = await api<{ createThread: { id: string } }>(
      'lijinsong',
      `mutation($b: ID!) { createThread(input: { boardId: $b, title: "年度考核安排", body: "请各单位按时提交材料。" }) { id } }`,
      { b: createBoard.id },
    );
    const li = await session.openAs('lijinsong', '李劲松', { viewport: VIEWPORT });
    await li.page.goto(`/#/thread/${createThread.id}`);
    await li.page.getByTestId('thread-raise').click();
    const dialog = li.page.getByTestId('raise-dialog');
    await dialog.getByTestId('raise-level-restricted').check();
    expect(await dialog.getByTestId('raise-effect').textContent()).toMatch(/^将这个帖子由「普通」提高为「受限」/);
    await dialog.getByTestId('raise-member').first().waitFor();
    // The author (the owner here) is not among those to tick.
    expect(await dialog.getByTestId('raise-member').evaluateAll((els) => els.map((el) => el.getAttribute('data-name')))).toEqual(['程永']);
    await dialog.getByTestId('raise-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => li.page.getByTestId('thread-title').locator('..').getByTestId('level-badge').textContent()).toBe('受限');
    // No level above 受限: no action any more.
    expect(await li.page.getByTestId('thread-raise').count()).toBe(0);

    const cheng = await session.openAs('chengyong', '程永', { viewport: VIEWPORT });
    await cheng.page.goto(`/#/thread/${createThread.id}`);
    await cheng.page.getByTestId('thread-missing').waitFor();
    expect(await cheng.page.content()).not.toContain('请各单位按时提交材料');
    expect(li.errors).toEqual([]);
  });
});
