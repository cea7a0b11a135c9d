/**
 * Browser test of moderation: in the demo group 政务服务工作交流, its owner 李劲松 removes an
 * off-topic message through the message's 管理 menu; the author (苟晓燕) and another member
 * (宁志远) see the tombstone "该消息因「跑题」已被管理员移除" live, without reloading; the owner
 * can still read the original; the author finds it in 我的记录.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/demo.js';

const PASSWORD = 'Jiaoliu@2026';
const GROUP_NAME = '政务服务工作交流';
const OFF_TOPIC = '周末有人一起去钓鱼吗？青岛湖的鲫鱼很肥';

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
let conversationId: string;

async function openAs(loginName: string, realName: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: app.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto('/#/login');
  await page.getByTestId('input-loginName').fill(loginName);
  await page.getByTestId('input-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('viewer-name').filter({ hasText: realName }).waitFor();
  await page.goto(`/#/chat/${conversationId}`);
  await page.getByTestId('conversation-title').filter({ hasText: GROUP_NAME }).waitFor();
  await page.getByTestId('composer-input').waitFor();
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  return { page, errors };
}

const message = (page: Page, text: string) => page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(text, { exact: true }) });

beforeAll(async () => {
  app = await startTestApp();
  [{ conversation_id: conversationId }] = await sql<{ conversation_id: string }>(app.orm, `select conversation_id from chat_group where name = ?`, [GROUP_NAME]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
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
