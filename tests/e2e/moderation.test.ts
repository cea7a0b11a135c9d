/**
 * Browser test of moderation: in the demo group 政务服务工作交流, its owner 李劲松 removes an
 * off-topic message through the message's 管理 menu; the author (苟晓燕) and another member
 * (宁志远) see the tombstone "该消息因「跑题」已被管理员移除" live, without reloading; the owner
 * can still read the original; the author finds it in 我的记录. In the BBS, 李劲松 removes a floor
 * 苟晓燕 posted (跑题) through the floor's 管理 menu; she sees the tombstone on reload, he still reads
 * the original and restores it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BrowserSession, type Opened } from '../helpers/browser.js';
import { sql } from '../helpers/demo.js';

const GROUP_NAME = '政务服务工作交流';
const OFF_TOPIC = '周末有人一起去钓鱼吗？青岛湖的鲫鱼很肥';

let app: TestApp;
const session = new BrowserSession(() => app);
let conversationId: string;

/** Signed in, with the demo group's conversation open and the window marked to detect reloads. */
async function openAs(loginName: string, realName: string): Promise<Opened> {
  const opened = await session.openAs(loginName, realName, { viewport: { width: 1280, height: 800 } });
  const { page } = opened;
  await page.goto(`/#/chat/${conversationId}`);
  await page.getByTestId('conversation-title').filter({ hasText: GROUP_NAME }).waitFor();
  await page.getByTestId('composer-input').waitFor();
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  return opened;
}

const message = (page: Page, text: string) => page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(text, { exact: true }) });

beforeAll(async () => {
  app = await startTestApp();
  [{ conversation_id: conversationId }] = await sql<{ conversation_id: string }>(app.orm, `select conversation_id from chat_group where name = ?`, [GROUP_NAME]);
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('removing an off-topic message', () => {
  test('the owner removes it and the author and another member see the tombstone live', async () => {
    const author = await openAs('gouxiaoyan', '苟晓燕');
    const other = await openAs('ningzhiyuan', '宁志远');
    const owner = await openAs('lijinsong', '李劲松');

    const box = author.page.getByTestId('composer-input');
    await box.fill(OFF_TOPIC);
    await box.press('Enter');
    for (const { page } of [author, other, owner]) await message(page, OFF_TOPIC).waitFor();

    const target = message(owner.page, OFF_TOPIC);
    await target.hover();
    await target.getByTestId('action-moderate').click();
    await owner.page.getByTestId('moderate-remove').click();
    const dialog = owner.page.getByTestId('moderation-dialog');
    await dialog.getByTestId('moderation-reason').selectOption('OFF_TOPIC');
    await dialog.getByTestId('moderation-note').fill('与工作无关，请到私聊');
    await dialog.getByTestId('moderation-submit').click();
    await dialog.waitFor({ state: 'detached' });

    const notice = '该消息因「跑题」已被管理员移除';
    for (const { page } of [author, other]) {
      await page.getByTestId('message-removed').filter({ hasText: notice }).waitFor();
      expect(await page.getByText(OFF_TOPIC).count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true)).toBe(true);
    }
    // The owner still reads the original (per viewer, on reload of the history or at once).
    await owner.page.getByTestId('message-removed').filter({ hasText: notice }).waitFor();
    await owner.page.reload();
    await owner.page.getByTestId('message-removed-original').filter({ hasText: OFF_TOPIC }).waitFor();

    // The author's record holds the original text.
    await author.page.goto('/#/my/record');
    await author.page.getByTestId('record-removed').getByText(OFF_TOPIC).waitFor();
    for (const { errors } of [author, other, owner]) expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

describe('removing an off-topic BBS floor', () => {
  const FLOOR_TEXT = '这周末单位组织羽毛球比赛，有人报名吗？';
  const notice = '该回复因「跑题」已被管理员移除';
  const floorOf = (page: Page, text: string) => page.getByTestId('floor').filter({ hasText: text });

  test('the owner removes a floor; the author sees the tombstone on reload; the owner restores it', async () => {
    const [{ id: threadId }] = await sql<{ id: string }>(app.orm, `select id from thread where title = ?`, ['省级政府规章可以设定行政许可吗？']);
    const author = await openAs('gouxiaoyan', '苟晓燕');
    const owner = await openAs('lijinsong', '李劲松');

    // 苟晓燕 posts an off-topic floor.
    await author.page.goto(`/#/thread/${threadId}`);
    const editor = author.page.getByTestId('reply-editor');
    await editor.getByTestId('editor-body').fill(FLOOR_TEXT);
    await editor.getByTestId('editor-submit').click();
    const own = floorOf(author.page, FLOOR_TEXT);
    await own.getByTestId('floor-body').waitFor();
    // Not on one's own floor; the other floors may be reported.
    expect(await own.getByTestId('floor-report').count()).toBe(0);
    expect(await own.getByTestId('floor-moderate').count()).toBe(0);
    expect(await author.page.getByTestId('floor-report').count()).toBeGreaterThan(0);
    expect(await author.page.getByTestId('thread-report').count()).toBe(1);
    expect(await author.page.getByTestId('floor-moderate').count()).toBe(0);

    // 李劲松 removes it with 跑题.
    await owner.page.goto(`/#/thread/${threadId}`);
    const target = floorOf(owner.page, FLOOR_TEXT);
    await target.getByTestId('floor-body').waitFor();
    await target.getByTestId('floor-moderate').click();
    await owner.page.getByTestId('moderation-menu').getByTestId('moderate-warn').waitFor();
    await owner.page.getByTestId('moderate-remove').click();
    const dialog = owner.page.getByTestId('moderation-dialog');
    await dialog.getByTestId('moderation-reason').selectOption('OFF_TOPIC');
    await dialog.getByTestId('moderation-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await target.getByTestId('floor-removed').filter({ hasText: notice }).waitFor();
    // The owner still reads the original, also after a reload.
    await owner.page.reload();
    await target.getByTestId('floor-removed').filter({ hasText: notice }).waitFor();
    await target.getByTestId('floor-removed-original').filter({ hasText: FLOOR_TEXT }).waitFor();

    // 苟晓燕 sees the tombstone on reload, not her text.
    await author.page.reload();
    await author.page.getByTestId('floor-removed').filter({ hasText: notice }).waitFor();
    expect(await author.page.getByText(FLOOR_TEXT).count()).toBe(0);
    expect(await author.page.getByTestId('floor-restore').count()).toBe(0);

    // 李劲松 restores it; she reads it again.
    await target.getByTestId('floor-restore').click();
    await target.getByTestId('floor-removed').waitFor({ state: 'detached' });
    await target.getByTestId('floor-body').filter({ hasText: FLOOR_TEXT }).waitFor();
    expect(await target.getByTestId('floor-removed-original').count()).toBe(0);
    await author.page.reload();
    await floorOf(author.page, FLOOR_TEXT).getByTestId('floor-body').waitFor();
    expect(await author.page.getByTestId('floor-removed').count()).toBe(0);
    for (const { errors } of [author, owner]) expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
