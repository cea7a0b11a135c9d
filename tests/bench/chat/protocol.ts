/**
 * What the chat benchmark's parent process (tests/bench/chat.ts, which hosts the server under
 * test) and its client process (clients.ts) say to each other over the Node IPC channel, and
 * the small statistics helpers both use.
 */

/** One group of the layout: its conversation and the client indexes of its members. */
export interface GroupPlan {
  conversationId: string;
  members: number[];
}

/** parent → client: everything the client process needs, sent once. */
export interface SetupMessage {
  type: 'setup';
  /** "jiaoliu" or "plain ws", for error messages only. */
  label: string;
  /** ws://127.0.0.1:<port>/graphql, one per instance: client i connects to entry i % length. */
  wsUrls: string[];
  /** http://127.0.0.1:<port>/graphql, one per instance: client i sends through entry i % length. */
  httpUrls: string[];
  /** Client i connects (and sends) with tokens[i]. */
  tokens: string[];
  groups: GroupPlan[];
  /** Messages per second over all groups (open loop). */
  rate: number;
  seconds: number;
  /** How long to wait for outstanding deliveries after the last send answered. */
  drainSeconds: number;
  /** WebSocket handshakes in flight at once while connecting. */
  connectConcurrency: number;
  /** Keep-alive HTTP connections the senders share. */
  httpConnections: number;
}

/** Width of the latency timeline's slices (RunResult.timeline). */
export const SLICE_SECONDS = 5;

/** parent → client commands after setup. */
export type ParentMessage = SetupMessage | { type: 'run' } | { type: 'close' };

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** What the client process measured in the send window and the drain after it. */
export interface RunResult {
  /** Messages scheduled by the open loop (rate × seconds). */
  scheduled: number;
  /** Sends the server answered with the message (HTTP 200, no GraphQL errors). */
  accepted: number;
  sendErrors: number;
  /** Sends still unanswered when the drain ended. */
  sendsOutstanding: number;
  sendErrorSamples: string[];
  /** Σ group size over accepted sends: every member, the sender included, gets the message. */
  expected: number;
  /** Deliveries of accepted messages to their group's members. */
  delivered: number;
  /** expected − delivered (a message that never reached a member, or reached them after the drain). */
  lost: number;
  /** A second copy of a message to the same group membership. */
  duplicates: number;
  /** A message delivered to a client that is not in its group. */
  misrouted: number;
  /** Deliveries of messages whose send failed (the server may still have stored them). */
  deliveriesOfFailedSends: number;
  /** From the first scheduled send to the last accepted answer. */
  sendSpanMs: number;
  /** From the first scheduled send to the last delivery. */
  deliverSpanMs: number;
  /** Intended send time → arrival at the member's socket, ms. */
  latency: Percentiles;
  /** Delivery latency p50 / p99 (ms) of the messages meant to leave in each slice of the send window. */
  timeline: Array<{ fromSecond: number; p50: number; p99: number }>;
  /** Intended send time → HTTP answer to the sender, ms. */
  sendLatency: Percentiles;
  /** WebSockets that closed during the run (should be 0). */
  unexpectedCloses: number;
  protocolErrors: string[];
  /** CPU of the client process over the send window, % of one core. */
  clientCpuPercent: number;
}

/** client → parent progress and results. */
export type ChildMessage =
  | { type: 'connected'; connected: number; failed: number; ms: number; errors: string[] }
  | { type: 'ready'; ms: number; warmupRounds: number; notReady: number }
  | { type: 'sent'; ms: number }
  | { type: 'result'; result: RunResult }
  | { type: 'fatal'; error: string };

/** Nearest-rank percentiles of a sample (sorted in place). */
export function percentiles(values: Float64Array): Percentiles {
  const n = values.length;
  if (!n) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  values.sort();
  const at = (p: number) => values[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  return { count: n, p50: at(50), p95: at(95), p99: at(99), max: values[n - 1], mean: sum / n };
}

/** The time an open-loop message was meant to leave, embedded in its body so any receiver can time it. */
export const benchBody = (group: number, n: number, intendedAt: number) =>
  // A realistic short chat line after the machine-readable prefix (same bytes for both servers).
  `bench:${group}:${n}:${intendedAt.toFixed(3)} 各位同事：请于今天下午三点前提交本周窗口服务情况汇总，谢谢。`;

/** Parses a body made by benchBody; null for anything else (warm-up messages, other events). */
export function parseBenchBody(body: string): { group: number; n: number; intendedAt: number } | null {
  if (!body.startsWith('bench:')) return null;
  const head = body.slice(6, body.indexOf(' '));
  const [group, n, at] = head.split(':');
  return { group: Number(group), n: Number(n), intendedAt: Number(at) };
}
