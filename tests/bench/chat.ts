/**
 * npm run bench:chat
 *
 * Live delivery at scale (issue 3): Jiaoliu on embedded PostgreSQL with C officials in G groups
 * of S, C WebSocket clients (graphql-transport-ws, one `chatEvents` subscription each) in a
 * separate process, and messages sent at a fixed open-loop rate R for T seconds through the
 * `sendMessage` mutation. Then the same clients, layout and payloads against a plain `ws`
 * broadcast server (chat/plainServer.ts), and Jiaoliu's figures as ratios to it.
 *
 * The server under test runs in this process, which does nothing else while it is measured:
 * its CPU time over the send window is the server's. Figures are printed; nothing passes or
 * fails here (BENCHMARKS.md records them against the issue's aims).
 *
 * Environment (defaults in brackets):
 *   BENCH_CLIENTS [2000]  BENCH_GROUPS [40]  BENCH_GROUP_SIZE [clients / groups]
 *   BENCH_RATE [200] messages/s over all groups   BENCH_SECONDS [30]   BENCH_DRAIN_SECONDS [5]
 *   BENCH_TARGETS [jiaoliu,plain]   BENCH_HTTP_CONNECTIONS [32]   BENCH_CONNECT_CONCURRENCY [50]
 *   BENCH_TARGETS may add `jiaoliu-redis`: BENCH_INSTANCES [2] Jiaoliu apps sharing one database
 *     and a real redis-server (REDIS_URL), client i connected to and sending through instance
 *     i % N, so most deliveries cross the Redis bus. The apps run in this process (one event
 *     loop): its CPU is the pair's total, which shows what the bus costs, not how far two
 *     machines scale. Needs Debian's redis-server (tests/helpers/redis.ts).
 *   BENCH_PROFILE: 1 profiles the server during Jiaoliu's send window and prints where the time
 *     went; a path ending in .cpuprofile also saves the profile there (for Chrome DevTools).
 *   BENCH_WAIT_QUIET [0]: wait up to this many seconds for other processes to leave the CPUs idle.
 *   BENCH_DB_POOL: experiment with another PostgreSQL pool size than the server's own.
 *   BENCH_HEAP_SNAPSHOT: a path prefix; Jiaoliu's server heap is written to <prefix>-before.heapsnapshot
 *     (no clients) and <prefix>-after.heapsnapshot (all connected), to see what a connection holds.
 * Quick run: BENCH_CLIENTS=200 BENCH_SECONDS=10 npm run bench:chat
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { startRedis } from '../helpers/redis.js';
import { loadConfig, NO_RATE_LIMITS } from '../../server/config.js';
import { startEmbeddedPostgres, tempDataDir, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { migrate, ormOptions } from '../../server/db/orm.js';
import { machineBusyPercent, settledMemory, startProfile, startWindow, summariseProfile, type WindowFigures } from './chat/measure.js';
import { startPlainServer } from './chat/plainServer.js';
import { SLICE_SECONDS, type ChildMessage, type RunResult, type SetupMessage } from './chat/protocol.js';
import { planMembers, seedChat, type SeededLayout } from './chat/seed.js';

const env = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
};
const CLIENTS = Math.round(env('BENCH_CLIENTS', 2000));
const GROUPS = Math.round(env('BENCH_GROUPS', 40));
const GROUP_SIZE = Math.round(env('BENCH_GROUP_SIZE', Math.max(1, Math.floor(CLIENTS / GROUPS))));
const RATE = env('BENCH_RATE', 200);
const SECONDS = env('BENCH_SECONDS', 30);
const DRAIN_SECONDS = env('BENCH_DRAIN_SECONDS', 5);
const HTTP_CONNECTIONS = Math.round(env('BENCH_HTTP_CONNECTIONS', 32));
const CONNECT_CONCURRENCY = Math.round(env('BENCH_CONNECT_CONCURRENCY', 50));
const TARGETS = (process.env.BENCH_TARGETS ?? 'jiaoliu,plain').split(',').map((t) => t.trim());
if (!TARGETS.length || TARGETS.some((t) => t !== 'jiaoliu' && t !== 'jiaoliu-redis' && t !== 'plain')) throw new Error(`BENCH_TARGETS lists jiaoliu, jiaoliu-redis and/or plain, not "${TARGETS.join(',')}"`);
const INSTANCES = Math.round(env('BENCH_INSTANCES', 2));
const PROFILE = process.env.BENCH_PROFILE ?? '';
const HEAP_SNAPSHOT = process.env.BENCH_HEAP_SNAPSHOT ?? '';
const WAIT_QUIET = process.env.BENCH_WAIT_QUIET ? env('BENCH_WAIT_QUIET', 0) : 0;
/** Experiment only: Jiaoliu's database pool size instead of the server's own (server/db/orm.ts). */
const DB_POOL = process.env.BENCH_DB_POOL ? Math.round(env('BENCH_DB_POOL', 10)) : null;

