/**
 * npm run bench:metrics
 *
 * The cost of the /metrics instrumentation on the send path (issue 13): two Jiaoliu apps in
 * this process on one embedded PostgreSQL, one with METRICS_ENABLED=false (no HTTP or GraphQL
 * hooks, counters off) and one with metrics on. Each has WebSocket subscribers in G groups
 * (half on the shared lane, half per subscriber); the groups' owners send `sendMessage` in a
 * closed loop (K in flight per sender). Rounds alternate off, on, on, off… so that drift (the
 * message table growing, other load on the machine) falls on both alike.
 *
 * Printed per mode: sends/s over the send windows, client-side p50/p95 of the sendMessage round
 * trip, and this process's CPU time per send (server and load generator; the generator's share
 * is the same in both modes), and the instrumentation's own work per send run directly (the
 * end-to-end difference is within the noise of a shared machine). Nothing passes or fails; BENCHMARKS.md records the figures.
 * Note: prom-client's process collectors (event-loop delay, GC) start with the first app that
 * has metrics on and stay for the process, so later "off" rounds carry them too.
 *
 * Environment (defaults in brackets): BENCH_SENDS [2000] per mode, BENCH_ROUNDS [4] per mode,
 *   BENCH_GROUPS [2], BENCH_GROUP_SIZE [20] (owner + subscribers), BENCH_IN_FLIGHT [2] per sender.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildApp } from '../../server/app.js';
import { loadConfig, NO_RATE_LIMITS } from '../../server/config.js';
import { startEmbeddedPostgres, tempDataDir, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { migrate, ormOptions } from '../../server/db/orm.js';
import { countDelivered, countPublished, graphqlDuration, graphqlOperations, httpDuration, httpRequests, registry, sendLatency, setMetricsEnabled } from '../../server/metrics/registry.js';
import { planMembers, seedChat, type SeededLayout } from './chat/seed.js';
import { postGraphQL } from './post.js';

const env = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
};
const SENDS = env('BENCH_SENDS', 2000);
const ROUNDS = env('BENCH_ROUNDS', 4);
const GROUPS = env('BENCH_GROUPS', 2);
const GROUP_SIZE = env('BENCH_GROUP_SIZE', 20);
const IN_FLIGHT = env('BENCH_IN_FLIGHT', 2);
const WARMUP = 100;

const SEND = `mutation BenchSend($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }`;
const SHARED_DOC = `subscription Live { chatEvents { id type conversationId message { id seq body author { id realName } } } }`;
const PER_SUBSCRIBER_DOC = `subscription LiveMine { chatEvents { id type conversationId message { id seq body clientMessageId author { id realName } } } }`;

interface Target {
  mode: 'off' | 'on';
  app: FastifyInstance;
  orm: MikroORM;
  url: string;
  agent: http.Agent;
  sockets: WebSocket[];
  /** `next` frames received by this target's subscribers. */
  frames: { count: number };
}

interface Figures {
  latencies: number[];
  sendMs: number;
  cpuMicros: number;
  sends: number;
  delivered: number;
  expected: number;
}

function subscribe(url: string, token: string, query: string, frames: { count: number }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('{"type":"next"')) frames.count++;
      else if (text.includes('"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        setTimeout(() => resolve(socket), 50);
      } else if (text.includes('"type":"error"')) reject(new Error(text));
    });
    socket.on('error', reject);
  });
}

async function startTarget(mode: 'off' | 'on', databaseUrl: string, layout: SeededLayout): Promise<Target> {
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: process.env.LOG_LEVEL || 'fatal', demoData: false, rateLimit: NO_RATE_LIMITS, metrics: { enabled: mode === 'on', token: null, allow: ['127.0.0.1', '::1'] } });
  const app = await buildApp(config, orm);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const frames = { count: 0 };
  const sockets: WebSocket[] = [];
  for (const group of layout.groups) {
    for (const [k, member] of group.members.slice(1).entries()) {
      sockets.push(await subscribe(url, layout.tokens[member], k % 2 ? PER_SUBSCRIBER_DOC : SHARED_DOC, frames));
    }
  }
  return { mode, app, orm, url, agent: new http.Agent({ keepAlive: true, maxSockets: GROUPS * IN_FLIGHT }), sockets, frames };
}

