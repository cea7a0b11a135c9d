/**
 * npm run bench:search
 *
 * Search at scale (issue 5): Jiaoliu on embedded PostgreSQL with Chinese text built from the
 * sentences of ../shared/seeds/*.txt, then
 *   1. indexing throughput through the application's path (toTsvectorLiteral, INSERT with
 *      `?::tsvector`, GIN maintenance live): segmentation alone and insert + index, docs/s and MB/s;
 *   2. search latency p50/p95/p99 through the real GraphQL endpoint (HTTP, signed-in officials
 *      with sessions written by SQL), one- and two-word queries, common and rare words,
 *      relevance and time order, 1 and 8 concurrent searchers, next to the same SQL statement
 *      (the statements prepareSearch sends and builds for the same viewer, run with their generic plans as search() runs them) run directly,
 *      and the final statement's EXPLAIN ANALYZE;
 *   3. the history page (GraphQL `conversation(id) { messages(first: 50) … }`, last 50 messages
 *      of a group) in requests/s next to the equivalent SQL through `pg` at the same concurrency
 *      (one statement), and next to the statements the API itself sends for such a request
 *      (session, access, page: captured from the server and replayed through `pg`).
 * Figures and ratios are printed; nothing passes or fails here (BENCHMARKS.md records them
 * against the issue's aims: search p95 <= 50 ms; history page >= 50% of the direct-SQL rate).
 *
 * Environment (defaults in brackets):
 *   BENCH_MESSAGES [1000000]  BENCH_REPLIES [100000]  BENCH_THREADS [10000]
 *   BENCH_OFFICIALS [2400]  BENCH_GROUPS [200]  BENCH_DISCUSSIONS [100]  BENCH_DIRECTS [3000]
 *   BENCH_SESSIONS [200] officials with a session (searchers and history readers, picked evenly)
 *   BENCH_BATCH [500] rows per INSERT while seeding
 *   BENCH_ROUNDS [60] requests per search cell (query × order × concurrency)
 *   BENCH_CONCURRENCY [1,8]   BENCH_HISTORY_SECONDS [8] per concurrency level and side
 *   BENCH_QUERIES: comma-separated queries instead of the default list
 *   BENCH_EXPLAIN: 1 prints the full EXPLAIN (ANALYZE, BUFFERS) plans, not only their times
 *   BENCH_PROFILE: 1 profiles the server (this process) during the search cells and the history pages
 *     and prints where its time went
 *   BENCH_SEED [2026] random seed of the data generator
 *   BENCH_DATA_DIR: keep the cluster in this folder (reachable by the postgres user, e.g. under /tmp)
 *     and reuse it when it already holds seeded data (skips seeding; pending migrations still run)
 *   BENCH_DATABASE_URL: use this running, already seeded PostgreSQL instead (database of a kept cluster)
 *   BENCH_SHARED_BUFFERS [a quarter of the memory, 128MB-8GB] shared_buffers of the embedded server
 * Quick run: BENCH_MESSAGES=50000 BENCH_REPLIES=5000 BENCH_THREADS=500 BENCH_ROUNDS=20 npm run bench:search
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { buildApp } from '../../server/app.js';
import { loadConfig, NO_RATE_LIMITS } from '../../server/config.js';
import { startEmbeddedPostgres, tempDataDir, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { migrate, ormOptions } from '../../server/db/orm.js';
import type { DomainContext } from '../../server/modules/context.js';
import { prepareSearch, runSearch, type SearchArgs } from '../../server/modules/search/search.js';
import { queryWords, toTsqueryLiteral } from '../../server/modules/content/segment.js';
import type { ClientRequest, RunMessage, RunResult } from './search/client.js';
import { machineBusyPercent, startProfile, summariseProfile } from './chat/measure.js';
import { random } from './search/corpus.js';
import { createViewers, seedSearch, type IndexingFigures, type Viewer } from './search/seed.js';
import { captureStatements, replayStatements, type SentStatement } from '../helpers/statements.js';

const env = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, not "${raw}"`);
  return value;
};
const MESSAGES = Math.round(env('BENCH_MESSAGES', 1_000_000));
const REPLIES = Math.round(env('BENCH_REPLIES', 100_000));
const THREADS = Math.round(env('BENCH_THREADS', 10_000));
const OFFICIALS = Math.round(env('BENCH_OFFICIALS', 2400));
const GROUPS = Math.max(1, Math.round(env('BENCH_GROUPS', 200)));
const DISCUSSIONS = Math.round(env('BENCH_DISCUSSIONS', 100));
const DIRECTS = Math.round(env('BENCH_DIRECTS', 3000));
const SESSIONS = Math.max(1, Math.round(env('BENCH_SESSIONS', 200)));
const BATCH = Math.max(1, Math.round(env('BENCH_BATCH', 500)));
const ROUNDS = Math.max(1, Math.round(env('BENCH_ROUNDS', 60)));
const HISTORY_SECONDS = env('BENCH_HISTORY_SECONDS', 8);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map((c) => Math.max(1, Math.round(Number(c))));
const EXPLAIN_FULL = process.env.BENCH_EXPLAIN === '1';
const PROFILE = process.env.BENCH_PROFILE === '1';
const SEED = Math.round(env('BENCH_SEED', 2026));
/** Common words (in a large share of the seed sentences), words in few sentences, two-word queries. */
const QUERIES = (process.env.BENCH_QUERIES ?? '政务,会议,许可,华西都市报,行政 许可,窗口 服务,政务 服务').split(',').map((q) => q.trim()).filter(Boolean);
const SORTS = ['RELEVANCE', 'TIME'] as const;

