/**
 * Browser test of 群管理's tools that had existed only in the API (issue 16 item 13): in the demo
 * group 政务服务工作交流 its owner 李劲松 revokes a warning of 苟晓燕 (a reason is required), lifts
 * the ban of 宁志远 (after confirming), changes the escalation rule (a bad value answers in
 * Chinese), and adds then removes a 保密提醒 term; each change reaches the server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';
import { sql } from '../helpers/demo.js';

const GROUP_NAME = '政务服务工作交流';

let app: TestApp;
const session = new BrowserSession(() => app);
const client = apiClient(() => app);
let groupId: string;
let page: Page;

beforeAll(async () => {
  app = await startTestApp();
  [{ id: groupId }] = await sql<{ id: string }>(app.orm, `select id from chat_group where name = ?`, [GROUP_NAME]);
  await Promise.all(['lijinsong', 'gouxiaoyan', 'ningzhiyuan'].map((l) => client.signIn(l)));
  await client.api('lijinsong', `mutation($g: ID!, $u: ID!) { warnMember(groupId: $g, userId: $u, reason: OFF_TOPIC, note: "请围绕工作交流") { id } }`, { g: groupId, u: client.ids.gouxiaoyan });
  await client.api('lijinsong', `mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: ADVERTISING) { id } }`, { g: groupId, u: client.ids.ningzhiyuan });
  await session.launch();
  ({ page } = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 900 } }));
  await page.goto(`/#/groups/${groupId}/moderation`);
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

const dialog = () => page.getByTestId('moderation-dialog');

describe('群管理 tools', () => {
  test('revoking a warning (with a required reason) and lifting a ban (after confirming)', async () => {
    const sanctions = page.getByTestId('sanctions');
    const warning = sanctions.getByTestId('sanction').filter({ hasText: '苟晓燕' });
    await warning.filter({ hasText: '警告' }).filter({ hasText: '跑题：请围绕工作交流' }).waitFor();
    await warning.getByTestId('sanction-revoke').click();
    await dialog().getByTestId('moderation-submit').click();
    await dialog().getByTestId('moderation-error').filter({ hasText: '请填写撤销原因' }).waitFor();
    await dialog().getByTestId('revoke-reason').fill('误判，已核实');
    await dialog().getByTestId('moderation-submit').click();
    await dialog().waitFor({ state: 'detached' });
    await warning.waitFor({ state: 'detached' });
    const [revoked] = await sql<{ revoke_reason: string }>(app.orm, `select revoke_reason from moderation_sanction where group_id = ? and user_id = ? and kind = 'warning'`, [groupId, client.ids.gouxiaoyan]);
    expect(revoked.revoke_reason).toBe('误判，已核实');
    // The log below shows the new entry at once, in words.
    await page.getByTestId('audit-log').getByTestId('audit-entry').filter({ hasText: '李劲松 撤销了对 苟晓燕 的警告' }).waitFor();

    const ban = sanctions.getByTestId('sanction').filter({ hasText: '宁志远' }).filter({ hasText: '禁止加入' });
    await ban.getByTestId('sanction-unban').click();
    await expect.poll(() => dialog().textContent()).toContain('确定解除对 宁志远 的禁止加入');
    await dialog().getByTestId('moderation-submit').click();
    await dialog().waitFor({ state: 'detached' });
    await sanctions.getByTestId('empty').filter({ hasText: '没有有效的警告或禁止加入' }).waitFor();
    expect(await sql(app.orm, `select 1 from moderation_sanction where group_id = ? and user_id = ? and kind = 'ban' and revoked_at is null`, [groupId, client.ids.ningzhiyuan])).toHaveLength(0);
  });

  test('changing the escalation rule; an out-of-range value answers in Chinese', async () => {
    const form = page.getByTestId('escalation-form');
    await form.getByTestId('escalation-days').fill('30');
    await form.getByTestId('escalation-warnings').fill('2');
    await form.getByTestId('escalation-minutes').fill('5');
    await form.getByTestId('escalation-save').click();
    await form.getByTestId('escalation-error').filter({ hasText: '禁言分钟数应在 10 至' }).waitFor();

    await page.getByTestId('escalation-minutes').fill('60');
    await page.getByTestId('escalation-save').click();
    await page.getByTestId('moderation-page').getByText('处罚规则：30 天内 2 次有效警告自动禁言 60 分钟').waitFor();
    const [g] = await sql<{ warn_threshold: number; warn_window_days: number; warn_mute_minutes: number }>(app.orm, `select warn_threshold, warn_window_days, warn_mute_minutes from chat_group where id = ?`, [groupId]);
    expect(g).toEqual({ warn_threshold: 2, warn_window_days: 30, warn_mute_minutes: 60 });
  });

  test('adding and removing a 保密提醒 term', async () => {
    const rules = page.getByTestId('sensitive-rules');
    await rules.getByTestId('rule').filter({ hasText: '身份证号' }).waitFor();
    await rules.getByTestId('rule-add').click();
    await rules.getByTestId('rule-error').filter({ hasText: '请填写敏感词' }).waitFor();

    await rules.getByTestId('rule-term').fill('内部资料');
    await rules.getByTestId('rule-action').selectOption('BLOCK');
    await rules.getByTestId('rule-add').click();
    const added = rules.getByTestId('rule').filter({ hasText: '敏感词「内部资料」' });
    await added.filter({ hasText: '禁止发送' }).filter({ hasText: '本群' }).waitFor();
    expect(await sql(app.orm, `select 1 from sensitive_rule where group_id = ? and value = '内部资料' and action = 'block'`, [groupId])).toHaveLength(1);

    await added.getByTestId('rule-remove').click();
    await expect.poll(() => dialog().textContent()).toContain('确定删除敏感词「内部资料」');
    await dialog().getByTestId('moderation-submit').click();
    await added.waitFor({ state: 'detached' });
    expect(await sql(app.orm, `select 1 from sensitive_rule where group_id = ? and value = '内部资料'`, [groupId])).toHaveLength(0);
  });
});
