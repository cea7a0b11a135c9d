/**
 * Browser test of 群管理 → 操作记录 (issue 16 item 1): in the demo group 政务服务工作交流 its owner
 * 李劲松 marks a thread 精华 and mutes 苟晓燕 for an hour (through the API); the log then reads
 * 「李劲松 将帖子设为精华：《…》」 and 「李劲松 将 苟晓燕 禁言至 12月7日 02:11」 (Asia/Shanghai), and
 * nothing on the page, its details included, shows an id, an ISO time, an action code or JSON.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession } from '../helpers/browser.js';
import { sql } from '../helpers/demo.js';

const GROUP_NAME = '政务服务工作交流';
const THREAD_TITLE = '窗口服务规范经验汇总';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CODE = /\b(moderation|forum|group|discussion|document|meeting|announcement|content|archive)\.[a-z_]+/;

let app: TestApp;
const session = new BrowserSession(() => app);
const client = apiClient(() => app);
let groupId: string;

/** 12月7日 02:11: month, day, hour and minute in Asia/Shanghai, as an official reads them. */
function shanghaiMonthDayTime(at: Date): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at).map((x) => [x.type, x.value]));
  return `${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}`;
}

beforeAll(async () => {
  app = await startTestApp();
  [{ id: groupId }] = await sql<{ id: string }>(app.orm, `select id from chat_group where name = ?`, [GROUP_NAME]);
  await Promise.all(['lijinsong', 'gouxiaoyan'].map((l) => client.signIn(l)));
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('操作记录 reads as sentences', () => {
  test('essence and mute entries name the people and the thread, in Asia/Shanghai time, with no ids, codes or JSON', async () => {
    const [{ id: boardId }] = await sql<{ id: string }>(app.orm, `select id from board where group_id = ? order by position limit 1`, [groupId]);
    const { createThread } = await client.api<{ createThread: { id: string } }>('gouxiaoyan', `mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title: THREAD_TITLE, body: '各区县窗口的做法汇总如下。' } });
    await client.api('lijinsong', `mutation($t: ID!) { setThreadEssence(threadId: $t, essence: true) { id } }`, { t: createThread.id });
    const { muteMember } = await client.api<{ muteMember: { endsAt: string } }>('lijinsong', `mutation($g: ID!, $u: ID!) { muteMember(groupId: $g, userId: $u, minutes: 60, reason: IMPROPER, note: "请注意言辞") { endsAt } }`, { g: groupId, u: client.ids.gouxiaoyan });

    const { page } = await session.openAs('lijinsong', '李劲松', { viewport: { width: 1280, height: 900 } });
    await page.goto(`/#/groups/${groupId}/moderation`);
    const log = page.getByTestId('audit-log');
    const summaries = log.getByTestId('audit-summary');
    await summaries.filter({ hasText: `李劲松 将帖子设为精华：《${THREAD_TITLE}》` }).waitFor();
    const mute = log.getByTestId('audit-entry').filter({ hasText: `李劲松 将 苟晓燕 禁言至 ${shanghaiMonthDayTime(new Date(muteMember.endsAt))}` });
    await mute.waitFor();

    // The mute's details: the reason in words, the times in Asia/Shanghai.
    await mute.locator('details > summary').click();
    const details = mute.getByTestId('audit-details');
    await expect.poll(() => details.textContent()).toContain('不当言论：请注意言辞');
    expect(await details.textContent()).toContain(shanghaiMonthDayTime(new Date(muteMember.endsAt)));

    // Open every entry's details, then read the whole log as a person would.
    for (const summary of await log.locator('details > summary').all()) await summary.click();
    const text = (await log.innerText()) ?? '';
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(ISO_TIME);
    expect(text).not.toMatch(CODE);
    expect(text).not.toContain('{"');
    expect(text).toContain('李劲松 创建了群组「政务服务工作交流」');
  });
});
