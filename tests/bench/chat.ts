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
 *   BENCH_PROFILE: 1 profiles the server during Jiaoliu's send window and prints where the time
 *     went; a path ending in .cpuprofile also saves the profile there (for Chrome DevTools).
 * Quick run: BENCH_CLIENTS=200 BENCH_SECONDS=10 npm run bench:chat
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { startEmbeddedPostgres, tempDataDir, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { migrate, ormOptions } from '../../server/db/orm.js';
import { settledMemory, startProfile, startWindow, summariseProfile, type WindowFigures } from './chat/measure.js';
import { startPlainServer } from './chat/plainServer.js';
import type { ChildMessage, RunResult, SetupMessage } from './chat/protocol.js';
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
const PROFILE = process.env.BENCH_PROFILE ?? '';

const CLIENT_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'chat', 'clients.ts');

interface TargetFigures {
  connected: number;
  connectFailed: number;
  connectMs: number;
  warmupMs: number;
  notReady: number;
  rssPerConnection: number;
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
async function measure(label: string, port: number, layout: SeededLayout, postgresDataDir?: string, profile = false): Promise<TargetFigures> {
  const before = settledMemory();
  const child = fork(CLIENT_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = inbox(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const setup: SetupMessage = {
      type: 'setup',
      label,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      httpUrl: `http://127.0.0.1:${port}/graphql`,
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

    const stopProfile = profile ? await startProfile() : null;
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
      rssPerConnection: (after.rss - before.rss) / Math.max(1, connected.connected),
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
    ['server event-loop delay p99 / max', `${ms(f.window.loopDelayP99)} / ${ms(f.window.loopDelayMax)}`],
    ['server time in GC', `${f.window.gcPercent.toFixed(1)} %`],
    ['server memory per connection (RSS / heap)', `${kib(f.rssPerConnection)} / ${kib(f.heapPerConnection)}`],
  ];
}

function report(results: Map<string, TargetFigures>): void {
  const labels = [...results.keys()];
  const table = labels.map((label) => rows(results.get(label)!));
  const width = Math.max(...table[0].map(([name]) => name.length)) + 2;
  const colWidth = Math.max(24, ...table.flat().map(([, value]) => value.length + 2));
  console.log(`\n${''.padEnd(width)}${labels.map((l) => l.padEnd(colWidth)).join('')}`);
  table[0].forEach(([name], i) => console.log(`${name.padEnd(width)}${table.map((t) => t[i][1].padEnd(colWidth)).join('')}`));

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
    console.log(`\nJiaoliu / plain ws: deliveries/s ${throughput.toFixed(2)} (aim >= 0.30), p99 latency ${p99.toFixed(1)}×`);
    console.log(
      `aims: lost deliveries ${jiaoliu.result.lost === 0 ? 'met' : 'MISSED'} (${jiaoliu.result.lost}), ` +
        `p99 <= 100 ms ${jiaoliu.result.latency.p99 <= 100 ? 'met' : 'MISSED'} (${ms(jiaoliu.result.latency.p99)}), ` +
        `>= 30% of plain-ws deliveries/s ${throughput >= 0.3 ? 'met' : 'MISSED'}`,
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

const results = new Map<string, TargetFigures>();
const clusterDir = tempDataDir('jiaoliu-bench-chat-');
let db: EmbeddedDatabase | null = null;
try {
  let layout: SeededLayout | null = null;
  if (TARGETS.includes('jiaoliu')) {
    db = await startEmbeddedPostgres(clusterDir);
    await db.createDatabase('bench');
    const orm = await MikroORM.init(ormOptions(db.url('bench')));
    try {
      await migrate(orm);
      const seedStart = performance.now();
      layout = await seedChat(orm, CLIENTS, members);
      console.log(`seeded ${CLIENTS} officials with sessions and ${GROUPS} groups in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
      const app = await buildApp(loadConfig({ port: 0, host: '127.0.0.1', logLevel: process.env.LOG_LEVEL || 'fatal', demoData: false }), orm);
      try {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        results.set('jiaoliu', await measure('jiaoliu', port, layout, db.dataDir, !!PROFILE));
      } finally {
        await app.close();
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
      results.set('plain ws', await measure('plain ws', plain.port, layout));
    } finally {
      await plain.close();
    }
  }
  if (results.size) report(results);
} finally {
  await db?.stop();
  fs.rmSync(path.dirname(clusterDir), { recursive: true, force: true });
}
