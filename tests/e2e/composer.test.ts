/**
 * Browser tests of the chat composer and the 格式 of posts, in the demo group 政务服务工作交流
 * (owner 李劲松, member 苟晓燕):
 * - a mute, its lifting and its end reach the member's open page: the composer closes with
 *   「您已被禁言至 …」 (Beijing time) and opens again, without a reload;
 * - http(s) addresses in messages are links (new tab, no referrer); javascript: and data: are not;
 * - text pasted past the length limit is kept whole, the composer says by how much it is over
 *   and does not send it;
 * - no "Markdown" on screen: the BBS editor says 格式 and has 加粗、列表、表格、链接、引用 buttons;
 * - @ in a group larger than one page of members finds any member through the server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';
import { sql } from '../helpers/demo.js';

const GROUP_NAME = '政务服务工作交流';
const LIMIT = 4000;

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, ids, sendByApi } = apiClient(() => app);
let groupId: string;
let conversationId: string;

const noReload = (page: Page) => page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
const stillSamePage = (page: Page) => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

async function openChat(loginName: string, realName: string): Promise<Opened> {
  const opened = await session.openAs(loginName, realName, { viewport: { width: 1280, height: 800 } });
  await opened.page.goto(`/#/chat/${conversationId}`);
  await opened.page.getByTestId('conversation-title').filter({ hasText: GROUP_NAME }).waitFor();
  await opened.page.getByTestId('composer-input').waitFor();
  await noReload(opened.page);
  return opened;
}

/** The end of a mute as the page shows it (Asia/Shanghai). */
const shanghai = (at: Date) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(at);

async function mutedUntil(loginName: string): Promise<Date> {
  const [row] = await sql<{ muted_until: Date }>(app.orm, `select gm.muted_until from group_member gm join app_user u on u.id = gm.user_id where gm.group_id = ? and u.login_name = ?`, [groupId, loginName]);
  return new Date(row.muted_until);
}

