/**
 * The chat benchmark's client process (forked by tests/bench/chat.ts with an IPC channel).
 *
 * Opens one WebSocket per client speaking graphql-transport-ws (the `ws` package directly, to
 * keep the load generator light), subscribes to `chatEvents`, and sends messages at a fixed
 * open-loop rate through the `sendMessage` mutation over HTTP. Senders and receivers live in
 * this one process, so the send time embedded in each body and the arrival time come from the
 * same monotonic clock (performance.now()).
 *
 * The same code drives Jiaoliu and the plain-ws baseline (plainServer.ts), which speaks just
 * enough of the same protocol.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { postGraphQL } from '../post.js';
import { benchBody, parseBenchBody, percentiles, SLICE_SECONDS, type ChildMessage, type ParentMessage, type RunResult, type SetupMessage } from './protocol.js';

const SUBSCRIPTION = 'subscription { chatEvents { type message { id seq body conversationId } } }';
const SEND = 'mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }';
const CONNECT_TIMEOUT_MS = 30_000;
const WARMUP_TIMEOUT_MS = 90_000;
/** Sends unanswered this long after the schedule ended are given up on. */
const SEND_GIVE_UP_MS = 60_000;

function tell(message: ChildMessage): void {
  process.send?.(message);
}

interface Client {
  index: number;
  socket: WebSocket | null;
  /** Received its first event: the subscription is live on the server. */
  live: boolean;
  /** Group indexes this client belongs to (a client may be in several when groups overlap). */
  groups: Set<number>;
}

let setup: SetupMessage;
/**
 * Client message ids are idempotency keys: a repeated one is answered with the stored message and
 * publishes nothing. Several targets may share one database in a run, so each run's keys differ.
 */
const runTag = () => setup.label.replace(/[^a-z0-9]/gi, '');
let clients: Client[] = [];
/** Any frame at all, to wait for the connect-time presence storm to settle. */
let lastFrameAt = 0;
let unexpectedCloses = 0;
let closing = false;
const protocolErrors: string[] = [];
const noteError = (text: string) => {
  if (protocolErrors.length < 10) protocolErrors.push(text);
};

// --- Run state (the measured phase) ----------------------------------------------------------

let running = false;
/** Receipts per scheduled message n (Uint16: group sizes stay far below 65,535). */
let receipts = new Uint16Array(0);
/** 1 accepted, 2 failed, 0 unanswered. */
let sendState = new Uint8Array(0);
let latencies = new Float64Array(0);
/** The message n of each latency sample (for the timeline). */
let latencyMessage = new Uint32Array(0);
let latencyCount = 0;
let misrouted = 0;
let runStart = 0;
let lastDeliveryAt = 0;

function onEvent(client: Client, event: { type?: string; message?: { body?: string | null } | null }): void {
  client.live = true;
  if (!running || event.type !== 'MESSAGE_ADDED' || !event.message?.body) return;
  const parsed = parseBenchBody(event.message.body);
  if (!parsed) return;
  const now = performance.now();
  lastDeliveryAt = now;
  if (!client.groups.has(parsed.group)) {
    misrouted++;
    return;
  }
  if (parsed.n >= receipts.length) return;
  receipts[parsed.n]++;
  if (latencyCount === latencies.length) {
    const size = Math.max(1024, latencies.length * 2);
    const bigger = new Float64Array(size);
    bigger.set(latencies);
    latencies = bigger;
    const biggerN = new Uint32Array(size);
    biggerN.set(latencyMessage);
    latencyMessage = biggerN;
  }
  latencyMessage[latencyCount] = parsed.n;
  latencies[latencyCount++] = now - parsed.intendedAt;
}

// --- WebSocket clients -----------------------------------------------------------------------

/** Opens one client's socket; resolves once the server acknowledged connection_init and the subscription was sent. */
function connect(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(setup.wsUrls[client.index % setup.wsUrls.length], 'graphql-transport-ws', { perMessageDeflate: false });
    client.socket = socket;
    let acked = false;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('connection_ack timeout'));
    }, CONNECT_TIMEOUT_MS);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token: setup.tokens[client.index] } })));
    socket.on('message', (data) => {
      lastFrameAt = performance.now();
      const frame = JSON.parse(String(data)) as { type: string; id?: string; payload?: any };
      switch (frame.type) {
        case 'next':
          if (frame.payload?.errors) noteError(`next with errors: ${JSON.stringify(frame.payload.errors).slice(0, 200)}`);
          else onEvent(client, frame.payload?.data?.chatEvents ?? {});
          break;
        case 'connection_ack':
          acked = true;
          clearTimeout(timer);
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
          resolve();
          break;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'pong':
          break;
        case 'error':
          noteError(`subscription error: ${JSON.stringify(frame.payload).slice(0, 200)}`);
          break;
        case 'complete':
          noteError('subscription completed by the server');
          break;
        default:
          noteError(`unexpected frame ${frame.type}`);
      }
    });
    socket.on('error', (error) => noteError(`socket error: ${error.message}`));
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      if (!acked) reject(new Error(`closed before ack: ${code} ${String(reason)}`));
      else if (!closing) {
        unexpectedCloses++;
        noteError(`socket closed: ${code} ${String(reason)}`);
      }
    });
  });
}

