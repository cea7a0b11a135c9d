/**
 * Browser test of meeting notices against the real server (fresh PostgreSQL with the demo data):
 * 李劲松 issues a notice to 三县一区 from the form, 宁志远 of 巴州区 sees it pinned, opens it and
 * answers 请假 with a reason, and the roster 李劲松 sees updates (已读, then 请假 with the reason).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BrowserSession, type Opened } from '../helpers/browser.js';

const TITLE = '三县一区窗口服务规范研讨会';
const COUNTIES = ['巴州区政务服务中心', '通江县政务服务中心', '南江县政务服务中心', '平昌县政务服务中心'];

let app: TestApp;
const session = new BrowserSession(() => app);

const openAs = (loginName: string, realName: string): Promise<Opened> => session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 } });

/** A datetime-local value `days` from now at `hour`:00, Beijing time. */
function beijing(days: number, hour: number): string {
  const day = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}

beforeAll(async () => {
  app = await startTestApp();
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('meeting notices in the browser', () => {
  test('李劲松 sends a notice to 三县一区; 宁志远 opens it and answers 请假; the roster updates', async () => {
    const li = await openAs('lijinsong', '李劲松');
    await li.page.getByTestId('nav-meetings').click();
    await li.page.getByTestId('meeting-group-link').filter({ hasText: '政务服务工作交流' }).click();
    await li.page.getByTestId('meeting-new').click();
    await li.page.getByTestId('input-title').fill(TITLE);
    await li.page.getByTestId('input-startsAt').fill(beijing(3, 9));
    await li.page.getByTestId('input-endsAt').fill(beijing(3, 17));
    await li.page.getByTestId('input-place').fill('巴中市政务服务中心三楼会议室');
    await li.page.getByTestId('input-agenda').fill('一、各区县交流窗口服务规范\n二、讨论统一版本');
    await li.page.getByTestId('scope-units').check();
    for (const name of COUNTIES) await li.page.locator(`[data-testid="unit-option"][data-name="${name}"]`).check();
    await li.page.getByTestId('meeting-submit').click();

    await li.page.getByTestId('meeting-page').getByRole('heading', { name: TITLE }).waitFor();
    await expect.poll(() => li.page.getByTestId('roster-counts').textContent()).toMatch(/^共 13 人：未读 13 · 已读 0 · 参加 0 · 请假 0/);
    const unitNames = await li.page.getByTestId('roster-unit').locator('h3').allTextContents();
    expect(unitNames.map((n) => n.split(' ')[0])).toEqual(COUNTIES);

    // 宁志远 sees it pinned among the notices waiting for his answer.
    const ning = await openAs('ningzhiyuan', '宁志远');
    await ning.page.getByTestId('nav-meetings').click();
    const pending = ning.page.getByTestId('pending-meetings').getByTestId('meeting-item').filter({ hasText: TITLE });
    await pending.getByTestId('meeting-pending').waitFor();
    await pending.getByRole('link', { name: TITLE }).click();
    await ning.page.getByTestId('meeting-agenda').filter({ hasText: '各区县交流窗口服务规范' }).waitFor();
    expect(await ning.page.getByTestId('my-status').textContent()).toBe('已读未回复');

    // Opening it is a read receipt the organizer sees.
    await li.page.getByTestId('roster-refresh').click();
    await expect.poll(() => li.page.getByTestId('roster-counts').textContent()).toMatch(/未读 12 · 已读 1/);

    // 请假 without a reason is refused, with a reason accepted.
    await ning.page.getByTestId('answer-leave').click();
    await ning.page.getByTestId('leave-submit').click();
    await ning.page.getByTestId('answer-error').filter({ hasText: '请假须填写事由' }).waitFor();
    await ning.page.getByTestId('leave-reason').fill('当天在省政务服务中心参加培训');
    await ning.page.getByTestId('leave-submit').click();
    await expect.poll(() => ning.page.getByTestId('my-status').textContent()).toBe('请假');

    // No longer pinned for him.
    await ning.page.getByTestId('nav-meetings').click();
    await ning.page.getByTestId('meetings-home').waitFor();
    await expect.poll(async () => ning.page.getByTestId('meeting-item').filter({ hasText: TITLE }).count()).toBe(0);

    // The roster shown to 李劲松 updates.
    await li.page.getByTestId('roster-refresh').click();
    await expect.poll(() => li.page.getByTestId('roster-counts').textContent()).toMatch(/未读 12 · 已读 0 · 参加 0 · 请假 1/);
    const entry = li.page.getByTestId('roster-entry').filter({ hasText: '宁志远' });
    await expect.poll(() => entry.getByTestId('roster-status').textContent()).toBe('请假');
    expect(await entry.textContent()).toContain('当天在省政务服务中心参加培训');

    // The calendar file is offered to both.
    expect(await li.page.getByTestId('meeting-ics').getAttribute('href')).toMatch(/^\/meetings\/[0-9a-f-]{36}\.ics$/);
    expect(li.errors).toEqual([]);
    expect(ning.errors).toEqual([]);
  });
});
