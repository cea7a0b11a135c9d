/**
 * Browser tests of the search page (issue 16, item 7) against the real server with the demo data:
 * snippets of Markdown posts read as plain text with the hits marked (and a <script> in a post
 * stays text); pinyin (xingzheng, initials) finds 行政 in thread titles and group names; matching
 * people and groups show in sections of their own above the content results, with links to the
 * profile and the group, and only those the viewer may see.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { apiClient, BrowserSession, type Opened } from '../helpers/browser.js';

let app: TestApp;
const session = new BrowserSession(() => app);
const { api, signIn } = apiClient(() => app);

const DEMO_GROUP = '政务服务工作交流';
const MARKDOWN_TITLE = '关于推进政务服务标准化的通知要点';
const MARKDOWN_BODY = [
  '**国务院**办公厅印发《关于深化政务服务标准化建设的指导意见》，要求清单之外无审批。',
  '',
  '| 县区 | 事项数 |',
  '|---|---|',
  '| 巴州区 | 126 |',
  '| 通江县 | 118 |',
  '',
  '<script>window.__injected = 1</script> 请各县区对照上表核对。',
].join('\n');
const HIDDEN_GROUP = '行政复议内部协调组';

const openAs = (loginName: string, realName: string): Promise<Opened> => session.openAs(loginName, realName, { viewport: { width: 1280, height: 900 } });

/** Searches from the address and waits for the content results (or the empty state) and the people and groups. */
async function searchFor(page: Opened['page'], q: string, names = true): Promise<void> {
  await page.goto(`/#/search?q=${encodeURIComponent(q)}`);
  await page.getByTestId('search-page').waitFor();
  await page.getByTestId('search-summary').filter({ hasText: `“${q}”的搜索结果` }).waitFor();
  if (names) await page.locator(`[data-testid=search-names][data-query="${q}"]`).waitFor({ state: 'attached' });
}

beforeAll(async () => {
  app = await startTestApp();
  await signIn('lijinsong');
  await signIn('zhangkaifeng');
  const { myGroups } = await api<{ myGroups: Array<{ id: string; name: string }> }>('lijinsong', `{ myGroups { id name } }`);
  const demo = myGroups.find((g) => g.name === DEMO_GROUP)!;
  const { group } = await api<{ group: { boards: Array<{ id: string }> } }>('lijinsong', `query($id: ID!) { group(id: $id) { boards { id } } }`, { id: demo.id });
  await api('lijinsong', `mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId: group.boards[0].id, title: MARKDOWN_TITLE, body: MARKDOWN_BODY } });
  // An invite-only group 李劲松 is not in: he may not find it, by name or by pinyin.
  await api('zhangkaifeng', `mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
    input: { name: HIDDEN_GROUP, purpose: '行政复议案件内部协调', rules: '仅限受邀人员', visibility: 'INVITE_ONLY' },
  });
  await session.launch();
});

afterAll(async () => {
  await session.close();
  await app?.close();
});