async function connectAll(): Promise<void> {
  const started = performance.now();
  const errors: string[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const client = clients[next++];
      await connect(client).catch((error: Error) => {
        client.socket = null; // left out of the warm-up; its deliveries will count as lost
        failed++;
        if (errors.length < 5) errors.push(error.message);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(setup.connectConcurrency, clients.length) }, worker));
  tell({ type: 'connected', connected: clients.length - failed, failed, ms: performance.now() - started, errors });
}

// --- Sending over HTTP -----------------------------------------------------------------------

let agent: http.Agent;

/** POSTs one sendMessage as client `sender` (through its instance); resolves with whether the server accepted it (or an error text). */
function send(sender: number, conversationId: string, body: string, clientMessageId: string): Promise<true | string> {
  const payload = JSON.stringify({ query: SEND, variables: { c: conversationId, b: body, k: clientMessageId } });
  return postGraphQL(setup.httpUrls[sender % setup.httpUrls.length], agent, setup.tokens[sender], payload).then(
    ({ status, text }) => {
      try {
        const json = JSON.parse(text) as { data?: { sendMessage?: { id?: string } | null } | null; errors?: unknown[] };
        return status === 200 && !json.errors && json.data?.sendMessage?.id ? true : `HTTP ${status}: ${text.slice(0, 200)}`;
      } catch {
        return `HTTP ${status}: ${text.slice(0, 200)}`;
      }
    },
    (error: Error) => error.message,
  );
}

/** One random member of the group, who sends in its name. */
const randomMember = (group: number) => {
  const members = setup.groups[group].members;
  return members[Math.floor(Math.random() * members.length)];
};

// --- Phases ----------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until every client has received an event (so its subscription is live on the server), send a
 * warm-up message to each group that still has a silent member; then wait for the burst of
 * presence events that connecting causes to die down.
 */
async function warmUp(): Promise<void> {
  const started = performance.now();
  let round = 0;
  for (;;) {
    const silent = new Set<number>();
    for (const client of clients) if (client.socket && !client.live) for (const g of client.groups) silent.add(g);
    if (!silent.size || performance.now() - started > WARMUP_TIMEOUT_MS) break;
    round++;
    await Promise.all(
      [...silent].map(async (g) => {
        const sender = randomMember(g);
        const result = await send(sender, setup.groups[g].conversationId, `warm:${g}:${round}`, `warm-${runTag()}-${g}-${round}`);
        if (result !== true) noteError(`warm-up send failed: ${result}`);
      }),
    );
    const waitUntil = performance.now() + 2000;
    while (performance.now() < waitUntil && clients.some((c) => c.socket && !c.live)) await sleep(50);
  }
  // Quiet: no frame for 1 s (at most 30 s more).
  const quietBy = performance.now() + 30_000;
  while (performance.now() - lastFrameAt < 1000 && performance.now() < quietBy) await sleep(100);
  const notReady = clients.filter((c) => c.socket && !c.live).length;
  tell({ type: 'ready', ms: performance.now() - started, warmupRounds: round, notReady });
}

