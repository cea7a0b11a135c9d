/**
 * Layout and forms (issue 16, item 8): the header of a system admin with two-digit badges stays on
 * one line at 1366 px; the meeting form's date-time and URL inputs look like the other inputs and
 * 添加附件 is an inline button; the meeting form and registration show every field error at once,
 * each next to its field (aria-invalid, aria-describedby).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';
import { sql } from '../helpers/demo.js';

let app: TestApp;
const session = new BrowserSession(() => app);
const client = apiClient(() => app);
let groupId: string;
let conversationId: string;

beforeAll(async () => {
  app = await startTestApp();
  await session.launch();
  const [group] = await sql<{ id: string; conversation_id: string }>(app.orm, `select id, conversation_id from chat_group where name = '政务服务工作交流'`);
  groupId = group.id;
  conversationId = group.conversation_id;
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

/** Each field's error is shown, the control marked invalid and described by that error. */
async function expectFieldErrors(page: Page, names: string[]): Promise<void> {
  for (const name of names) {
    const error = page.getByTestId(`error-${name}`);
    await error.waitFor();
    expect((await error.textContent())?.trim(), name).not.toBe('');
    const control = page.getByTestId(`input-${name}`);
    expect(await control.getAttribute('aria-invalid'), name).toBe('true');
    const errorId = await error.getAttribute('id');
    expect((await control.getAttribute('aria-describedby'))?.split(' '), name).toContain(errorId);
  }
}

describe('layout and forms', () => {
  test('a system admin with two-digit badges keeps the header on one line at 1366 px', async () => {
    await client.signIn('lijinsong');
    await client.signIn('zhaomin');
    // 12 unread messages (the 消息 badge counts unread messages of the viewer's conversations) and
    // 12 notifications (the bell counts unread ones: here @-mentions in forum replies).
    for (let i = 1; i <= 12; i++) await client.sendByApi('lijinsong', conversationId, `第 ${i} 条工作提醒`);
    const [thread] = await sql<{ id: string }>(app.orm, `select id from thread where group_id = ? order by created_at limit 1`, [groupId]);
    for (let i = 1; i <= 12; i++) {
      await client.api('lijinsong', `mutation($t: ID!, $b: String!, $m: [ID!]) { replyToThread(threadId: $t, body: $b, mentionUserIds: $m) { id } }`, { t: thread.id, b: `@赵敏 请看第 ${i} 点`, m: [client.ids.zhaomin] });
    }

    const { page, errors } = await session.openAs('zhaomin', '赵敏', { viewport: { width: 1366, height: 768 } });
    await page.getByTestId('nav-groups').click();
    await expect.poll(() => page.getByTestId('nav-unread').textContent()).toMatch(/^\d\d$/);
    await expect.poll(() => page.getByTestId('bell-count').textContent()).toMatch(/^\d\d$/);
    await page.getByTestId('nav-orgImport').waitFor();

    // Chinese text must render at its real width for this to mean anything (Debian: fonts-wqy-microhei).
    const glyph = await page.getByTestId('nav-myThreads').evaluate((a) => {
      const range = document.createRange();
      range.selectNodeContents(a);
      return range.getBoundingClientRect().width / (a.textContent!.length * parseFloat(getComputedStyle(a).fontSize));
    });
    expect(glyph, 'a CJK font is installed').toBeGreaterThan(0.9);

    // One line: the bar is as tall as its tallest part, and brand, navigation and user box share one middle.
    const bar = await page.locator('.topbar-inner').evaluate((inner) => {
      const style = getComputedStyle(inner);
      const parts = [...inner.children].map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0);
      return {
        height: inner.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
        minHeight: parseFloat(style.minHeight) - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
        tallest: Math.max(...parts.map((r) => r.height)),
        middles: parts.map((r) => Math.round(r.top + r.height / 2)),
      };
    });
    expect(bar.height).toBeLessThanOrEqual(Math.max(bar.tallest, bar.minHeight) + 1);
    expect(Math.max(...bar.middles) - Math.min(...bar.middles)).toBeLessThanOrEqual(1);
    const navTops = await page.locator('.nav-link').evaluateAll((links) => links.map((a) => Math.round(a.getBoundingClientRect().top)));
    expect(navTops).toHaveLength(9);
    expect(new Set(navTops).size).toBe(1);
    expect(errors).toEqual([]);
  });

  test('the meeting form styles every input alike, 添加附件 is inline, and shows all errors at once', async () => {
    const { page, errors } = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 900 } });
    await page.goto(`/#/meetings/new/${groupId}`);
    await page.getByTestId('meeting-submit').waitFor();

    const look = (testid: string) =>
      page.getByTestId(testid).evaluate((el) => {
        const s = getComputedStyle(el);
        return { border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`, radius: s.borderTopLeftRadius, padding: s.padding, minHeight: s.minHeight, width: el.getBoundingClientRect().width, font: s.fontSize };
      });
    const text = await look('input-title');
    expect(await look('input-startsAt')).toEqual(text);
    expect(await look('input-endsAt')).toEqual(text);
    expect(await look('input-onlineUrl')).toEqual(text);

    const formWidth = await page.locator('[data-testid=meeting-form-page] form').evaluate((el) => el.getBoundingClientRect().width);
    const attachWidth = await page.getByTestId('attach-add').evaluate((el) => el.getBoundingClientRect().width);
    expect(attachWidth).toBeLessThan(formWidth / 3);

    // Nothing filled in: every missing field says so at once.
    await page.getByTestId('meeting-submit').click();
    await expectFieldErrors(page, ['title', 'startsAt', 'endsAt', 'place']);
    // The first of them takes the focus.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('input-title');
    // Fixing one clears only its own error on the next submit.
    await page.getByTestId('input-title').fill('窗口服务规范研讨会');
    await page.getByTestId('meeting-submit').click();
    await expectFieldErrors(page, ['startsAt', 'endsAt', 'place']);
    expect(await page.getByTestId('error-title').isHidden()).toBe(true);
    expect(await page.getByTestId('input-title').getAttribute('aria-invalid')).toBeNull();
    expect(errors).toEqual([]);
  });

  test('registration shows every field error at once', async () => {
    const page = await (await session.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto('/#/register');
    await page.getByTestId('register-submit').waitFor();
    await page.getByTestId('input-password').fill('short');
    await page.getByTestId('input-confirm').fill('different');
    await page.getByTestId('register-submit').click();
    await expectFieldErrors(page, ['loginName', 'password', 'confirm', 'realName', 'unitId', 'title']);
    expect(await page.getByTestId('error-password').textContent()).toContain('至少');
    expect(await page.getByTestId('error-confirm').textContent()).toContain('不一致');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('input-loginName');
  });
});
