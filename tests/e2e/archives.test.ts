/**
 * Browser test of archives (档案导出) against the real server, whose scheduler builds the export:
 * 李劲松, owner of 政务服务工作交流, opens 导出档案 from the group's side panel, requests the
 * archive for the last 30 days, waits for 完成 and downloads the ZIP. The test unzips it into a
 * temp folder and opens index.html from disk (file://) in Chromium: the Chinese headings and a
 * message are shown, and markup a member sent stays text (no script runs).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';
import { unzip } from '../helpers/zip.js';

const DEMO_GROUP = '政务服务工作交流';
const MESSAGE = '档案浏览器测试：请各县区于周五前报送窗口服务规范';
const HOSTILE = '<script>window.__archivePwned = 1</script><img src=x onerror="window.__archivePwned = 2">';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, sendByApi } = apiClient(() => app);
let groupId: string;
let conversationId: string;
let folder: string;

beforeAll(async () => {
  app = await startTestApp({ scheduler: { pollMs: 200 } });
  await Promise.all(['lijinsong', 'gouxiaoyan'].map(signIn));
  const { myGroups } = await api<{ myGroups: Array<{ id: string; name: string; conversation: { id: string } }> }>('lijinsong', `{ myGroups { id name conversation { id } } }`);
  const demo = myGroups.find((g) => g.name === DEMO_GROUP)!;
  groupId = demo.id;
  conversationId = demo.conversation.id;
  await sendByApi('gouxiaoyan', conversationId, MESSAGE);
  await sendByApi('gouxiaoyan', conversationId, HOSTILE);
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'jiaoliu-archive-'));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
  if (folder) await fs.rm(folder, { recursive: true, force: true });
});

describe('archives in the browser', () => {
  test('the owner exports the group archive, downloads it when 完成, and the unzipped index.html opens offline with no script', async () => {
    const li = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = li.page;

    // The group's side panel offers 导出档案 to its owner.
    await page.goto(`/#/chat/${conversationId}`);
    await page.getByTestId('toggle-rules').click();
    await page.getByTestId('group-archive').click();
    await page.waitForURL(new RegExp(`#/groups/${groupId}/archive$`));
    await page.getByRole('heading', { name: `${DEMO_GROUP} · 导出档案` }).waitFor();
    await page.getByTestId('empty').filter({ hasText: '还没有导出记录' }).waitFor();

    await page.getByTestId('archive-request').click();
    const item = page.getByTestId('archive-item').first();
    await item.getByTestId('archive-status').filter({ hasText: '完成' }).waitFor({ timeout: 30_000 });
    expect(await item.textContent()).toContain(`群组档案：${DEMO_GROUP}`);

    const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('archive-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^群组档案-政务服务工作交流-\d{4}-\d{2}-\d{2}\.zip$/);
    const entries = await unzip(await fs.readFile((await download.path())!));
    for (const [name, bytes] of entries) {
      await fs.mkdir(path.dirname(path.join(folder, name)), { recursive: true });
      await fs.writeFile(path.join(folder, name), bytes);
    }
    expect(li.errors).toEqual([]);

    // Offline, from the unzipped folder.
    const offline = await li.context.newPage();
    const pageErrors: string[] = [];
    offline.on('pageerror', (error) => pageErrors.push(error.message));
    offline.on('dialog', (dialog) => void dialog.dismiss());
    await offline.goto(pathToFileURL(path.join(folder, 'index.html')).href);
    await offline.getByRole('heading', { level: 1, name: `群组档案：${DEMO_GROUP}` }).waitFor();
    expect(await offline.getByText(/^导出人：李劲松/).first().isVisible()).toBe(true);
    expect(await offline.getByRole('heading', { name: '目录' }).isVisible()).toBe(true);

    await offline.getByRole('link', { name: '群聊消息' }).first().click();
    await offline.getByRole('heading', { level: 1, name: '群聊消息' }).waitFor();
    expect(offline.url()).toMatch(/^file:.*\/messages\.html$/);
    expect(await offline.getByText(MESSAGE).isVisible()).toBe(true);
    // The hostile message is shown as its text, and neither its script nor its handler ran.
    expect(await offline.getByText(HOSTILE).isVisible()).toBe(true);
    expect(await offline.evaluate(() => (window as unknown as { __archivePwned?: number }).__archivePwned)).toBeUndefined();
    expect(await offline.locator('script').count()).toBe(0);
    expect(await offline.locator('main img').count()).toBe(0);

    await offline.getByRole('link', { name: '会议通知' }).first().click();
    await offline.getByRole('heading', { level: 3, name: '三县一区政务服务工作交流会议' }).waitFor();
    expect(await offline.getByRole('heading', { name: '参会名单' }).first().isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  test('an official exports their own data from 我的资料', async () => {
    const gou = await session.openAs('gouxiaoyan', '苟晓燕', { viewport: { width: 390, height: 800 }, acceptDownloads: true });
    const page = gou.page;
    await page.goto('/#/me');
    await page.getByTestId('open-my-archives').click();
    await page.getByRole('heading', { name: '导出我的数据' }).waitFor();
    await page.getByTestId('archive-request-personal').click();
    const item = page.getByTestId('archive-item').first();
    await item.getByTestId('archive-status').filter({ hasText: '完成' }).waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('archive-download').click()]);
    const entries = await unzip(await fs.readFile((await download.path())!));
    const messages = JSON.parse(entries.get('data/messages.json')!.toString('utf8')) as Array<{ body: string; author: string }>;
    expect(messages.map((m) => m.body)).toContain(MESSAGE);
    expect(new Set(messages.map((m) => m.author))).toEqual(new Set(['苟晓燕']));
    expect(gou.errors).toEqual([]);
  }, 90_000);
});