/** The measured phase: open-loop sends for `seconds`, then the drain. */
async function run(): Promise<void> {
  const total = Math.round(setup.rate * setup.seconds);
  const interval = 1000 / setup.rate;
  receipts = new Uint16Array(total);
  sendState = new Uint8Array(total);
  const sendLatencies = new Float64Array(total);
  const sendErrorSamples: string[] = [];
  let answered = 0;
  let accepted = 0;
  let lastAcceptedAt = 0;
  latencies = new Float64Array(total * Math.max(1, ...setup.groups.map((g) => g.members.length)));
  latencyMessage = new Uint32Array(latencies.length);
  latencyCount = 0;
  const cpuStart = process.cpuUsage();

  running = true;
  runStart = performance.now();
  let next = 0;
  await new Promise<void>((scheduleDone) => {
    // Open loop: each message leaves at start + n × interval whatever happened to the ones
    // before; a late timer sends every message that is due (with its intended time).
    const tick = () => {
      const now = performance.now();
      while (next < total && runStart + next * interval <= now) {
        const n = next++;
        const intendedAt = runStart + n * interval;
        const group = n % setup.groups.length;
        const sender = randomMember(group);
        const clientMessageId = `bench-${runTag()}-${String(n).padStart(7, '0')}`;
        void send(sender, setup.groups[group].conversationId, benchBody(group, n, intendedAt), clientMessageId).then((result) => {
          const at = performance.now();
          answered++;
          sendLatencies[n] = at - intendedAt;
          if (result === true) {
            sendState[n] = 1;
            accepted++;
            lastAcceptedAt = at;
          } else {
            sendState[n] = 2;
            if (sendErrorSamples.length < 5) sendErrorSamples.push(result);
          }
        });
      }
      if (next < total) setTimeout(tick, Math.max(0, runStart + next * interval - performance.now()));
      else scheduleDone();
    };
    tick();
  });
  const cpu = process.cpuUsage(cpuStart);
  const sendWindowMs = performance.now() - runStart;
  tell({ type: 'sent', ms: sendWindowMs });

  // Every send answered (or given up on), then deliveries until complete or drainSeconds after the last answer.
  const giveUpAt = performance.now() + SEND_GIVE_UP_MS;
  while (answered < total && performance.now() < giveUpAt) await sleep(20);
  const lastAnswerAt = performance.now();
  const expectedFor = (n: number) => (sendState[n] === 1 ? setup.groups[n % setup.groups.length].members.length : 0);
  let expected = 0;
  for (let n = 0; n < total; n++) expected += expectedFor(n);
  while (performance.now() - lastAnswerAt < setup.drainSeconds * 1000) {
    let delivered = 0;
    for (let n = 0; n < total; n++) if (sendState[n] === 1) delivered += Math.min(receipts[n], expectedFor(n));
    if (delivered >= expected) break;
    await sleep(50);
  }
  running = false;

  let delivered = 0;
  let duplicates = 0;
  let deliveriesOfFailedSends = 0;
  for (let n = 0; n < total; n++) {
    if (sendState[n] === 1) {
      delivered += Math.min(receipts[n], expectedFor(n));
      duplicates += Math.max(0, receipts[n] - expectedFor(n));
    } else deliveriesOfFailedSends += receipts[n];
  }
  // Before the overall percentiles, which sort the samples in place.
  const perSlice = Math.max(1, Math.round(setup.rate * SLICE_SECONDS));
  const slices: number[][] = Array.from({ length: Math.ceil(total / perSlice) }, () => []);
  for (let i = 0; i < latencyCount; i++) slices[Math.floor(latencyMessage[i] / perSlice)].push(latencies[i]);
  const timeline = slices.map((samples, k) => {
    const p = percentiles(Float64Array.from(samples));
    return { fromSecond: k * SLICE_SECONDS, p50: p.p50, p99: p.p99 };
  });
  const result: RunResult = {
    scheduled: total,
    accepted,
    sendErrors: answered - accepted,
    sendsOutstanding: total - answered,
    sendErrorSamples,
    expected,
    delivered,
    lost: expected - delivered,
    duplicates,
    misrouted,
    deliveriesOfFailedSends,
    sendSpanMs: lastAcceptedAt - runStart,
    deliverSpanMs: lastDeliveryAt - runStart,
    latency: percentiles(latencies.subarray(0, latencyCount)),
    timeline,
    sendLatency: percentiles(sendLatencies.filter((_, n) => sendState[n] !== 0)),
    unexpectedCloses,
    protocolErrors,
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / sendWindowMs) * 100,
  };
  tell({ type: 'result', result });
}

async function closeAll(): Promise<void> {
  closing = true;
  for (const client of clients) client.socket?.close(1000, 'benchmark done');
  const by = performance.now() + 5000;
  while (clients.some((c) => c.socket && c.socket.readyState !== WebSocket.CLOSED) && performance.now() < by) await sleep(50);
  for (const client of clients) client.socket?.terminate();
  agent?.destroy();
  process.disconnect?.();
}

process.on('message', (message: ParentMessage) => {
  const step = async () => {
    if (message.type === 'setup') {
      setup = message;
      agent = new http.Agent({ keepAlive: true, maxSockets: setup.httpConnections });
      clients = setup.tokens.map((_, index) => ({ index, socket: null, live: false, groups: new Set<number>() }));
      setup.groups.forEach((group, g) => group.members.forEach((m) => clients[m].groups.add(g)));
      await connectAll();
      await warmUp();
    } else if (message.type === 'run') await run();
    else if (message.type === 'close') await closeAll();
  };
  step().catch((error: unknown) => tell({ type: 'fatal', error: error instanceof Error ? error.stack ?? error.message : String(error) }));
});
// Orphaned (the parent died): leave at once.
process.on('disconnect', () => {
  if (!closing) process.exit(1);
});