const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : '—');
const pctl = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const log = (line: string) => console.log(line);

/** Runs `total` calls of `fn` with `concurrency` callers in a closed loop; latencies and wall time. */
async function closedLoop(concurrency: number, total: number, fn: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - start };
}

/** As many calls as `concurrency` callers complete in `seconds` (after a short warm-up). */
async function forSeconds(concurrency: number, seconds: number, fn: (i: number) => Promise<void>): Promise<{ count: number; latencies: number[]; wallMs: number }> {
  await closedLoop(concurrency, concurrency * 5, fn);
  const latencies: number[] = [];
  let i = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await fn(i++);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { count: latencies.length, latencies, wallMs: performance.now() - start };
}

function indexingRows(label: string, f: IndexingFigures): string {
  const mb = f.bytes / 1e6;
  const rate = (ms: number) => `${num(f.docs / (ms / 1000))} docs/s, ${(mb / (ms / 1000)).toFixed(2)} MB/s`;
  return (
    `  ${label.padEnd(9)} ${num(f.docs).padStart(10)} docs, ${mb.toFixed(1)} MB of text (avg ${num(f.bytes / Math.max(1, f.docs))} B), tsvector literals ${(f.vectorBytes / 1e6).toFixed(1)} MB\n` +
    `            segmentation alone ${rate(f.segmentMs)}\n` +
    `            INSERT + GIN alone ${rate(f.insertMs)}\n` +
    `            pipeline (both)    ${rate(f.wallMs)}  (${(f.wallMs / 1000).toFixed(1)} s)`
  );
}

// --- Main ------------------------------------------------------------------------------------

