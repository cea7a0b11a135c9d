/**
 * The pinned announcement bar at the top of a group chat follows every change live, for every
 * member with the chat open, its author too: an announcement posted, its title edited, and it
 * unpinned (the bar then empties). Before ANNOUNCEMENTS_CHANGED the bar reloaded only on the
 * posting's notification, which the author never gets, and not at all on an edit or unpin.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn, makeGroup } = apiClient(() => app);
let groupId: string;
let conversationId: string;

async function openChat(loginName: string, realName: string): Promise<Opened> {
  const opened = await session.openAs(loginName, realName, { viewport: { width: 1280, height: 800 } });
  await opened.page.goto(`/#/chat/${conversationId}`);
  await opened.page.getByTestId('conversation-title').filter({ hasText: '公告栏测试小组' }).waitFor();
  await opened.page.getByTestId('composer-input').waitFor();
  return opened;
}

beforeAll(async () => {
  app = await startTestApp();
  await Promise.all(['lijinsong', 'gouxiaoyan'].map(signIn));
  ({ groupId, conversationId } = await makeGroup('lijinsong', '公告栏测试小组', ['gouxiaoyan'], { purpose: '公告栏', rules: '按时阅读公告。' }));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('the pinned announcement bar', () => {
  test('follows posting, editing and unpinning live, for a member and for the author', async () => {
    const [li, gou] = await Promise.all([openChat('lijinsong', '李劲松'), openChat('gouxiaoyan', '苟晓燕')]);
    const bars = [li, gou].map((o) => o.page.getByTestId('chat-announcement-bar'));
    const links = [li, gou].map((o) => o.page.getByTestId('chat-announcement'));
    for (const bar of bars) expect(await bar.isHidden()).toBe(true);
    const shows = async (title: string) => {
      for (const link of links) await expect.poll(() => link.allTextContents(), { timeout: 10_000 }).toEqual([title]);
    };

    const { postAnnouncement } = await api<{ postAnnouncement: { id: string } }>('lijinsong', `mutation($g: ID!, $t: String!, $b: String!) { postAnnouncement(groupId: $g, title: $t, body: $b) { id } }`, {
      g: groupId,
      t: '关于窗口服务考评的群公告',
      b: '请于本周五前报送考评材料。',
    });
    await shows('关于窗口服务考评的群公告');

    await api('lijinsong', `mutation($a: ID!, $t: String!, $b: String!) { editAnnouncement(announcementId: $a, title: $t, body: $b) { id } }`, {
      a: postAnnouncement.id,
      t: '关于窗口服务考评的群公告（更正）',
      b: '请于本周四前报送考评材料。',
    });
    await shows('关于窗口服务考评的群公告（更正）');

    await api('lijinsong', `mutation($a: ID!) { setAnnouncementPinned(announcementId: $a, pinned: false) { id } }`, { a: postAnnouncement.id });
    for (const bar of bars) await expect.poll(() => bar.isHidden(), { timeout: 10_000 }).toBe(true);

    await api('lijinsong', `mutation($a: ID!) { setAnnouncementPinned(announcementId: $a, pinned: true) { id } }`, { a: postAnnouncement.id });
    await shows('关于窗口服务考评的群公告（更正）');
    expect(li.errors).toEqual([]);
    expect(gou.errors).toEqual([]);
  });
});