const CLIENT_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'chat', 'clients.ts');

interface TargetFigures {
  connected: number;
  connectFailed: number;
  connectMs: number;
  warmupMs: number;
  notReady: number;
  /** Null when this process already hosted another target (its freed pages make RSS deltas meaningless). */
  rssPerConnection: number | null;
  heapPerConnection: number;
  window: WindowFigures;
  result: RunResult;
  profileSummary: string | null;
}

/** Waits for the client process's messages of a given type, failing if it dies or reports a fatal error. */
function inbox(child: ChildProcess) {
  const queue: ChildMessage[] = [];
  const waiters: Array<() => void> = [];
  let ended: Error | null = null;
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.on('message', (message: ChildMessage) => {
    queue.push(message);
    wake();
  });
  child.on('exit', (code, signal) => {
    ended = new Error(`client process exited (${signal ?? code})`);
    wake();
  });
  return async <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> => {
    for (;;) {
      const fatal = queue.find((m) => m.type === 'fatal');
      if (fatal && fatal.type === 'fatal') throw new Error(`client process failed: ${fatal.error}`);
      const index = queue.findIndex((m) => m.type === type);
      if (index >= 0) return queue.splice(index, 1)[0] as Extract<ChildMessage, { type: T }>;
      if (ended) throw ended;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
}

/** Connects the clients to the server on `port`, runs the open loop, and measures the server around it. */
async function measure(label: string, ports: number[], layout: SeededLayout, postgresDataDir?: string, inspect = false): Promise<TargetFigures> {
  const before = settledMemory();
  if (inspect && HEAP_SNAPSHOT) v8.writeHeapSnapshot(`${HEAP_SNAPSHOT}-before.heapsnapshot`);
  const child = fork(CLIENT_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = inbox(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const setup: SetupMessage = {
      type: 'setup',
      label,
      wsUrls: ports.map((port) => `ws://127.0.0.1:${port}/graphql`),
      httpUrls: ports.map((port) => `http://127.0.0.1:${port}/graphql`),
      tokens: layout.tokens,
      groups: layout.groups,
      rate: RATE,
      seconds: SECONDS,
      drainSeconds: DRAIN_SECONDS,
      connectConcurrency: CONNECT_CONCURRENCY,
      httpConnections: HTTP_CONNECTIONS,
    };
    child.send(setup);
    const connected = await next('connected');
    console.log(`  [${label}] ${connected.connected} clients connected in ${(connected.ms / 1000).toFixed(1)} s${connected.failed ? `, ${connected.failed} failed: ${connected.errors.join(' | ')}` : ''}`);
    const ready = await next('ready');
    console.log(`  [${label}] subscriptions live after ${ready.warmupRounds} warm-up round(s), ${(ready.ms / 1000).toFixed(1)} s${ready.notReady ? ` (${ready.notReady} clients never received an event)` : ''}`);
    const after = settledMemory();
    if (inspect && HEAP_SNAPSHOT) v8.writeHeapSnapshot(`${HEAP_SNAPSHOT}-after.heapsnapshot`);

    const stopProfile = inspect && PROFILE ? await startProfile() : null;
    const stopWindow = startWindow(postgresDataDir);
    child.send({ type: 'run' });
    await next('sent');
    const window = stopWindow();
    const profileData = stopProfile ? await stopProfile() : null;
    console.log(`  [${label}] ${SECONDS} s of sends done; draining`);
    const { result } = await next('result');

    let profileSummary: string | null = null;
    if (profileData) {
      profileSummary = summariseProfile(profileData);
      if (PROFILE.endsWith('.cpuprofile')) fs.writeFileSync(PROFILE, JSON.stringify(profileData));
    }
    return {
      connected: connected.connected,
      connectFailed: connected.failed,
      connectMs: connected.ms,
      warmupMs: ready.ms,
      notReady: ready.notReady,
      rssPerConnection: results.size ? null : (after.rss - before.rss) / Math.max(1, connected.connected),
      heapPerConnection: (after.heapUsed - before.heapUsed) / Math.max(1, connected.connected),
      window,
      result,
      profileSummary,
    };
  } finally {
    if (child.connected) child.send({ type: 'close' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

// --- Report ----------------------------------------------------------------------------------

const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : '—');
const pct = (value: number | null) => (value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(0)} %`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function rows(f: TargetFigures): Array<[string, string]> {
  const r = f.result;
  return [
    ['clients connected', `${num(f.connected)}${f.connectFailed ? ` (${f.connectFailed} failed)` : ''} in ${(f.connectMs / 1000).toFixed(1)} s`],
    ['messages/s (accepted)', num(r.accepted / (r.sendSpanMs / 1000), 1)],
    ['deliveries/s', num(r.delivered / (r.deliverSpanMs / 1000), 0)],
    ['latency p50', ms(r.latency.p50)],
    ['latency p95', ms(r.latency.p95)],
    ['latency p99', ms(r.latency.p99)],
    ['latency max', ms(r.latency.max)],
    ['send (HTTP answer) p50 / p99', `${ms(r.sendLatency.p50)} / ${ms(r.sendLatency.p99)}`],
    ['sends accepted / scheduled', `${num(r.accepted)} / ${num(r.scheduled)}${r.sendErrors ? `, ${r.sendErrors} errors` : ''}${r.sendsOutstanding ? `, ${r.sendsOutstanding} unanswered` : ''}`],
    ['deliveries / expected', `${num(r.delivered)} / ${num(r.expected)}`],
    ['lost deliveries', num(r.lost)],
    ['duplicates / misrouted', `${num(r.duplicates)} / ${num(r.misrouted)}`],
    ['server CPU (of one core)', pct(f.window.cpuPercent)],
    ['PostgreSQL CPU (of one core)', pct(f.window.postgresCpuPercent)],
    ['client process CPU (of one core)', pct(r.clientCpuPercent)],
    [`whole machine CPU (of ${os.cpus().length} × 100) / steal`, `${pct(f.window.machineCpuPercent)} / ${pct(f.window.stealPercent)}`],
    // Kernel network work for loopback traffic lands here too, but tens of % mean other jobs ran.
    ['  of which other processes and kernel', pct(f.window.machineCpuPercent === null ? null : Math.max(0, f.window.machineCpuPercent - f.window.cpuPercent - (f.window.postgresCpuPercent ?? 0) - r.clientCpuPercent))],
    ['server event-loop delay p99 / max', `${ms(f.window.loopDelayP99)} / ${ms(f.window.loopDelayMax)}`],
    ['server time in GC', `${f.window.gcPercent.toFixed(1)} %`],
    ['server memory per connection (heap / RSS)', `${kib(f.heapPerConnection)} / ${f.rssPerConnection === null ? '— (ran second)' : kib(f.rssPerConnection)}`],
  ];
}

function report(results: Map<string, TargetFigures>): void {
  const labels = [...results.keys()];
  const table = labels.map((label) => rows(results.get(label)!));
  const width = Math.max(...table[0].map(([name]) => name.length)) + 2;
  const colWidth = Math.max(24, ...table.flat().map(([, value]) => value.length + 2));
  console.log(`\n${''.padEnd(width)}${labels.map((l) => l.padEnd(colWidth)).join('')}`);
  table[0].forEach(([name], i) => console.log(`${name.padEnd(width)}${table.map((t) => t[i][1].padEnd(colWidth)).join('')}`));

  console.log(`\nlatency p50 / p99 (ms) of the messages sent in each ${SLICE_SECONDS} s of the window, by start second:`);
  for (const [label, figures] of results) {
    const slices = figures.result.timeline.map((t) => `${t.fromSecond} s: ${t.p50.toFixed(t.p50 < 10 ? 1 : 0)} / ${t.p99.toFixed(t.p99 < 10 ? 1 : 0)}`);
    console.log(`  ${label.padEnd(10)}${slices.join('   ')}`);
  }

  for (const [label, figures] of results) {
    const r = figures.result;
    const problems = [...r.sendErrorSamples.map((s) => `send error: ${s}`), ...r.protocolErrors];
    if (r.unexpectedCloses) problems.push(`${r.unexpectedCloses} sockets closed during the run`);
    if (r.deliveriesOfFailedSends) problems.push(`${r.deliveriesOfFailedSends} deliveries of messages whose send failed`);
    if (problems.length) console.log(`\n${label} problems:\n  ${problems.join('\n  ')}`);
  }

  const jiaoliu = results.get('jiaoliu');
  const plain = results.get('plain ws');
  if (jiaoliu && plain) {
    const rate = (f: TargetFigures) => f.result.delivered / (f.result.deliverSpanMs / 1000);
    const throughput = rate(jiaoliu) / rate(plain);
    const p99 = jiaoliu.result.latency.p99 / plain.result.latency.p99;
    // A baseline that delivered everything on time only shows the offered load, not its capacity.
    const plainKeptUp = plain.result.lost === 0 && rate(plain) >= 0.98 * RATE * GROUP_SIZE;
    console.log(`\nJiaoliu / plain ws: deliveries/s ${throughput.toFixed(2)} (aim >= 0.30), p99 latency ${p99.toFixed(1)}×`);
    if (plainKeptUp) {
      console.log(
        `  (plain ws kept up with the offered ${num(RATE * GROUP_SIZE)} deliveries/s, so its capacity is higher and the ` +
          `throughput ratio is an upper bound; raise BENCH_RATE with BENCH_TARGETS=plain to find where it saturates)`,
      );
    }
    console.log(
      `aims: lost deliveries ${jiaoliu.result.lost === 0 ? 'met' : 'MISSED'} (${jiaoliu.result.lost}), ` +
        `p99 <= 100 ms ${jiaoliu.result.latency.p99 <= 100 ? 'met' : 'MISSED'} (${ms(jiaoliu.result.latency.p99)}), ` +
        `>= 30% of plain-ws deliveries/s ${throughput >= 0.3 ? 'met' : 'MISSED'}${plainKeptUp ? ' at this offered load' : ''}`,
    );
  }
  const scaled = [...results.keys()].find((label) => label.endsWith('+redis'));
  if (jiaoliu && scaled) {
    const other = results.get(scaled)!;
    const rate = (f: TargetFigures) => f.result.delivered / (f.result.deliverSpanMs / 1000);
    console.log(
      `\n${scaled} / jiaoliu (same run): deliveries/s ${(rate(other) / rate(jiaoliu)).toFixed(2)}, p99 latency ${(other.result.latency.p99 / jiaoliu.result.latency.p99).toFixed(1)}×, ` +
        `server CPU ${(other.window.cpuPercent / jiaoliu.window.cpuPercent).toFixed(2)}× (both instances in this process), lost ${other.result.lost}`,
    );
  }
  if (jiaoliu?.profileSummary) console.log(`\nWhere the Jiaoliu server spent its CPU in the send window (profiler on; it adds overhead):\n${jiaoliu.profileSummary}`);
}

// --- Main ------------------------------------------------------------------------------------

const openFiles = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
if (Number.isFinite(openFiles) && openFiles < CLIENTS + 500) {
  // Node cannot raise its own limit; the shell that starts the benchmark can.
  console.error(`open-file limit ${openFiles} is too low for ${CLIENTS} WebSockets in one process: run \`ulimit -n ${CLIENTS * 2 + 1000}\` first`);
  process.exit(2);
}

const members = planMembers(CLIENTS, GROUPS, GROUP_SIZE);
const seats = GROUPS * GROUP_SIZE;
console.log(`Jiaoliu chat benchmark — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(
  `${CLIENTS} clients, ${GROUPS} groups × ${GROUP_SIZE}${seats === CLIENTS ? ' (disjoint)' : seats > CLIENTS ? ' (overlapping)' : ` (${CLIENTS - seats} clients in no group)`}, ` +
    `${RATE} messages/s for ${SECONDS} s (open loop), drain ${DRAIN_SECONDS} s: ${num(RATE * GROUP_SIZE)} deliveries/s expected`,
);

// Other work on the machine (tests, browsers) takes CPU from the server and skews every figure.
const QUIET = 15; // % of one core
let idleCheck = await machineBusyPercent(2000);
const quietBy = performance.now() + WAIT_QUIET * 1000;
while (idleCheck !== null && idleCheck > QUIET && performance.now() < quietBy) idleCheck = await machineBusyPercent(5000);
if (idleCheck !== null) {
  console.log(
    idleCheck > QUIET
      ? `WARNING: other processes use ${idleCheck.toFixed(0)} % of a core before the start; figures will be low and noisy (BENCH_WAIT_QUIET=600 waits for quiet)`
      : `machine quiet before the start (${idleCheck.toFixed(0)} % of a core busy)`,
  );
}

const results = new Map<string, TargetFigures>();
const clusterDir = tempDataDir('jiaoliu-bench-chat-');
let db: EmbeddedDatabase | null = null;
try {
  let layout: SeededLayout | null = null;
  if (TARGETS.includes('jiaoliu') || TARGETS.includes('jiaoliu-redis')) {
    db = await startEmbeddedPostgres(clusterDir);
    await db.createDatabase('bench');
    const options = ormOptions(db.url('bench'));
    const orm = await MikroORM.init(DB_POOL ? { ...options, pool: { ...options.pool, max: DB_POOL } } : options);
    try {
      await migrate(orm);
      const seedStart = performance.now();
      layout = await seedChat(orm, CLIENTS, members);
      if (DB_POOL) console.log(`database pool: ${DB_POOL} connections (BENCH_DB_POOL)`);
      console.log(`seeded ${CLIENTS} officials with sessions and ${GROUPS} groups in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
      for (const target of TARGETS.filter((t) => t.startsWith('jiaoliu'))) {
        const redis = target === 'jiaoliu-redis' ? await startRedis() : null;
        const count = redis ? INSTANCES : 1;
        const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: process.env.LOG_LEVEL || 'fatal', demoData: false, rateLimit: NO_RATE_LIMITS, redisUrl: redis?.url ?? null });
        const apps: FastifyInstance[] = [];
        try {
          const ports: number[] = [];
          for (let i = 0; i < count; i++) {
            const app = await buildApp(config, orm);
            apps.push(app);
            await app.listen({ port: 0, host: '127.0.0.1' });
            const address = app.server.address();
            ports.push(typeof address === 'object' && address ? address.port : 0);
          }
          const label = redis ? `${count}×+redis` : 'jiaoliu';
          results.set(label, await measure(label, ports, layout, db.dataDir, target === TARGETS.find((t) => t.startsWith('jiaoliu'))));
        } finally {
          for (const app of apps) await app.close();
          await redis?.close();
        }
      }
    } finally {
      await orm.close(true);
    }
    // PostgreSQL would only take CPU from the baseline.
    await db.stop();
    db = null;
  }
  if (TARGETS.includes('plain')) {
    // The baseline needs no database: the same layout with tokens it only compares.
    layout ??= { tokens: Array.from({ length: CLIENTS }, (_, i) => `plain-token-${i}`), groups: members.map((m, g) => ({ conversationId: `plain-conversation-${g}`, members: m })) };
    const plain = await startPlainServer(layout.tokens, layout.groups);
    try {
      results.set('plain ws', await measure('plain ws', [plain.port], layout));
    } finally {
      await plain.close();
    }
  }
  if (results.size) report(results);
} finally {
  await db?.stop();
  fs.rmSync(path.dirname(clusterDir), { recursive: true, force: true });
}
