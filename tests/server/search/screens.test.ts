/**
 * The query side of issue 16, item 7, over the real API and PostgreSQL (demo data): snippets of
 * Markdown posts are plain text with the hits marked; pinyin finds titles, people and groups; the
 * people and groups a search shows are only those the directory and the group list let the viewer
 * see; and the reindex fills what the migration left empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { sql, unitId } from '../../helpers/demo.js';
import { reindexSearch } from '../../../server/modules/search/reindex.js';

const SEARCH = `query($q: String!) { search(query: $q, first: 50) { words edges { node { type id title { text match } snippet { text match } } } } }`;
/** What the search page asks for beside the content results. */
const NAMES = `query($q: String!) {
  directory(filter: { query: $q }, first: 20) { totalCount edges { node { id realName title unit { name } } } }
  groups(query: $q, first: 20) { edges { node { id name } } } }`;

type Part = { text: string; match: boolean };
type Hit = { type: string; id: string; title: Part[] | null; snippet: Part[] };

let t: TestApp;
let li: Client & { userId: string };
let zhang: Client & { userId: string };
let boardId: string;
let demoConversation: string;
let hiddenGroupId: string;
let listedGroupId: string;
let pendingId: string;
let disabledId: string;

const hits = async (viewer: Client, q: string): Promise<Hit[]> => ((await viewer.request(SEARCH, { q })) as { search: { edges: Array<{ node: Hit }> } }).search.edges.map((e) => e.node);
const names = async (viewer: Client, q: string) => {
  const data = (await viewer.request(NAMES, { q })) as { directory: { edges: Array<{ node: { id: string; realName: string; title: string } }> }; groups: { edges: Array<{ node: { id: string; name: string } }> } };
  return { people: data.directory.edges.map((e) => e.node), groups: data.groups.edges.map((e) => e.node) };
};
const text = (parts: Part[]) => parts.map((p) => p.text).join('');
const marked = (parts: Part[] | null) => (parts ?? []).filter((p) => p.match).map((p) => p.text);

async function createThread(title: string, body: string): Promise<string> {
  return (await li.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title, body } })).createThread.id;
}

beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
  zhang = await signedIn(t.url, 'zhangkaifeng');
  const { myGroups } = await li.request(`{ myGroups { id name conversation { id } boards { id } } }`);
  const demo = myGroups.find((g: { name: string }) => g.name === '政务服务工作交流');
  boardId = demo.boards[0].id;
  demoConversation = demo.conversation.id;
  const create = (name: string, visibility: string) =>
    zhang.request(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, { input: { name, purpose: '专项协调', rules: '遵守保密守则', visibility } });
  hiddenGroupId = (await create('行政复议内部协调组', 'INVITE_ONLY')).createGroup.id;
  listedGroupId = (await create('行政执法协作交流', 'LISTED')).createGroup.id;

  // A registration waiting for review, and an account that was disabled: neither is in the directory.
  const anon = new Client(t.url);
  const unit = await unitId(t.orm, '巴中市政务服务中心');
  pendingId = (await anon.request(`mutation($i: RegisterInput!) { register(input: $i) { id } }`, {
    i: { loginName: 'xingzhengping', password: 'Xzp@2026pass!', realName: '邢正平', unitId: unit, title: '行政审批员' },
  })).register.id;
  const [disabled] = await sql<{ id: string }>(t.orm, `select id from app_user where login_name = 'gouxiaoyan'`);
  disabledId = disabled.id;
  await sql(t.orm, `update app_user set status = 'disabled' where id = ?`, [disabledId]);
});

afterAll(async () => {
  await t?.close();
});

describe('snippets of Markdown posts', () => {
  it('are the text a reader sees: no **, no table pipes, a <script> only as text, the hit marked', async () => {
    const id = await createThread('标准化工作要点', '**国务院**办公厅印发指导意见。\n\n| 县区 | 事项数 |\n|---|---|\n| 巴州区 | 126 |\n\n<script>alert(1)</script> 请各县区核对。');
    const hit = (await hits(li, '国务院')).find((h) => h.id === id)!;
    expect(hit.type).toBe('THREAD');
    expect(text(hit.snippet)).toBe('国务院办公厅印发指导意见。 县区 事项数 巴州区 126 <script>alert(1)</script> 请各县区核对。');
    expect(marked(hit.snippet)).toEqual(['国务院']);

    const reply = (await li.request(`mutation($t: ID!, $b: String!) { replyToThread(threadId: $t, body: $b) { id } }`, { t: id, b: '> 引用上文\n\n- 第一项：**梳理**清单\n- 第二项' })).replyToThread.id;
    const replyHit = (await hits(li, '梳理')).find((h) => h.id === reply)!;
    expect(text(replyHit.snippet)).toBe('引用上文 第一项：梳理清单 第二项');
    expect(marked(replyHit.snippet)).toEqual(['梳理']);
  });

  it('leave chat messages as written (they are not Markdown)', async () => {
    await li.request(`mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`, { c: demoConversation, b: '备注 **星号** 原样', k: `screens-${Date.now()}` });
    const hit = (await hits(li, '星号')).find((h) => h.type === 'GROUP_MESSAGE')!;
    expect(text(hit.snippet)).toBe('备注 **星号** 原样');
  });
});

