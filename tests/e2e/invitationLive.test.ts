/**
 * Browser test: an invitation that is withdrawn (a ban closes it) leaves the invitee's open
 * 发现群组 page at once, and accepting one already gone says so in Chinese and drops it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, ids, signIn } = apiClient(() => app);

async function inviteOnlyGroup(name: string): Promise<string> {
  const { createGroup } = await api<{ createGroup: { id: string } }>('chengyong', `mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
    input: { name, purpose: '内部工作协调', rules: '围绕主题发言。', visibility: 'INVITE_ONLY' },
  });
  return createGroup.id;
}

const invite = (groupId: string) =>
  api<{ inviteToGroup: { id: string } }>('chengyong', `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: ids.wanghaiyan });

beforeAll(async () => {
  app = await startTestApp();
  await session.launch();
  for (const login of ['chengyong', 'wanghaiyan']) await signIn(login);
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('invitations kept current', () => {
  test('a withdrawn invitation leaves the page live; accepting a gone one says so and drops it', async () => {
    const withdrawn = await inviteOnlyGroup('专项督查内部协调组');
    const gone = await inviteOnlyGroup('乡村振兴项目评审组');
    await invite(withdrawn);
    const { inviteToGroup } = await invite(gone);
    const wang = await session.openAs('wanghaiyan', '王海燕', { viewport: { width: 1280, height: 900 } });
    await wang.page.goto('/#/groups');
    const card = (groupId: string) => wang.page.locator(`[data-testid=invitation][data-group-id="${groupId}"]`);
    await card(withdrawn).waitFor();
    await card(gone).waitFor();

    // A ban closes the pending invitation: the card goes without a reload.
    await api('chengyong', `mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: OTHER, note: "不宜入群") { id } }`, { g: withdrawn, u: ids.wanghaiyan });
    await expect.poll(() => card(withdrawn).count(), { timeout: 10_000 }).toBe(0);

    // Declined elsewhere (no event for one's own answer): accepting it here says it is gone and drops it.
    await api('wanghaiyan', `mutation($i: ID!) { declineInvitation(invitationId: $i) }`, { i: inviteToGroup.id });
    await card(gone).getByTestId('invitation-rules').click();
    await card(gone).getByTestId('invitation-accept-rules').check();
    await card(gone).getByTestId('invitation-accept').click();
    await wang.page.getByTestId('toasts').getByText('加入“乡村振兴项目评审组”的邀请已失效，已从列表中移除').waitFor();
    await expect.poll(() => card(gone).count()).toBe(0);
    expect(wang.errors).toEqual([]);
  });
});
