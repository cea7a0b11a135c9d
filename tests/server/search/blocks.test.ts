import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { sql } from '../../helpers/demo.js';
import { captureStatements } from '../../helpers/statements.js';
import { toTsvectorLiteral } from '../../../server/modules/content/segment.js';
import { forgetWordShares, wordShares } from '../../../server/modules/search/wordShare.js';
import { mergeTuning } from '../../../server/modules/search/search.js';
import { queryWithGenericPlan } from '../../../server/db/sql.js';
import { sqlText } from '../../../server/db/statement.js';

/**
 * Search reads a large conversation block by block (or, for a common word, walks it newest first)
 * and a group's replies the same way. Whatever the path, it must return exactly what a plain scan
 * returns, in time order, without repeats or gaps across pages.
 */
const SEARCH = `query($q: String!, $f: SearchFilter, $s: SearchSort, $first: Int, $after: String) {
  search(query: $q, filter: $f, sort: $s, first: $first, after: $after) { edges { node { id type } } pageInfo { hasNextPage endCursor } } }`;

const MESSAGES = 5000; // more than the 16 newest blocks of 256 that are probed one by one
const REPLIES = 5000; // likewise more than a group's 16 newest blocks of 256 replies
const THREADS = 100; // more than the merged walk's window of a group's threads

let t: TestApp;
let li: Client & { userId: string };
let conversationId: string;
let groupId: string;

/** Every 1 in `every` rows holds the word; plus filler that always holds 常见. */
const body = (i: number) =>
  [`第${i}条 常见 的工作交流`, i % 20 === 0 ? '中等频率' : '', i % 2 === 0 ? '偶数' : '', i === 3 || i === 700 || i === MESSAGES - 2 ? '罕见专有名词华西都市报' : ''].join(' ');

async function pages(viewer: Client, q: string, sort: 'TIME' | 'RELEVANCE', types: string[] | null, limit = 200) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < limit; page++) {
    const { search }: any = await viewer.request(SEARCH, { q, s: sort, f: types ? { types, groupId } : null, first: 50, after });
    ids.push(...search.edges.map((e: any) => e.node.id));
    if (!search.pageInfo.hasNextPage) break;
    after = search.pageInfo.endCursor;
  }
  return ids;
}

