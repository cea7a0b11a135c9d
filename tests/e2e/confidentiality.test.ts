/**
 * Browser tests of 保密标识 and 保密提醒: the confirmation dialog on a sensitive message (cancel
 * puts the text back; confirm sends it as 内部), the per-viewer watermark (real name, unit, date)
 * over internal content drawn under the strict CSP, and a 受限 message chosen with the member
 * picker that a non-listed member sees only as a placeholder, live.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';

const GROUP_NAME = '保密提醒测试群';

let app: TestApp;
const session = new BrowserSession(() => app);
const { signIn, makeGroup } = apiClient(() => app);
let conversationId: string;

/** Signed in, with the test group's conversation open. */
async function openAs(loginName: string, realName: string): Promise<Opened> {
  const opened = await session.openAs(loginName, realName, { viewport: { width: 1280, height: 800 } });
  const { page } = opened;
  await page.goto(`/#/chat/${conversationId}`);
  await page.getByTestId('conversation-title').filter({ hasText: GROUP_NAME }).waitFor();
  await page.getByTestId('composer-input').waitFor();
  return opened;
}

const message = (page: Page, text: string) => page.getByTestId('message').filter({ has: page.getByTestId('message-body').getByText(text, { exact: true }) });

/** The watermark a message body is marked with, and what the window's watermark overlay draws while it is in view ('none' for normal content). */
async function watermarkOf(page: Page, text: string): Promise<{ text: string | undefined; image: string }> {
  const body = message(page, text).getByTestId('message-body');
  return body.evaluate(async (el) => {
    // The overlay follows what is in view from the next frame on.
    for (let i = 0; i < 3; i++) await new Promise(requestAnimationFrame);
    const overlay = document.querySelector<HTMLElement>('[data-testid=watermark-overlay]');
    const marked = (el as HTMLElement).dataset.watermark;
    return { text: marked, image: marked && overlay && !overlay.hidden ? getComputedStyle(overlay).backgroundImage : 'none' };
  });
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'chengyong', 'gouxiaoyan'].map(signIn));
  ({ conversationId } = await makeGroup('lijinsong', GROUP_NAME, ['chengyong', 'gouxiaoyan'], { purpose: '测试保密提醒', rules: '遵守保密守则。' }));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('confidentiality in the browser', () => {
  test('the 保密提醒 dialog: cancel returns the text, confirm sends it as 内部 with each viewer’s watermark', async () => {
    const li = await openAs('lijinsong', '李劲松');
    const cheng = await openAs('chengyong', '程永');
    const box = li.page.getByTestId('composer-input');

    await box.fill('我的电话13881612345，有事联系');
    await box.press('Enter');
    const dialog = li.page.getByTestId('sensitive-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('sensitive-match').allTextContents()).toEqual(['手机号码 138****2345']);
    await dialog.getByTestId('sensitive-cancel').click();
    await expect.poll(() => box.inputValue()).toBe('我的电话13881612345，有事联系');
    expect(await li.page.getByTestId('message-pending').count()).toBe(0);

    const text = '这份材料属于机密，请勿外传';
    await box.fill(text);
    await box.press('Enter');
    await dialog.waitFor();
    expect(await dialog.getByTestId('sensitive-match').allTextContents()).toEqual(['敏感词「机密」']);
    await dialog.getByTestId('sensitive-confirm').click();
    await message(li.page, text).waitFor();
    expect(await message(li.page, text).getByTestId('level-badge').textContent()).toBe('内部');
    const mine = await watermarkOf(li.page, text);
    expect(mine.text).toMatch(/^李劲松 巴中市政务服务中心 \d{4}-\d{2}-\d{2}$/);
    expect(mine.image).toContain('data:image/svg+xml');
    expect(decodeURIComponent(mine.image)).toContain('李劲松 巴中市政务服务中心');

    // The other member sees it live, watermarked with their own name.
    await message(cheng.page, text).waitFor();
    const theirs = await watermarkOf(cheng.page, text);
    expect(theirs.text).toMatch(/^程永 巴中市政务服务中心 /);
    expect(decodeURIComponent(theirs.image)).toContain('程永');
    // Normal messages carry no watermark.
    await box.fill('普通消息，不加水印');
    await box.press('Enter');
    await message(cheng.page, '普通消息，不加水印').waitFor();
    expect((await watermarkOf(cheng.page, '普通消息，不加水印')).image).toBe('none');
    // No CSP violation or script error on either page.
    expect([...li.errors, ...cheng.errors]).toEqual([]);
  });

  test('a 受限 message chosen with the member picker reaches the named member; others see a placeholder, live', async () => {
    const li = await openAs('lijinsong', '李劲松');
    const cheng = await openAs('chengyong', '程永');
    const gou = await openAs('gouxiaoyan', '苟晓燕');
    await li.page.getByTestId('level-select').selectOption('RESTRICTED');
    const picker = li.page.getByTestId('audience-picker');
    await picker.getByTestId('audience-member').first().waitFor();
    await picker.locator('[data-testid=audience-member][data-name=苟晓燕]').check();
    const text = '通江县材料请苟晓燕单独报送';
    const box = li.page.getByTestId('composer-input');
    await box.fill(text);
    await box.press('Enter');
    await message(li.page, text).waitFor();
    expect(await message(li.page, text).getByTestId('level-badge').textContent()).toBe('受限');
    await message(gou.page, text).waitFor();
    expect((await watermarkOf(gou.page, text)).text).toMatch(/^苟晓燕 通江县政务服务中心 /);
    // 程永 is not named (and not an admin): a placeholder at that place, never the text.
    await cheng.page.getByTestId('message-restricted').last().waitFor();
    expect(await cheng.page.content()).not.toContain(text);
    // The selector is back to 普通 for the next message.
    expect(await li.page.getByTestId('level-select').inputValue()).toBe('NORMAL');
    expect([...li.errors, ...cheng.errors, ...gou.errors]).toEqual([]);
  });
});