describe('the search page: plain snippets, pinyin, people and groups', () => {
  test('a Markdown post reads as plain text in its snippet, the hit marked, a <script> in it only text', async () => {
    const li = await openAs('lijinsong', '李劲松');
    await searchFor(li.page, '国务院', false);
    const hit = li.page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: MARKDOWN_TITLE });
    await hit.waitFor();
    const snippet = (await hit.getByTestId('result-snippet').textContent()) ?? '';
    expect(snippet).toContain('国务院办公厅印发');
    expect(snippet).not.toContain('**');
    expect(snippet).not.toContain('|');
    expect(snippet).not.toContain('---');
    expect(await hit.getByTestId('result-snippet').getByTestId('hit').allTextContents()).toEqual(['国务院']);

    // The table's cells read as words.
    await searchFor(li.page, '事项数', false);
    const table = li.page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: MARKDOWN_TITLE });
    await table.waitFor();
    expect(await table.getByTestId('result-snippet').textContent()).toContain('县区 事项数 巴州区 126 通江县 118');

    // The script tag is shown as the text it is, never run.
    await searchFor(li.page, '核对', false);
    const again = li.page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: MARKDOWN_TITLE });
    await again.waitFor();
    const text = (await again.getByTestId('result-snippet').textContent()) ?? '';
    expect(text).toContain('1</script> 请各县区对照上表核对');
    expect(text).not.toContain('|');
    expect(await li.page.locator('#main script, [data-testid=search-result] script').count()).toBe(0);
    expect(await li.page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();

    // The demo thread's table (企业设立登记 | 15 个工作日 | …) has no pipes in its snippet either.
    await searchFor(li.page, '企业设立登记', false);
    const demoHit = li.page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: '一窗受理' });
    await demoHit.waitFor();
    expect(await demoHit.getByTestId('result-snippet').textContent()).not.toContain('|');
    expect(li.errors).toEqual([]);
  });

  test('pinyin: xingzheng and its initials find 行政 in thread titles and group names, the Chinese words marked', async () => {
    const li = await openAs('lijinsong', '李劲松');
    await searchFor(li.page, 'xingzheng', false);
    const thread = li.page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: '省级政府规章可以设定行政许可吗' });
    await thread.waitFor();
    expect(await thread.getByTestId('result-title').getByTestId('hit').allTextContents()).toContain('行政');

    // The listed demo group 行政审批制度改革研讨 is found by its pinyin; the invite-only one is not.
    const groups = li.page.getByTestId('search-groups');
    await groups.waitFor();
    expect(await groups.getByTestId('group-name').allTextContents()).toContain('行政审批制度改革研讨');
    expect(await groups.getByTestId('group-name').allTextContents()).not.toContain(HIDDEN_GROUP);

    // Initials of the title's words: 行政许可 → xzxk.
    await searchFor(li.page, 'xzxk', false);
    await li.page.locator('[data-testid=search-result][data-type=THREAD]').filter({ hasText: '省级政府规章可以设定行政许可吗' }).waitFor();

    // Initials of a group name; the link leads to 发现群组 with the group found there.
    await searchFor(li.page, 'xzsp');
    const reform = li.page.getByTestId('group-hit').filter({ hasText: '行政审批制度改革研讨' });
    await reform.waitFor();
    await reform.getByTestId('group-link').click();
    await li.page.getByTestId('group-results').filter({ hasText: '行政审批制度改革研讨' }).waitFor();
    expect(await li.page.getByTestId('group-search').inputValue()).toBe('行政审批制度改革研讨');
    expect(li.errors).toEqual([]);
  });

  test('people and groups come first in sections of their own, found by name or pinyin, with links', async () => {
    const li = await openAs('lijinsong', '李劲松');
    for (const q of ['张凯峰', 'zhangkaifeng', 'zkf']) {
      await searchFor(li.page, q);
      const person = li.page.getByTestId('search-people').getByTestId('person-hit').filter({ hasText: '张凯峰' });
      await person.waitFor();
      expect(await person.getByTestId('person-unit').textContent()).toBeTruthy();
      expect(await person.getByTestId('person-title').textContent()).toBe('督查处处长');
    }
    // The sections sit above the content results.
    const order = await li.page.evaluate(() => {
      const people = document.querySelector('[data-testid=search-people]');
      const results = document.querySelector('[data-testid=search-results]');
      return !!people && !!results && !!(people.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    expect(order).toBe(true);
    await li.page.getByTestId('person-hit').filter({ hasText: '张凯峰' }).getByTestId('person-link').click();
    await li.page.waitForURL(/#\/users\//);
    await li.page.getByText('督查处处长').first().waitFor();

    // A group he belongs to opens its chat.
    await searchFor(li.page, DEMO_GROUP);
    const own = li.page.getByTestId('group-hit').filter({ hasText: DEMO_GROUP });
    await own.waitFor();
    expect(await own.textContent()).toContain('已加入');
    await own.getByTestId('group-link').click();
    await li.page.waitForURL(/#\/chat\//);

    // Nothing matches: no empty sections.
    await searchFor(li.page, '没有这样的词组合');
    expect(await li.page.getByTestId('search-people').count()).toBe(0);
    expect(await li.page.getByTestId('search-groups').count()).toBe(0);
    expect(li.errors).toEqual([]);
  });
});