beforeAll(async () => {
  // No job scheduler: its polls would be counted among the statements these tests measure.
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  li = await signedIn(t.url, 'lijinsong');
  const { createGroup } = await li.request(`mutation { createGroup(input: { name: "大群检索", purpose: "检验分块检索", rules: "实名", visibility: INVITE_ONLY }) { id conversation { id } boards { id } } }`);
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  const { createThread } = await li.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId: createGroup.boards[0].id, title: '分块检索', body: '帖子正文' } });
  // Rows written straight to the tables (as an import would), a second apart, newest last.
  const start = Date.now() - (MESSAGES + 10) * 1000;
  for (let from = 1; from <= MESSAGES; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, MESSAGES - from + 1) }, (_, k) => from + k);
    await sql(
      t.orm,
      `insert into message (id, conversation_id, seq, author_id, body, client_message_id, mentions_all, created_at, search_vector)
       select gen_random_uuid(), ?, v.seq, ?, v.body, 'bulk-' || v.seq, false, to_timestamp(v.at / 1000.0), v.vector::tsvector
         from unnest(array[?]::int[], array[?]::text[], array[?]::float8[], array[?]::text[]) as v(seq, body, at, vector)`,
      [conversationId, li.userId, rows, rows.map(body), rows.map((i) => start + i * 1000), rows.map((i) => toTsvectorLiteral(body(i)))],
    );
  }
  await sql(t.orm, `update conversation set last_seq = ?, last_message_at = now() where id = ?`, [MESSAGES, conversationId]);
  const replies = Array.from({ length: REPLIES }, (_, k) => k + 1);
  await sql(
    t.orm,
    `insert into thread_reply (id, thread_id, group_id, group_seq, floor, author_id, body, created_at, search_vector)
     select gen_random_uuid(), ?, ?, v.floor, v.floor, ?, v.body, to_timestamp(v.at / 1000.0), v.vector::tsvector
       from unnest(array[?]::int[], array[?]::text[], array[?]::float8[], array[?]::text[]) as v(floor, body, at, vector) order by v.floor`,
    [createThread.id, groupId, li.userId, replies, replies.map(body), replies.map((i) => start + i * 1000), replies.map((i) => toTsvectorLiteral(body(i)))],
  );
  await sql(t.orm, `update thread set last_floor = ?, reply_count = ? where id = ?`, [REPLIES, REPLIES, createThread.id]);
  await sql(t.orm, `update chat_group set last_reply_seq = ? where id = ?`, [REPLIES, groupId]);
  // Threads among them, one every 50 seconds of the same span, holding the same words.
  const threads = Array.from({ length: THREADS }, (_, k) => (k + 1) * 50);
  await sql(
    t.orm,
    `insert into thread (id, group_id, board_id, author_id, title, body, created_at, last_activity_at, search_vector)
     select gen_random_uuid(), ?, ?, ?, '帖子' || v.i, v.body, to_timestamp(v.at / 1000.0), to_timestamp(v.at / 1000.0), v.vector::tsvector
       from unnest(array[?]::int[], array[?]::text[], array[?]::float8[], array[?]::text[]) as v(i, body, at, vector)`,
    [groupId, createGroup.boards[0].id, li.userId, threads, threads.map(body), threads.map((i) => start + i * 1000 + 500), threads.map((i) => toTsvectorLiteral(body(i)))],
  );
  await sql(t.orm, `analyze message; analyze thread_reply; analyze thread`);
  forgetWordShares();
}, 120_000);
afterAll(() => t?.close());

const expected = async (table: 'message' | 'thread_reply', scope: string, q: string) =>
  (
    await sql<{ id: string }>(
      t.orm,
      `select id from ${table} where ${table === 'message' ? 'conversation_id' : 'group_id'} = ? and search_vector @@ ?::tsquery order by created_at desc, id desc`,
      [scope, q.split(' ').join(' & ')],
    )
  ).map((r) => r.id);