beforeAll(async () => {
  app = await startTestApp();
  [{ id: groupId, conversation_id: conversationId }] = await sql<{ id: string; conversation_id: string }>(app.orm, `select id, conversation_id from chat_group where name = ?`, [GROUP_NAME]);
  await Promise.all(['lijinsong', 'gouxiaoyan', 'ningzhiyuan'].map(signIn));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('a mute reaches the open composer', () => {
  test('muted, unmuted, and a mute that ends: the composer follows without a reload', async () => {
    const { page, errors } = await openChat('gouxiaoyan', '苟晓燕');
    const box = page.getByTestId('composer-input');
    const notice = page.getByTestId('composer-disabled');
    expect(await box.isEnabled()).toBe(true);

    await api('lijinsong', `mutation($g: ID!, $u: ID!) { muteMember(groupId: $g, userId: $u, minutes: 60, reason: IMPROPER, note: "测试禁言") { id } }`, { g: groupId, u: ids.gouxiaoyan });
    await expect.poll(() => box.isDisabled()).toBe(true);
    expect(await notice.textContent()).toBe(`您已被禁言至 ${shanghai(await mutedUntil('gouxiaoyan'))}`);
    expect(await page.getByTestId('send').isDisabled()).toBe(true);

    await api('lijinsong', `mutation($g: ID!, $u: ID!) { unmuteMember(groupId: $g, userId: $u, note: "已整改") }`, { g: groupId, u: ids.gouxiaoyan });
    await expect.poll(() => box.isEnabled()).toBe(true);
    expect(await notice.isHidden()).toBe(true);
    expect(await stillSamePage(page)).toBe(true);

    // A mute that ends a few seconds after the page loaded it: the composer opens by itself.
    await sql(app.orm, `update group_member set muted_until = now() + interval '4 seconds' where group_id = ? and user_id = ?`, [groupId, ids.gouxiaoyan]);
    await page.reload();
    await box.waitFor();
    await noReload(page);
    await expect.poll(() => box.isDisabled()).toBe(true);
    expect(await notice.textContent()).toMatch(/^您已被禁言至 /);
    await expect.poll(() => box.isEnabled(), { timeout: 12_000 }).toBe(true);
    expect(await stillSamePage(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('messages and the composer', () => {
  test('web addresses are links; javascript: and data: are not', async () => {
    const { page, errors } = await openChat('lijinsong', '李劲松');
    const text = '请访问https://www.gov.cn/zhengce/查看，另见 http://example.org/a?b=1 。javascript:alert(1) 与 data:text/html,hi 不是链接';
    await sendByApi('ningzhiyuan', conversationId, text);
    const body = page.getByTestId('message-body').filter({ hasText: '不是链接' });
    await body.waitFor();
    const links = await body.locator('a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent, target: a.getAttribute('target'), rel: a.getAttribute('rel') })));
    expect(links).toEqual([
      { href: 'https://www.gov.cn/zhengce/', text: 'https://www.gov.cn/zhengce/', target: '_blank', rel: 'noopener noreferrer nofollow' },
      { href: 'http://example.org/a?b=1', text: 'http://example.org/a?b=1', target: '_blank', rel: 'noopener noreferrer nofollow' },
    ]);
    // The whole text is still there, in order.
    expect(await body.textContent()).toBe(text);
    expect(errors).toEqual([]);
  });

  test('a paste past the limit is kept whole, said to be too long, and not sent', async () => {
    const { page, errors } = await openChat('lijinsong', '李劲松');
    const box = page.getByTestId('composer-input');
    const messages = await page.getByTestId('message').count();
    const long = '政'.repeat(LIMIT + 250);
    await box.focus();
    await page.keyboard.insertText(long);
    expect((await box.inputValue()).length).toBe(long.length);
    await expect.poll(() => page.getByTestId('composer-over').textContent()).toBe(`消息最多 ${LIMIT} 字，已超出 250 字`);
    // Neither Enter nor 发送 asks the server to send it (watched at the request, not by waiting).
    const sends: string[] = [];
    const watch = (request: Request) => {
      if (request.method() === 'POST' && /\/graphql$/.test(new URL(request.url()).pathname) && /\bsendMessage\b/.test(request.postData() ?? '')) sends.push(request.postData()!);
    };
    page.on('request', watch);
    await box.press('Enter');
    await page.getByTestId('send').click();
    expect(await page.getByTestId('message').count()).toBe(messages);
    expect((await box.inputValue()) === long).toBe(true);
    expect(await page.getByTestId('composer-over').textContent()).toContain('已超出 250 字');
    // Shortened to the limit: the notice goes and it sends.
    await box.fill('政'.repeat(LIMIT));
    expect(await page.getByTestId('composer-over').isHidden()).toBe(true);
    await box.press('Enter');
    await expect.poll(() => page.getByTestId('message').count()).toBe(messages + 1);
    // The watch sees a send: exactly this one, the shortened text.
    page.off('request', watch);
    expect(sends).toHaveLength(1);
    expect(JSON.parse(sends[0]).variables.body).toBe('政'.repeat(LIMIT));
    expect(errors).toEqual([]);
  });
});

describe('格式, not Markdown', () => {
  test('the BBS editor offers 加粗、列表、表格、链接、引用 by keyboard; the post shows them', async () => {
    const [{ id: threadId }] = await sql<{ id: string }>(app.orm, `select id from thread where title = ?`, ['省级政府规章可以设定行政许可吗？']);
    const { page, errors } = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 800 } });
    await page.goto(`/#/thread/${threadId}`);
    const editor = page.getByTestId('reply-editor');
    const body = editor.getByTestId('editor-body');
    await body.waitFor();
    const visibleWords = await page.evaluate(() =>
      [document.body.innerText, ...[...document.querySelectorAll('[placeholder],[title],[aria-label]')].flatMap((el) => ['placeholder', 'title', 'aria-label'].map((a) => el.getAttribute(a) ?? ''))].join('\n'),
    );
    expect(visibleWords).not.toMatch(/markdown/i);
    const toolbar = editor.getByTestId('format-toolbar');
    expect(await toolbar.getAttribute('aria-label')).toBe('格式');
    expect(await toolbar.getByRole('button').allTextContents()).toEqual(['加粗', '列表', '表格', '链接', '引用']);

    // 加粗 around the selection, chosen by keyboard (Tab from the text box's toolbar).
    await body.fill('请各县区注意重要事项');
    await body.evaluate((t: HTMLTextAreaElement) => t.setSelectionRange(6, 10));
    await editor.getByTestId('format-bold').focus();
    await page.keyboard.press('Enter');
    expect(await body.inputValue()).toBe('请各县区注意**重要事项**');
    // 列表 on two new lines, 引用 on a third.
    await body.press('End');
    await page.keyboard.insertText('\n一、材料齐全\n二、当日办结');
    const value = await body.inputValue();
    await body.evaluate((t: HTMLTextAreaElement, from: number) => t.setSelectionRange(from, t.value.length), value.indexOf('一'));
    await editor.getByTestId('format-list').focus();
    await page.keyboard.press('Space');
    expect(await body.inputValue()).toBe('请各县区注意**重要事项**\n- 一、材料齐全\n- 二、当日办结');
    await body.press('End');
    await page.keyboard.insertText('\n\n');
    await editor.getByTestId('format-quote').click();
    expect(await body.inputValue()).toMatch(/\n\n> 引用的文字$/);
    await page.keyboard.insertText('以省政府通知为准');
    await editor.getByTestId('editor-submit').click();
    const floor = page.getByTestId('floor').filter({ hasText: '以省政府通知为准' });
    await floor.getByTestId('floor-body').waitFor();
    expect(await floor.locator('strong').filter({ hasText: '重要事项' }).count()).toBe(1);
    expect(await floor.locator('li').allTextContents()).toEqual(['一、材料齐全', '二、当日办结']);
    expect(await floor.locator('blockquote').textContent()).toContain('以省政府通知为准');
    expect(errors).toEqual([]);
  });
});

describe('@ in a large group', () => {
  test('finds a member beyond the loaded pages by part of the name or login name, asking the server', async () => {
    // 130 more members (more than a page of 100), and 欧阳明轩 who joined last.
    await sql(
      app.orm,
      `insert into app_user (id, login_name, real_name, unit_id, title, status, password_hash, password_changed_at, created_at, updated_at)
       select gen_random_uuid(), 'bulk' || i, '批量成员' || i, unit_id, '科员', 'active', password_hash, now(), now(), now()
       from app_user, generate_series(1, 130) i where login_name = 'lijinsong'
       union all
       select gen_random_uuid(), 'ouyangmingxuan', '欧阳明轩', unit_id, '副科长', 'active', password_hash, now(), now(), now() from app_user where login_name = 'lijinsong'`,
    );
    await sql(
      app.orm,
      `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at)
       select ?, u.id, 'member', now() + (row_number() over (order by u.login_name = 'ouyangmingxuan', u.login_name)) * interval '1 second', now()
       from app_user u where u.login_name like 'bulk%' or u.login_name = 'ouyangmingxuan'`,
      [groupId],
    );
    await sql(app.orm, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) select ?, u.id, 0, now() from app_user u where u.login_name like 'bulk%' or u.login_name = 'ouyangmingxuan'`, [conversationId]);
    await sql(app.orm, `update chat_group set member_count = (select count(*) from group_member where group_id = ?) where id = ?`, [groupId, groupId]);

    const { page, errors } = await openChat('lijinsong', '李劲松');
    const memberPages: unknown[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON?.() as { query?: string; variables?: { after?: string | null } } | null;
      if (body?.query?.includes('query GroupMembers') && body.variables?.after) memberPages.push(body.variables.after);
    });
    const box = page.getByTestId('composer-input');
    const option = page.getByTestId('mention-option');
    for (const typed of ['@yangming', '@明轩']) {
      await box.fill('');
      await box.pressSequentially(typed, { delay: 20 });
      await option.filter({ hasText: '欧阳明轩' }).waitFor();
      expect(await option.count()).toBe(1);
    }
    await box.press('Enter');
    expect(await box.inputValue()).toBe('@欧阳明轩 ');
    // Found through the server, not by loading every page of members.
    expect(memberPages).toEqual([]);
    expect(errors).toEqual([]);
  });
});