console.log(`Jiaoliu search benchmark — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(
  `${num(OFFICIALS)} officials, ${GROUPS} groups, ${DISCUSSIONS} discussion groups, ${num(DIRECTS)} private chats; ` +
    `${num(MESSAGES)} messages, ${num(THREADS)} threads, ${num(REPLIES)} replies; ${ROUNDS} requests per search cell, concurrency ${CONCURRENCY.join(' and ')}`,
);

const KEEP_DIR = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : null;
const EXTERNAL_URL = process.env.BENCH_DATABASE_URL || null;
const clusterDir = KEEP_DIR ?? tempDataDir('jiaoliu-bench-search-');
// A dedicated database server keeps its working set in shared buffers (PostgreSQL's usual advice:
// a quarter of the memory); the default 128 MB would measure copies from the OS page cache.
const SHARED_BUFFERS = process.env.BENCH_SHARED_BUFFERS || `${Math.max(128, Math.min(8192, Math.floor(os.totalmem() / 4 / 2 ** 20)))}MB`;
let db: EmbeddedDatabase | null = null;
try {
  const reuse = EXTERNAL_URL !== null || (KEEP_DIR !== null && fs.existsSync(path.join(KEEP_DIR, 'PG_VERSION')));
  if (!EXTERNAL_URL) {
    db = await startEmbeddedPostgres(clusterDir, () => {}, { shared_buffers: SHARED_BUFFERS });
    if (!reuse) await db.createDatabase('bench');
  }
  const url = EXTERNAL_URL ?? db!.url('bench');
  console.log(`PostgreSQL: ${EXTERNAL_URL ? 'the running server at BENCH_DATABASE_URL' : `embedded, shared_buffers ${SHARED_BUFFERS}`}`);
  const orm = await MikroORM.init(ormOptions(url));
  const direct = new pg.Pool({ connectionString: url, max: 10 });
  try {
    await migrate(orm);
    if (reuse) {
      const { rows } = await direct.query<{ n: string }>(`select count(*) as n from message`);
      console.log(`\nreusing the seeded cluster in ${KEEP_DIR} (${num(Number(rows[0].n))} messages): no seeding, no indexing figures`);
    }
    const seedStart = performance.now();
    const seeded = reuse ? null : await seedSearch(
      orm,
      url,
      { officials: OFFICIALS, groups: GROUPS, discussions: DISCUSSIONS, directs: DIRECTS, messages: MESSAGES, threads: THREADS, replies: REPLIES, batch: BATCH, seed: SEED },
      (line) => console.log(line),
    );
    const seedMs = performance.now() - seedStart;
    const vacuumStart = performance.now();
    if (!reuse) await direct.query('vacuum analyze');
    const vacuumMs = performance.now() - vacuumStart;
    if (seeded) {
      const sizes = seeded.groupSizes;
      console.log(`  group sizes: min ${sizes[0]}, median ${sizes[Math.floor(sizes.length / 2)]}, max ${sizes[sizes.length - 1]}; seeded in ${(seedMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s`);
    }
    const tableSizes = await direct.query<{ name: string; rows: string; heap: string; gin: string }>(
      `select c.relname as name, c.reltuples::bigint as rows, pg_size_pretty(pg_table_size(c.oid)) as heap, (select pg_size_pretty(sum(pg_relation_size(i.indexrelid))) from pg_index i join pg_class ic on ic.oid = i.indexrelid
                where i.indrelid = c.oid and ic.relname like '%search_vector%') as gin
         from pg_class c where c.relname in ('message', 'thread', 'thread_reply') order by c.relname`,
    );
    for (const t of tableSizes.rows) console.log(`  ${t.name}: ${num(Number(t.rows))} rows, table ${t.heap}, GIN index ${t.gin}`);

    if (seeded) {
      console.log('\nindexing throughput (application path: toTsvectorLiteral, multi-row INSERT with ?::tsvector, GIN indexes live):');
      const { messages: mf, threads: tf, replies: rf } = seeded.indexing;
      console.log(indexingRows('messages', mf));
      if (tf.docs) console.log(indexingRows('threads', tf));
      if (rf.docs) console.log(indexingRows('replies', rf));
      const all = [mf, tf, rf].reduce((a, f) => ({ docs: a.docs + f.docs, bytes: a.bytes + f.bytes, segmentMs: a.segmentMs + f.segmentMs, insertMs: a.insertMs + f.insertMs, wallMs: a.wallMs + f.wallMs, vectorBytes: a.vectorBytes + f.vectorBytes }));
      console.log(indexingRows('all', all));
      console.log(`  insert+index / segmentation throughput: ${(all.segmentMs / all.insertMs).toFixed(2)} (below 1: the database is the slower stage)`);
    }

    // Viewers: the searchers, by how many conversations they can read.
    const viewers = await createViewers(url, SESSIONS);
    const byReach = [...viewers].sort((a, b) => a.conversations - b.conversations);
    const typical = byReach[Math.floor(byReach.length / 2)];
    console.log(
      `\nsearchers: ${viewers.length} officials with sessions, each in ${Math.min(...viewers.map((v) => v.groups))}-${Math.max(...viewers.map((v) => v.groups))} groups and ` +
        `${Math.min(...viewers.map((v) => v.conversations))}-${Math.max(...viewers.map((v) => v.conversations))} conversations (median ${typical.conversations})`,
    );

    // How often each query matches, over everything and within the typical searcher's reach.
    console.log('\nquery words and matches (all documents / readable by the median searcher):');
    for (const q of QUERIES) {
      const tsquery = toTsqueryLiteral(queryWords(q));
      const counts = await direct.query<{ m: string; t: string; r: string; mine: string }>(
        `select (select count(*) from message where search_vector @@ $1::tsquery) as m,
                (select count(*) from thread where search_vector @@ $1::tsquery) as t,
                (select count(*) from thread_reply where search_vector @@ $1::tsquery) as r,
                (select count(*) from message m join conversation_member cm on cm.conversation_id = m.conversation_id and cm.user_id = $2
                  where m.search_vector @@ $1::tsquery) as mine`,
        [tsquery, typical.userId],
      );
      const c = counts.rows[0];
      console.log(`  "${q}" → ${queryWords(q).join(' + ')}: messages ${num(Number(c.m))} (${((Number(c.m) / Math.max(1, MESSAGES)) * 100).toFixed(2)} %), threads ${num(Number(c.t))}, replies ${num(Number(c.r))}; messages readable by the median searcher ${num(Number(c.mine))}`);
    }

    let child: ReturnType<typeof fork> | null = null;
    const app = await buildApp(loadConfig({ port: 0, host: '127.0.0.1', logLevel: process.env.LOG_LEVEL || 'fatal', demoData: false , rateLimit: NO_RATE_LIMITS }), orm);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
      // The load generator runs in its own process: the server's event loop only serves.
      child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'search', 'client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const load = (message: Omit<RunMessage, 'type' | 'endpoint'>) =>
        new Promise<RunResult>((resolve, reject) => {
          child!.once('message', (result: RunResult) => (result.errors < 0 ? reject(new Error(result.firstError)) : resolve(result)));
          child!.send({ type: 'run', endpoint, ...message } satisfies RunMessage);
        });
      let graphqlErrors = 0;
      let firstError = '';
      const noteErrors = (r: RunResult) => {
        graphqlErrors += r.errors;
        firstError ||= r.firstError;
        return r;
      };

      // Other work on the machine skews every figure: say how busy it is while this run is idle.
      const idleBusy = await machineBusyPercent(2000);
      console.log(`\nmachine CPU busy while the benchmark idles (2 s): ${idleBusy === null ? 'unknown' : `${idleBusy.toFixed(0)} % of one core`} (${os.cpus().length} cores)`);

      // The floor: an authenticated request that touches no data (HTTP, session lookup, GraphQL).
      const floorRequests: ClientRequest[] = viewers.map((v) => ({ query: '{ viewer { id } }', variables: {}, token: v.token }));
      const floor = noteErrors(await load({ requests: floorRequests, concurrency: 1, total: 200, warmup: 20 }));
      console.log(`\nfloor: authenticated \`{ viewer { id } }\` over HTTP p50 ${ms(pctl(floor.latencies, 50))}, p95 ${ms(pctl(floor.latencies, 95))}`);

      // --- Search ---
      const SEARCH = `query($q: String!, $s: SearchSort) { search(query: $q, sort: $s, first: 20) {
        words pageInfo { hasNextPage endCursor }
        edges { cursor node { type id createdAt seq floor conversationId author { id realName } group { id name } thread { id title } title { text match } snippet { text match } } } } }`;
      const pick = random(SEED + 1);
      const viewerAt = () => viewers[Math.floor(pick() * viewers.length)];

      /** The statement search() sends for this viewer and query (prepareSearch, as search() builds it). */
      const sqlOf = async (viewer: Viewer, args: SearchArgs) => {
        const ctx = { actor: { userId: viewer.userId, sessionId: '', unitId: '', isSystemAdmin: false, adminUnitPaths: [] }, em: orm.em.fork() } as unknown as DomainContext;
        const prepared = await prepareSearch(ctx, args);
        if ('page' in prepared) throw new Error('search() sent no SQL');
        return prepared;
      };
      const sqlEm = orm.em.fork();

      console.log(`\nsearch over GraphQL (first: 20, snippets, authors, groups, threads), ${ROUNDS} requests per cell, random searchers:`);
      console.log(`  ${'query'.padEnd(14)}${'order'.padEnd(11)}${'conc'.padEnd(6)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'req/s'.padStart(9)}   ${'SQL alone p50'.padStart(13)}${'p95'.padStart(10)}   API p50 / SQL p50`);
      const stopProfile = PROFILE ? await startProfile() : null;
      const searchCells: Array<{ q: string; sort: string; concurrency: number; p50: number; p95: number; p99: number; sqlP50: number; sqlP95: number }> = [];
      for (const q of QUERIES) {
        for (const sort of SORTS) {
          // SQL alone, one at a time, same random viewers.
          const sqlTimes: number[] = [];
          for (let i = 0; i < Math.max(10, Math.floor(ROUNDS / 2)); i++) {
            // Timed from prepareSearch on: in time order it may send statements of its own first
            // (the scopes' windows and the merged walk), whose rows the final statement takes.
            const t = performance.now();
            const prepared = await sqlOf(viewerAt(), { query: q, sort, first: 20 });
            await runSearch(sqlEm, prepared);
            sqlTimes.push(performance.now() - t);
          }
          for (const concurrency of CONCURRENCY) {
            const requests = Array.from({ length: ROUNDS }, () => ({ query: SEARCH, variables: { q, s: sort }, token: viewerAt().token }));
            const run = noteErrors(await load({ requests, concurrency, total: ROUNDS, warmup: 2 }));
            if (run.nonEmpty === 0) console.log(`  (no answer for "${q}" had results)`);
            const cell = { q, sort, concurrency, p50: pctl(run.latencies, 50), p95: pctl(run.latencies, 95), p99: pctl(run.latencies, 99), sqlP50: pctl(sqlTimes, 50), sqlP95: pctl(sqlTimes, 95) };
            searchCells.push(cell);
            console.log(
              `  ${q.padEnd(14 - [...q].filter((ch) => ch.charCodeAt(0) > 255).length)}${sort.padEnd(11)}${String(concurrency).padEnd(6)}${ms(cell.p50).padStart(10)}${ms(cell.p95).padStart(10)}${ms(cell.p99).padStart(10)}${num(ROUNDS / (run.wallMs / 1000), 1).padStart(9)}   ` +
                `${(concurrency === CONCURRENCY[0] ? ms(cell.sqlP50) : '').padStart(13)}${(concurrency === CONCURRENCY[0] ? ms(cell.sqlP95) : '').padStart(10)}   ${(cell.p50 / cell.sqlP50).toFixed(2)}`,
            );
          }
        }
      }
      if (graphqlErrors) console.log(`  GraphQL errors: ${graphqlErrors}; first: ${firstError}`);
      if (stopProfile) console.log(`\nwhere the server spent its CPU during the search cells (profiler on):\n${summariseProfile(await stopProfile(), 25)}`);

      console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of search()'s SQL for the median searcher (${typical.conversations} conversations, ${typical.groups} groups):`);
      for (const q of QUERIES) {
        for (const sort of SORTS) {
          const { statement } = await sqlOf(typical, { query: q, sort, first: 20 });
          const [text, values] = [statement.numbered, [...statement.values]];
          // Planned for these values (a custom plan); search() itself runs the shape's generic plan.
          const plan = (await direct.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, values)).rows.map((r) => r['QUERY PLAN']);
          const exec = plan.find((l) => l.startsWith('Execution Time')) ?? '';
          console.log(`  "${q}" ${sort}: ${exec.replace('Execution Time: ', 'execution ')}`);
          if (EXPLAIN_FULL) console.log(plan.map((l) => `      ${l}`).join('\n'));
        }
      }

      // --- History page ---
      const HISTORY = `query($id: ID!) { conversation(id: $id) { messages(first: 50) { edges { node { id seq body author { realName } createdAt } } } } }`;
      const DIRECT_HISTORY = {
        name: 'bench_history_page',
        text: `select m.id, m.seq, m.body, u.real_name, m.created_at
                 from message m join app_user u on u.id = m.author_id
                where m.conversation_id = $1
                  and exists (select 1 from conversation_member cm where cm.conversation_id = $1 and cm.user_id = $2)
                order by m.seq desc limit 50`,
      };
      const readers = viewers.filter((v) => v.groupConversations.length);
      const hpick = random(SEED + 2);
      const page = () => {
        const v = readers[Math.floor(hpick() * readers.length)];
        return { v, conversation: v.groupConversations[Math.floor(hpick() * v.groupConversations.length)] };
      };
      const historyRequests = Array.from({ length: 2000 }, () => {
        const { v, conversation } = page();
        return { query: HISTORY, variables: { id: conversation }, token: v.token };
      });
      const check = noteErrors(await load({ requests: historyRequests.slice(0, 20), concurrency: 1, total: 20, warmup: 0 }));
      // The API's own SQL: the statements one history request sends (session, access, page, …),
      // captured from the server for 50 of the requests and replayed directly through `pg`.
      const apiStatements: SentStatement[][] = [];
      for (const r of historyRequests.slice(0, 50)) {
        apiStatements.push(
          await captureStatements(() =>
            app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' }, payload: { query: r.query, variables: r.variables } }),
          ),
        );
      }
      const perRequest = apiStatements.map((s) => s.length).sort((a, b) => a - b);
      console.log(`
history page: the API sends ${perRequest[0]}-${perRequest[perRequest.length - 1]} statements per request; first request's: ${apiStatements[0].map((s) => s.text.replace(/\s+/g, ' ').slice(0, 60)).join(' | ')}`);
      console.log(`\nhistory page (last 50 messages of a group the reader belongs to; ${check.nonEmpty} of 20 check answers had messages), ${HISTORY_SECONDS} s per side and level:`);
      console.log(
        `  ${'conc'.padEnd(6)}${'GraphQL req/s'.padStart(14)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'direct pg req/s'.padStart(17)}${'p50'.padStart(10)}${'p95'.padStart(10)}   GraphQL / direct` +
          `${"API's SQL req/s".padStart(18)}${'p50'.padStart(10)}   GraphQL / API's SQL`,
      );
      const historyCells: Array<{ concurrency: number; ratio: number; apiSqlRatio: number }> = [];
      const stopHistoryProfile = PROFILE ? await startProfile() : null;
      for (const concurrency of CONCURRENCY) {
        const apiRun = noteErrors(await load({ requests: historyRequests, concurrency, seconds: HISTORY_SECONDS, warmup: 5 }));
        const api = { count: apiRun.latencies.length, latencies: apiRun.latencies, wallMs: apiRun.wallMs };
        const sql = await forSeconds(concurrency, HISTORY_SECONDS, async () => {
          const { v, conversation } = page();
          await direct.query({ ...DIRECT_HISTORY, values: [conversation, v.userId] });
        });
        let next = 0;
        const replay = await forSeconds(concurrency, HISTORY_SECONDS, async () => replayStatements(direct, apiStatements[next++ % apiStatements.length]));
        const apiRate = api.count / (api.wallMs / 1000);
        const sqlRate = sql.count / (sql.wallMs / 1000);
        const replayRate = replay.count / (replay.wallMs / 1000);
        historyCells.push({ concurrency, ratio: apiRate / sqlRate, apiSqlRatio: apiRate / replayRate });
        console.log(
          `  ${String(concurrency).padEnd(6)}${num(apiRate, 0).padStart(14)}${ms(pctl(api.latencies, 50)).padStart(10)}${ms(pctl(api.latencies, 95)).padStart(10)}` +
            `${num(sqlRate, 0).padStart(17)}${ms(pctl(sql.latencies, 50)).padStart(10)}${ms(pctl(sql.latencies, 95)).padStart(10)}   ${((apiRate / sqlRate) * 100).toFixed(0).padStart(3)} %` +
            `${num(replayRate, 0).padStart(18)}${ms(pctl(replay.latencies, 50)).padStart(10)}   ${((apiRate / replayRate) * 100).toFixed(0)} %`,
        );
      }
      if (stopHistoryProfile) console.log(`\nwhere the server spent its CPU during the history pages (both sides; profiler on):\n${summariseProfile(await stopHistoryProfile(), 25)}`);
      if (graphqlErrors) console.log(`  GraphQL errors so far: ${graphqlErrors}; first: ${firstError}`);
      child.send({ type: 'close' });
      child = null;

      // --- Aims ---
      const worst = searchCells.reduce((a, c) => (c.p95 > a.p95 ? c : a), searchCells[0]);
      const over = searchCells.filter((c) => c.p95 > 50);
      console.log(
        `\naims: search p95 <= 50 ms ${over.length ? `MISSED in ${over.length} of ${searchCells.length} cells` : 'met in every cell'} ` +
          `(worst: "${worst.q}" ${worst.sort} at ${worst.concurrency}: ${ms(worst.p95)}); ` +
          `history page >= 50% of direct SQL ${historyCells.every((h) => h.ratio >= 0.5) ? 'met' : 'MISSED'} (${historyCells.map((h) => `${(h.ratio * 100).toFixed(0)} % at ${h.concurrency}`).join(', ')}; ` +
          `against the API's own statements replayed: ${historyCells.map((h) => `${(h.apiSqlRatio * 100).toFixed(0)} % at ${h.concurrency}`).join(', ')})`,
      );
    } finally {
      child?.kill();
      await app.close();
    }
  } finally {
    await direct.end();
    await orm.close(true);
  }
} finally {
  await db?.stop();
  if (!KEEP_DIR) fs.rmSync(path.dirname(clusterDir), { recursive: true, force: true });
}
