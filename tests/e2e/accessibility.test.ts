/**
 * axe-core over every main page of the UI (issue 16, item 15), as 李劲松 (owner of the demo group)
 * and as a guest on the login page. Fails on any serious or critical violation, listing each rule,
 * its help text and the elements it found.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { axeViolations, formatViolations } from '../helpers/axe.js';
import { BrowserSession } from '../helpers/browser.js';
import { sql } from '../helpers/demo.js';

let app: TestApp;
const session = new BrowserSession(() => app);
const VIEWPORT = { width: 1280, height: 900 };

/** Ids of the demo rows the pages are opened on. */
let demo: { groupId: string; conversationId: string; threadId: string; meetingId: string; announcementId: string };

beforeAll(async () => {
  app = await startTestApp();
  await session.launch();
  const [group] = await sql<{ id: string; conversation_id: string }>(app.orm, `select id, conversation_id from chat_group where name = '政务服务工作交流'`);
  const [thread] = await sql<{ id: string }>(app.orm, `select id from thread where group_id = ? and essence order by created_at limit 1`, [group.id]);
  const [meeting] = await sql<{ id: string }>(app.orm, `select id from meeting_notice order by created_at limit 1`);
  const [announcement] = await sql<{ id: string }>(app.orm, `select id from announcement where group_id = ? order by created_at limit 1`, [group.id]);
  demo = { groupId: group.id, conversationId: group.conversation_id, threadId: thread.id, meetingId: meeting.id, announcementId: announcement.id };
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

/** Opens `hash`, waits until the page has loaded (`ready`) and returns what axe reports there. */
async function audit(page: Page, where: string, hash: string, ready: (page: Page) => Promise<unknown>): Promise<string> {
  await page.goto(`/${hash}`);
  await ready(page);
  await page.getByTestId('loading').first().waitFor({ state: 'detached' });
  return formatViolations(where, await axeViolations(page));
}

const byTestId = (id: string) => (page: Page) => page.getByTestId(id).first().waitFor();

describe('accessibility (axe-core)', () => {
  test('the login page has no serious or critical violations', async () => {
    const page = await (await session.newContext({ viewport: VIEWPORT })).newPage();
    const report = await audit(page, '登录', '#/login', byTestId('login-form'));
    expect(report, report).toBe('');
  });

  test('every main page of a signed-in official has no serious or critical violations', async () => {
    const { page, errors } = await session.openAs('lijinsong', '李劲松', { viewport: VIEWPORT });
    const g = demo.groupId;
    const reports: string[] = [];
    reports.push(await audit(page, '消息', `#/chat/${demo.conversationId}`, byTestId('message')));
    await page.getByTestId('toggle-members').click();
    await page.getByTestId('group-member').first().waitFor();
    reports.push(formatViolations('消息 · 成员', await axeViolations(page)));
    // Named in the issue though of lesser impact: the panel's headings follow the page's, and the
    // composer's textarea keeps a role a textarea may have.
    reports.push(formatViolations('消息 · 成员', await axeViolations(page, ['heading-order', 'aria-allowed-role'])));
    reports.push(await audit(page, '群组', '#/groups', byTestId('group-open')));
    reports.push(await audit(page, '论坛', `#/groups/${g}/bbs`, byTestId('thread-row')));
    reports.push(await audit(page, '帖子', `#/thread/${demo.threadId}`, byTestId('thread-title')));
    reports.push(await audit(page, '群文件', `#/groups/${g}/files`, (p) => p.getByTestId('lib-doc').or(p.getByTestId('empty')).first().waitFor()));
    reports.push(await audit(page, '资料寻找', `#/groups/${g}/requests`, byTestId('requests')));
    reports.push(await audit(page, '会议公告', '#/meetings', byTestId('meetings-home')));
    reports.push(await audit(page, '会议通知', `#/meetings/${demo.meetingId}`, byTestId('meeting-page')));
    reports.push(await audit(page, '公告', `#/announcements/${demo.announcementId}`, byTestId('announcement-page')));
    reports.push(await audit(page, '搜索', `#/search?q=${encodeURIComponent('窗口')}`, byTestId('search-result')));
    reports.push(await audit(page, '通知', '#/notifications', byTestId('notifications-page')));
    reports.push(await audit(page, '通讯录', '#/directory', byTestId('directory-search')));
    reports.push(await audit(page, '我的资料', '#/me', byTestId('profile-name')));
    reports.push(await audit(page, '群管理 · 操作记录', `#/groups/${g}/moderation`, byTestId('audit-entry')));
    const report = reports.filter(Boolean).join('\n');
    expect(report, report).toBe('');
    expect(errors).toEqual([]);
  });
});
