/**
 * The pinyin migration (Migration20261208060000SearchPinyin) on a database that already has
 * threads: their old vectors stay, so search keeps finding them by their Chinese words while the
 * reindex rebuilds them; pinyin finds them once it is done; a reindex cut off mid-way goes on
 * where it stopped. The database is taken back to before the migration and its thread vectors
 * made as the version before pinyin made them (no pinyin words).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { sql } from '../../helpers/demo.js';
import { reindexSearch } from '../../../server/modules/search/reindex.js';
import { toTsvectorLiteral } from '../../../server/modules/content/segment.js';

const SEARCH = `query($q: String!) { search(query: $q, first: 50) { edges { node { id } } } }`;
const PINYIN_MIGRATION = 'Migration20261208060000SearchPinyin';

let t: TestApp;
let li: Client & { userId: string };
let threadId: string;

const found = async (q: string): Promise<string[]> =>
  ((await li.request(SEARCH, { q })) as { search: { edges: Array<{ node: { id: string } }> } }).search.edges.map((e) => e.node.id);
const rebuilds = () => sql<{ source: string; after_id: string }>(t.orm, `select source, after_id from search_rebuild order by source`);

beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
  const { myGroups } = await li.request(`{ myGroups { name boards { id } } }`);
  const boardId = myGroups.find((g: { name: string }) => g.name === '政务服务工作交流').boards[0].id;
  const create = async (title: string) =>
    (await li.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title, body: '正文。' } })).createThread.id as string;
  threadId = await create('行政许可事项梳理');
  for (const title of ['营商环境评估通报', '政务公开工作要点', '督查考核安排']) await create(title);

  await t.orm.getMigrator().down({ to: PINYIN_MIGRATION });
  // The vectors the version before pinyin wrote: the words of title and body, no pinyin.
  const threads = await sql<{ id: string; title: string; body: string }>(t.orm, `select id, title, body from thread`);
  for (const row of threads) await sql(t.orm, `update thread set search_vector = ?::tsvector where id = ?`, [toTsvectorLiteral(row.title, row.body) ?? '', row.id]);
  await t.orm.getMigrator().up();
});

afterAll(async () => {
  await t?.close();
});

describe('the pinyin migration on a database with threads', () => {
  it('leaves the old vectors: before the reindex, Chinese still finds a thread (pinyin not yet)', async () => {
    expect((await rebuilds()).map((r) => r.source)).toContain('thread');
    const [{ empty }] = await sql<{ empty: number }>(t.orm, `select count(*)::int as empty from thread where search_vector is null and removed_at is null`);
    expect(empty).toBe(0);
    expect(await found('行政许可')).toContain(threadId);
    expect(await found('xingzhengxuke')).not.toContain(threadId);
  });

  it('the reindex rebuilds the marked tables with pinyin; cut off mid-way, the next run goes on from where it stopped', async () => {
    const ids = (await sql<{ id: string }>(t.orm, `select id from thread where removed_at is null order by id`)).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(3);
    let batches = 0;
    const cutOff = (line: string) => {
      if (line.startsWith('thread:') && ++batches === 2) throw new Error('cut off');
    };
    await expect(reindexSearch(t.orm.em.fork(), { batch: 1, log: cutOff })).rejects.toThrow('cut off');
    expect((await rebuilds()).find((r) => r.source === 'thread')?.after_id).toBe(ids[1]);

    await reindexSearch(t.orm.em.fork());
    expect(await rebuilds()).toEqual([]);
    expect(await found('xingzhengxuke')).toContain(threadId);
    expect(await found('xzxk')).toContain(threadId);
    expect(await found('行政许可')).toContain(threadId);
    // Done: the next start has nothing to do.
    expect(await reindexSearch(t.orm.em.fork())).toBe(0);
  });
});