describe('pinyin', () => {
  it('finds 行政 in a thread title by full pinyin and by initials, and marks the Chinese words', async () => {
    const id = await createThread('行政许可事项梳理', '正文不含那个词。');
    for (const q of ['xingzheng', 'xzxk', 'xingzhengxuke', 'XingZheng']) {
      const hit = (await hits(li, q)).find((h) => h.id === id);
      expect(hit, q).toBeDefined();
    }
    const hit = (await hits(li, 'xingzheng')).find((h) => h.id === id)!;
    expect(marked(hit.title)).toEqual(['行政']);
  });

  it('does not index bodies in pinyin (docs/search.md)', async () => {
    await li.request(`mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`, { c: demoConversation, b: '督查考核通报已下发', k: `screens-${Date.now()}` });
    expect((await hits(li, '督查考核')).length).toBeGreaterThan(0);
    expect(await hits(li, 'duchakaohe')).toEqual([]);
  });

  it('finds people by name, full pinyin and initials, and groups by the pinyin of their names', async () => {
    for (const q of ['张凯峰', 'zhangkaifeng', 'zkf', 'kaifeng']) {
      const { people } = await names(li, q);
      expect(people.map((p) => p.realName), q).toContain('张凯峰');
    }
    // A person's title is indexed too, 长 read as officials read it: 督查处处长 duchachuchuzhang.
    for (const q of ['duchachu', 'chuzhang', 'dcccz']) expect((await names(li, q)).people.map((p) => p.realName), q).toContain('张凯峰');
    expect((await names(li, 'xingzheng')).groups.map((g) => g.name)).toEqual(expect.arrayContaining(['行政审批制度改革研讨', '行政执法协作交流']));
    expect((await names(li, 'xzzf')).groups.map((g) => g.name)).toContain('行政执法协作交流');
  });
});

describe('people and groups the viewer may not see are never returned', () => {
  it('a pending or disabled account is not found, by name or by pinyin', async () => {
    for (const q of ['邢正平', 'xingzhengping', 'xzp', '苟晓燕', 'gouxiaoyan', 'gxy']) {
      const ids = (await names(li, q)).people.map((p) => p.id);
      expect(ids, q).not.toContain(pendingId);
      expect(ids, q).not.toContain(disabledId);
    }
    // Found once active (the same query): what hid them was the rule, not the matching.
    await sql(t.orm, `update app_user set status = 'active' where id = ?`, [disabledId]);
    expect((await names(li, 'gxy')).people.map((p) => p.id)).toContain(disabledId);
    await sql(t.orm, `update app_user set status = 'disabled' where id = ?`, [disabledId]);
  });

  it('an invite-only group is found by its members only, by name or by pinyin', async () => {
    for (const q of ['行政复议', 'xingzhengfuyi', 'xzfy']) {
      expect((await names(li, q)).groups.map((g) => g.id), q).not.toContain(hiddenGroupId);
      expect((await names(zhang, q)).groups.map((g) => g.id), q).toContain(hiddenGroupId);
    }
    expect((await names(li, 'xzzf')).groups.map((g) => g.id)).toContain(listedGroupId);
  });
});

describe('names keep their pinyin, and the reindex fills what is missing', () => {
  it('a renamed group is found by the pinyin of its new name', async () => {
    await zhang.request(`mutation($id: ID!, $input: GroupInput!) { updateGroup(groupId: $id, input: $input) { id } }`, {
      id: listedGroupId,
      input: { name: '综合执法协作交流', purpose: '专项协调', rules: '遵守保密守则', visibility: 'LISTED' },
    });
    expect((await names(li, 'zonghezhifa')).groups.map((g) => g.id)).toContain(listedGroupId);
    expect((await names(li, 'xzzf')).groups.map((g) => g.id)).not.toContain(listedGroupId);
  });

  it('fills names and title vectors left empty (as the migration leaves them), but not those of removed threads', async () => {
    const id = await createThread('行政复议案件通报', '通报内容。');
    const removed = await createThread('行政处罚听证安排', '安排内容。');
    await sql(t.orm, `update thread set removed_at = now(), search_vector = null where id = ?`, [removed]);
    await sql(t.orm, `update thread set search_vector = null where id = ?`, [id]);
    await sql(t.orm, `update app_user set name_pinyin = null`);
    await sql(t.orm, `update chat_group set name_pinyin = null`);
    expect((await hits(li, 'xingzhengfuyi')).map((h) => h.id)).not.toContain(id);
    expect((await names(li, 'zkf')).people.map((p) => p.realName)).not.toContain('张凯峰');

    await reindexSearch(t.orm.em.fork());
    expect((await hits(li, 'xingzhengfuyi')).map((h) => h.id)).toContain(id);
    expect((await names(li, 'zkf')).people.map((p) => p.realName)).toContain('张凯峰');
    expect((await names(li, 'xzsp')).groups.map((g) => g.name)).toContain('行政审批制度改革研讨');
    const [row] = await sql<{ vector: string | null }>(t.orm, `select search_vector::text as vector from thread where id = ?`, [removed]);
    expect(row.vector).toBeNull();
  });
});