let sequence = 0;

/** `count` sends spread over the groups' owners, IN_FLIGHT at a time each; latencies in ms. */
async function sendBatch(target: Target, layout: SeededLayout, count: number): Promise<{ latencies: number[]; ms: number }> {
  const latencies: number[] = [];
  let left = count;
  const endpoint = new URL('/graphql', target.url);
  const worker = async (group: SeededLayout['groups'][number]) => {
    const token = layout.tokens[group.members[0]];
    while (left > 0) {
      left--;
      const n = sequence++;
      const payload = JSON.stringify({ query: SEND, variables: { c: group.conversationId, b: `压测消息 ${n}`, k: `bench-metrics-${n}` } });
      const started = performance.now();
      const { status, text } = await postGraphQL(endpoint, target.agent, token, payload);
      latencies.push(performance.now() - started);
      if (status !== 200 || text.includes('"errors"')) throw new Error(`send failed (${status}): ${text.slice(0, 300)}`);
    }
  };
  const started = performance.now();
  await Promise.all(layout.groups.flatMap((group) => Array.from({ length: IN_FLIGHT }, () => worker(group))));
  return { latencies, ms: performance.now() - started };
}

async function round(target: Target, layout: SeededLayout, sends: number): Promise<Figures> {
  setMetricsEnabled(target.mode === 'on');
  const subscribersPerGroup = GROUP_SIZE - 1;
  const framesBefore = target.frames.count;
  const cpu = process.cpuUsage();
  const { latencies, ms } = await sendBatch(target, layout, sends);
  const used = process.cpuUsage(cpu);
  const expected = sends * subscribersPerGroup;
  const deadline = Date.now() + 10_000;
  while (target.frames.count - framesBefore < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { latencies, sendMs: ms, cpuMicros: used.user + used.system, sends, delivered: target.frames.count - framesBefore, expected };
}

/**
 * The instrumentation one send adds, run directly: the HTTP and GraphQL hooks' counters and
 * histograms, the send latency, one published event and its deliveries. Far below the noise of
 * the end-to-end figures on a shared machine, so measured on its own (µs per send).
 */
function directCost(iterations = 200_000): number {
  setMetricsEnabled(true);
  const deliveries = GROUP_SIZE - 1;
  const once = () => {
    const started = process.hrtime.bigint();
    httpRequests.inc({ method: 'POST', route: '/graphql', status: '200' });
    httpDuration.observe({ method: 'POST', route: '/graphql' }, 0.012);
    graphqlOperations.inc({ operation: 'BenchSend', type: 'mutation', outcome: 'ok' });
    graphqlDuration.observe({ operation: 'BenchSend', result: 'ok' }, 0.012);
    countPublished('MESSAGE_ADDED');
    for (let i = 0; i < deliveries; i++) countDelivered(i % 2 ? 'subscriber' : 'shared');
    sendLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
  };
  for (let i = 0; i < 10_000; i++) once();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) once();
  return ((performance.now() - started) * 1000) / iterations;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function summarise(figures: Figures[]) {
  const latencies = figures.flatMap((f) => f.latencies).sort((a, b) => a - b);
  const sends = figures.reduce((n, f) => n + f.sends, 0);
  const ms = figures.reduce((n, f) => n + f.sendMs, 0);
  return {
    sends,
    perSecond: sends / (ms / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    cpuPerSend: figures.reduce((n, f) => n + f.cpuMicros, 0) / sends / 1000,
    delivered: figures.reduce((n, f) => n + f.delivered, 0),
    expected: figures.reduce((n, f) => n + f.expected, 0),
  };
}

const started = performance.now();
const clusterDir = tempDataDir('jiaoliu-bench-metrics-');
let db: EmbeddedDatabase | null = null;
const targets: Target[] = [];
try {
  db = await startEmbeddedPostgres(clusterDir);
  await db.createDatabase('bench');
  const databaseUrl = db.url('bench');
  const seedOrm = await MikroORM.init(ormOptions(databaseUrl));
  let layout: SeededLayout;
  try {
    await migrate(seedOrm);
    layout = await seedChat(seedOrm, GROUPS * GROUP_SIZE, planMembers(GROUPS * GROUP_SIZE, GROUPS, GROUP_SIZE));
  } finally {
    await seedOrm.close(true);
  }
  for (const mode of ['off', 'on'] as const) targets.push(await startTarget(mode, databaseUrl, layout));
  console.log(`${GROUPS} groups of ${GROUP_SIZE} (owner sends, ${GROUP_SIZE - 1} subscribers each), ${IN_FLIGHT} sends in flight per owner; ${SENDS} sends per mode in ${ROUNDS} alternating rounds; setup ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const target of targets) await round(target, layout, WARMUP);

  const results: Record<'off' | 'on', Figures[]> = { off: [], on: [] };
  const perRound = Math.ceil(SENDS / ROUNDS);
  // off, on, on, off, off, on…: each mode goes first as often as second.
  for (let r = 0; r < ROUNDS; r++) for (const target of r % 2 ? [...targets].reverse() : targets) results[target.mode].push(await round(target, layout, perRound));

  const off = summarise(results.off);
  const on = summarise(results.on);
  const row = (name: string, s: ReturnType<typeof summarise>) =>
    `${name.padEnd(12)} ${String(s.sends).padStart(6)} ${s.perSecond.toFixed(0).padStart(8)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)} ${s.cpuPerSend.toFixed(2).padStart(12)} ${`${s.delivered}/${s.expected}`.padStart(14)}`;
  console.log(`\n${'metrics'.padEnd(12)} ${'sends'.padStart(6)} ${'sends/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'CPU ms/send'.padStart(12)} ${'delivered'.padStart(14)}`);
  console.log(row('off', off));
  console.log(row('on', on));
  console.log(
    `on/off: sends/s ×${(on.perSecond / off.perSecond).toFixed(3)}, p50 ×${(on.p50 / off.p50).toFixed(3)}, p95 ×${(on.p95 / off.p95).toFixed(3)}, CPU per send ×${(on.cpuPerSend / off.cpuPerSend).toFixed(3)}`,
  );
  // The instrumented app's own view of the same sends (server side: mutation start to publish).
  const server = (await registry.getSingleMetricAsString('jiaoliu_send_latency_seconds')).split('\n');
  const value = (suffix: string) => Number(server.find((l) => l.startsWith(`jiaoliu_send_latency_seconds_${suffix}`))?.split(' ').pop() ?? NaN);
  console.log(`instrumentation work per send, run directly (${GROUP_SIZE - 1} deliveries): ${directCost().toFixed(2)} µs`);
  console.log(`server-side send latency (metrics on, warm-up included): ${value('count')} sends, mean ${((value('sum') / value('count')) * 1000).toFixed(2)} ms`);
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  for (const target of targets) {
    for (const socket of target.sockets) socket.terminate();
    target.agent.destroy();
    // Closing sockets write presence (last seen): let that finish before the pool goes away.
    const pool = (target.orm.em.getConnection().getKnex().client as { pool: { numUsed(): number; numPendingAcquires(): number } }).pool;
    const deadline = Date.now() + 5000;
    while ((target.app.websocketServer.clients.size > 0 || pool.numUsed() + pool.numPendingAcquires() > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    await target.app.close().catch(() => {});
    await target.orm.close(true).catch(() => {});
  }
  await db?.stop();
  fs.rmSync(path.dirname(clusterDir), { recursive: true, force: true });
}
