/**
 * Browser tests of what people are told (issue 16, items 4, 5, 10 and 11), against the real
 * server with the demo data:
 * - meeting notifications name the meeting and its start (two notices read differently);
 * - joining is not silent: the owner is notified of an application and reviews it from the
 *   notification's link, the applicant's 已申请，等待审核 turns into 进入群聊 live, and an
 *   invitation reaches the invitee's page at once;
 * - a member who left drops off the roster of a meeting not yet held;
 * - the pinned announcement heads the group chat (live when a new one is published), and the
 *   organiser's 会议公告 home lists the notices they issued (我发布的).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';

const DEMO_GROUP = '政务服务工作交流';
const BULLETIN = '四川省政务服务中心工作周报（第24期）';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, ids, signIn, makeGroup } = apiClient(() => app);
let demoGroupId = '';
let demoConversationId = '';

const openAs = (loginName: string, realName: string): Promise<Opened> => session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 } });

/** An ISO time `days` from now at `hour`:00 Beijing time. */
function beijingIso(days: number, hour: number): string {
  const day = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString();
}

/** "12月10日 09:00" for that same time, as the page should write it. */
function beijingText(days: number, hour: number): string {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(hour).padStart(2, '0')}:00`;
}

async function issue(by: string, groupId: string, title: string, days: number, invitees: Record<string, unknown> = { scope: 'GROUP' }): Promise<string> {
  const { issueMeeting } = await api<{ issueMeeting: { id: string } }>(by, `mutation($i: MeetingInput!) { issueMeeting(input: $i) { id } }`, {
    i: { groupId, title, startsAt: beijingIso(days, 9), endsAt: beijingIso(days, 11), place: '市政务服务中心三楼会议室', invitees },
  });
  return issueMeeting.id;
}

beforeAll(async () => {
  app = await startTestApp();
  await session.launch();
  for (const login of ['lijinsong', 'chengyong', 'ningzhiyuan', 'wanghaiyan', 'huangwei', 'zhouli']) await signIn(login);
  const { myGroups } = await api<{ myGroups: Array<{ id: string; name: string; conversation: { id: string } }> }>('lijinsong', `{ myGroups { id name conversation { id } } }`);
  const demo = myGroups.find((g) => g.name === DEMO_GROUP)!;
  demoGroupId = demo.id;
  demoConversationId = demo.conversation.id;
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('notices in the browser', () => {
  test('two meeting invitations name their meetings and start times; each opens its notice', async () => {
    await issue('lijinsong', demoGroupId, '窗口服务规范研讨会', 3);
    await issue('lijinsong', demoGroupId, '一网通办推进会', 4);
    const ning = await openAs('ningzhiyuan', '宁志远');
    await ning.page.goto('/#/notifications');
    const invites = ning.page.getByTestId('notification').and(ning.page.locator('[data-kind=MEETING_INVITE]'));
    const first = invites.filter({ hasText: '窗口服务规范研讨会' });
    const second = invites.filter({ hasText: '一网通办推进会' });
    await first.waitFor();
    expect(await first.getByTestId('notification-link').textContent()).toBe(`李劲松 邀请您参加会议“窗口服务规范研讨会”（${beijingText(3, 9)}）`);
    expect(await second.getByTestId('notification-link').textContent()).toBe(`李劲松 邀请您参加会议“一网通办推进会”（${beijingText(4, 9)}）`);
    await second.getByTestId('notification-link').click();
    await ning.page.getByTestId('meeting-page').getByRole('heading', { name: '一网通办推进会' }).waitFor();
    expect(ning.errors).toEqual([]);
  });

  test('an application reaches the owner, who approves it from the link; the applicant sees it live; an invitation arrives at once', async () => {
    const name = '营商环境专题交流';
    const { createGroup } = await api<{ createGroup: { id: string } }>('chengyong', `mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
      input: { name, purpose: '交流优化营商环境的做法', rules: '围绕主题发言，不发广告。', visibility: 'LISTED' },
    });
    const cheng = await openAs('chengyong', '程永');
    await cheng.page.goto('/#/notifications');
    await cheng.page.getByTestId('notifications-summary').filter({ hasText: /未读/ }).waitFor();
    const ning = await openAs('ningzhiyuan', '宁志远');

    // 宁志远 applies from 发现群组.
    await ning.page.goto('/#/groups');
    await ning.page.getByTestId('group-search').fill(name);
    await ning.page.getByTestId('group-search').press('Enter');
    await expect.poll(() => ning.page.getByTestId('group-result').count()).toBe(1);
    const row = ning.page.getByTestId('group-result').filter({ hasText: name });
    await row.getByTestId('group-apply').click();
    await row.getByTestId('accept-rules').check();
    await row.getByTestId('apply-submit').click();
    await row.getByTestId('group-pending').waitFor();

    // 程永's open 通知 page shows it at once, and its link leads to the 成员 panel's application.
    const notice = cheng.page.getByTestId('notification').and(cheng.page.locator('[data-kind=GROUP_APPLICATION]'));
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.getByTestId('notification-link').textContent()).toBe(`宁志远 申请加入“${name}”，请审核`);
    await notice.getByTestId('notification-link').click();
    const application = cheng.page.getByTestId('applications').getByTestId('application').filter({ hasText: '宁志远' });
    await application.getByTestId('application-approve').click();

    // 宁志远's page, untouched, turns 已申请，等待审核 into 进入群聊.
    await row.getByTestId('group-open').waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('group-pending').count()).toBe(0);

    // An invitation reaches 王海燕's open 发现群组 page without waiting for a poll.
    const wang = await openAs('wanghaiyan', '王海燕');
    await wang.page.goto('/#/groups');
    await wang.page.getByTestId('group-search').waitFor();
    await api('chengyong', `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: createGroup.id, u: ids.wanghaiyan });
    await wang.page.getByTestId('invitation-accept').waitFor({ timeout: 10_000 });
    expect(cheng.errors).toEqual([]);
    expect(ning.errors).toEqual([]);
    expect(wang.errors).toEqual([]);
  });

  test('a member who left drops off the roster of a meeting not yet held', async () => {
    const { groupId } = await makeGroup('lijinsong', '窗口规范工作小组', ['huangwei', 'zhouli'], { purpose: '窗口规范', rules: '按时参会。' });
    const meetingId = await issue('lijinsong', groupId, '窗口规范碰头会', 2);
    await api('huangwei', `mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: groupId });
    const li = await openAs('lijinsong', '李劲松');
    await li.page.goto(`/#/meetings/${meetingId}`);
    await li.page.getByTestId('roster-entry').filter({ hasText: '周丽' }).waitFor();
    expect(await li.page.getByTestId('roster-entry').filter({ hasText: '黄伟' }).count()).toBe(0);
    expect(await li.page.getByTestId('roster-counts').textContent()).toMatch(/^共 1 人：未读 1/);
    expect(li.errors).toEqual([]);
  });

  test('the pinned announcement heads the group chat and a new one shows live; 我发布的 lists the organiser’s notices', async () => {
    const ning = await openAs('ningzhiyuan', '宁志远');
    await ning.page.goto(`/#/chat/${demoConversationId}`);
    const pinned = ning.page.getByTestId('chat-announcement');
    await pinned.filter({ hasText: BULLETIN }).waitFor();
    expect(await pinned.textContent()).toBe(BULLETIN);
    await api('lijinsong', `mutation($g: ID!, $t: String!, $b: String!) { postAnnouncement(groupId: $g, title: $t, body: $b) { id } }`, {
      g: demoGroupId,
      t: '关于12月窗口服务考评的群公告',
      b: '请各区县于本周五前报送考评材料。',
    });
    await pinned.filter({ hasText: '关于12月窗口服务考评的群公告' }).waitFor({ timeout: 10_000 });
    expect(await pinned.textContent()).toBe('关于12月窗口服务考评的群公告');
    await pinned.click();
    await ning.page.getByRole('heading', { name: '关于12月窗口服务考评的群公告' }).waitFor();

    // 李劲松 issued notices in the first test: his 会议公告 home lists them under 我发布的.
    const li = await openAs('lijinsong', '李劲松');
    await li.page.getByTestId('nav-meetings').click();
    const issued = li.page.getByTestId('issued-meetings');
    await issued.getByRole('link', { name: '一网通办推进会' }).waitFor();
    expect(await issued.getByRole('link', { name: '窗口服务规范研讨会' }).count()).toBe(1);
    expect(ning.errors).toEqual([]);
    expect(li.errors).toEqual([]);
  });
});