describe('search over large scopes', () => {
  it('reads the statistics: a word in every message is common, one in every twentieth is not', async () => {
    const [common, middling] = await wordShares(t.orm.em.fork(), 'message', ['常见', '中等']);
    expect(common).toBeGreaterThan(0.5);
    expect(middling).toBeLessThan(0.1);
  });

  for (const [label, q] of [
    ['a common word (walk newest first)', '常见'],
    ['two words, half of the rows', '常见 偶数'],
    ['a word in 5% of the rows (blocks)', '中等'],
    ['two words, the rarer one probed and the other tested on its rows', '中等 偶数'],
    ['a rare word, mostly older than the newest blocks (blocks, then the rest at once)', '华西都市报'],
  ] as const) {
    it(`finds exactly the matching messages in time order, page after page: ${label}`, async () => {
      const want = await expected('message', conversationId, q);
      expect(want.length).toBeGreaterThan(0);
      const got = await pages(li, q, 'TIME', ['GROUP_MESSAGE']);
      // A common word has thousands of matches: the first 400 are compared (8 pages).
      const n = Math.min(want.length, 400);
      expect(got.slice(0, n)).toEqual(want.slice(0, n));
      if (want.length <= 400) expect(got).toEqual(want);
    });

    it(`finds exactly the matching replies in time order: ${label}`, async () => {
      const want = await expected('thread_reply', groupId, q);
      const got = await pages(li, q, 'TIME', ['REPLY']);
      const n = Math.min(want.length, 400);
      expect(got.slice(0, n)).toEqual(want.slice(0, n));
      if (want.length <= 400) expect(got).toEqual(want);
    });
  }

  it('prepares the statement of the search box once per shape (generic plan, on connections of its own), a filtered search each time, and leaves the ORM’s connections as they were', async () => {
    const sent = await captureStatements(() => li.request(SEARCH, { q: '中等', s: 'TIME', first: 20 }));
    const named = sent.filter((s) => /^jiaoliu_search_[0-9a-f]{20}$/.test(s.name ?? ''));
    expect(named).toHaveLength(1);
    // The settings come with the connection: no statement sets or resets them.
    expect(sent.some((s) => /^\s*(set|reset)\b/i.test(s.text))).toBe(false);
    const em = t.orm.em.fork();
    const mode = sqlText(`select current_setting('plan_cache_mode') || ' ' || current_setting('enable_sort') as mode`);
    const [walkLike] = await queryWithGenericPlan<{ mode: string }>(em, 'jiaoliu_test_mode_unsorted', mode, { enable_sort: 'off' });
    const [finalLike] = await queryWithGenericPlan<{ mode: string }>(em, 'jiaoliu_test_mode', mode);
    expect([walkLike.mode, finalLike.mode]).toEqual(['force_generic_plan off', 'force_generic_plan on']);
    const filtered = await captureStatements(() => pages(li, '中等', 'TIME', ['GROUP_MESSAGE']));
    expect(filtered.some((s) => s.name?.startsWith('jiaoliu_search_'))).toBe(false);
    expect(filtered.some((s) => /from message x/.test(s.text))).toBe(true);
    const modes = await Promise.all(
      Array.from({ length: 8 }, () => sql<{ mode: string }>(t.orm, `select current_setting('plan_cache_mode') || ' ' || current_setting('enable_sort') as mode, pg_sleep(0.01)`)),
    );
    expect(new Set(modes.map(([r]) => r.mode))).toEqual(new Set(['auto on']));
  });

  // The search box in time order walks all of the viewer's scopes in one merge when the words are
  // common enough; it must give exactly what the per-scope path gives (checked above against a
  // plain scan), page after page, also when most rows lie below the scopes' windows.
  for (const [window, threadWindow] of [
    [1024, 128],
    [100, 5],
  ]) {
    it(`merges the walks of every scope into exactly the per-scope path's pages (windows of ${window} rows, ${threadWindow} threads)`, async () => {
      const saved = { ...mergeTuning };
      const threadIds = new Set((await sql<{ id: string }>(t.orm, `select id from thread where group_id = ?`, [groupId])).map((r) => r.id));
      try {
        mergeTuning.window = window;
        mergeTuning.threadWindow = threadWindow;
        for (const q of ['常见', '中等', '常见 偶数', '中等 偶数']) {
          const sent = await captureStatements(() => li.request(SEARCH, { q, s: 'TIME', first: 20 }));
          expect(sent.some((s) => s.name?.startsWith('jiaoliu_search_walk_')), q).toBe(true);
          const merged = await pages(li, q, 'TIME', null, 6);
          mergeTuning.enabled = false;
          const perScope = await pages(li, q, 'TIME', null, 6);
          mergeTuning.enabled = true;
          expect(merged.length).toBeGreaterThan(100);
          expect(merged).toEqual(perScope);
          expect(merged.filter((id) => threadIds.has(id)).length, q).toBeGreaterThan(0);
        }
      } finally {
        Object.assign(mergeTuning, saved);
      }
    });
  }

  it('ranks the same pool on every page by relevance: no repeats, only matches, the rare word complete', async () => {
    for (const q of ['常见', '中等', '华西都市报']) {
      const got = await pages(li, q, 'RELEVANCE', ['GROUP_MESSAGE', 'REPLY']);
      expect(new Set(got).size).toBe(got.length);
      const all = new Set([...(await expected('message', conversationId, q)), ...(await expected('thread_reply', groupId, q))]);
      expect(got.every((id) => all.has(id))).toBe(true);
      expect(got.length).toBe(Math.min(all.size, got.length));
      if (all.size < 100) expect(new Set(got)).toEqual(all);
      else expect(got.length).toBeGreaterThanOrEqual(100);
    }
  });
});
