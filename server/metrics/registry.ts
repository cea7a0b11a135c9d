import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric of Jiaoliu, in one registry served by plugins/metrics.ts.
 * The hot path only increments counters and observes histograms; values that cost a lookup
 * (pool, overdue jobs) are read at scrape time. No label carries a user, a conversation or
 * any other unbounded value.
 */
export const registry = new Registry();
const registers = [registry];

// METRICS_ENABLED=false turns the helpers below into no-ops (plugins/metrics.ts sets it per app).
let enabled = true;
export function setMetricsEnabled(on: boolean): void {
  enabled = on;
}
export const metricsEnabled = (): boolean => enabled;

let defaults = false;
/** Process metrics (CPU, memory, event loop lag, GC), started once per process when metrics are on. */
export function startDefaultMetrics(): void {
  if (defaults) return;
  defaults = true;
  collectDefaultMetrics({ register: registry });
}

const LATENCY = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new Counter({
  name: 'jiaoliu_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers,
});
export const httpDuration = new Histogram({
  name: 'jiaoliu_http_request_duration_seconds',
  help: 'HTTP request duration (from the request to the end of the response), by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: LATENCY,
  registers,
});

export const graphqlOperations = new Counter({
  name: 'jiaoliu_graphql_operations_total',
  help: 'GraphQL operations over HTTP, by operation name, type and outcome (ok or the first error code)',
  labelNames: ['operation', 'type', 'outcome'] as const,
  registers,
});
export const graphqlDuration = new Histogram({
  name: 'jiaoliu_graphql_operation_duration_seconds',
  help: 'GraphQL operation duration over HTTP, by operation name and result (ok or error)',
  labelNames: ['operation', 'result'] as const,
  buckets: LATENCY,
  registers,
});

export const graphqlSubscriptions = new Counter({
  name: 'jiaoliu_graphql_subscriptions_total',
  help: 'GraphQL subscriptions started over WebSocket, by operation name and outcome (ok or the error code)',
  labelNames: ['operation', 'outcome'] as const,
  registers,
});

export const wsConnections = new Gauge({ name: 'jiaoliu_ws_connections', help: 'WebSocket connections open now', registers });
export const wsOpened = new Counter({ name: 'jiaoliu_ws_opened_total', help: 'WebSocket connections opened', registers });
export const wsClosed = new Counter({
  name: 'jiaoliu_ws_closed_total',
  help: 'WebSocket connections closed, by close code (protocol and graphql-transport-ws codes as they are, other 4000-4999 as 4xxx, else other)',
  labelNames: ['code'] as const,
  registers,
});

export const eventsPublished = new Counter({
  name: 'jiaoliu_events_published_total',
  help: 'Live events published by the realtime hub, by event type',
  labelNames: ['type'] as const,
  registers,
});
export const eventsDelivered = new Counter({
  name: 'jiaoliu_events_delivered_total',
  help: 'Live events delivered to a subscriber, by lane (shared: executed once per document; subscriber: per-subscriber execution)',
  labelNames: ['lane'] as const,
  registers,
});
export const sendLatency = new Histogram({
  name: 'jiaoliu_send_latency_seconds',
  help: 'sendMessage: from the start of the mutation to the end of the publish after commit',
  buckets: LATENCY,
  registers,
});

export const dbPoolInUse = new Gauge({ name: 'jiaoliu_db_pool_in_use', help: 'Database connections of the ORM pool in use (read at scrape)', registers });
export const dbPoolWaiting = new Gauge({ name: 'jiaoliu_db_pool_waiting', help: 'Requests waiting for a database connection of the ORM pool (read at scrape)', registers });
export const dbPoolSize = new Gauge({ name: 'jiaoliu_db_pool_size', help: 'Database connections of the ORM pool open now, used or free (read at scrape)', registers });

export const schedulerLag = new Histogram({
  name: 'jiaoliu_scheduler_lag_seconds',
  help: 'Scheduled jobs: time from when a job was due to when this instance claimed it',
  buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
  registers,
});
export const schedulerOverdue = new Gauge({
  name: 'jiaoliu_scheduler_overdue_jobs',
  help: 'Scheduled jobs due (run_at in the past) and not done, read at scrape; -1 when the database did not answer',
  registers,
});

export const busErrors = new Counter({
  name: 'jiaoliu_bus_errors_total',
  help: 'Errors of the event bus (publishing, subscribing, presence), by source',
  labelNames: ['source'] as const,
  registers,
});

/** Counts one event bus error. Call it wherever a bus error is logged; `source` is a fixed word. */
export function countBusError(source = 'bus'): void {
  if (enabled) busErrors.inc({ source });
}

/** Counts published live events by type (the hub's publish). */
export function countPublished(type: string, n = 1): void {
  if (enabled) eventsPublished.inc({ type }, n);
}

/** Counts a subscription start (its operation label already bounded). */
export function countSubscription(operation: string, outcome: string): void {
  if (enabled) graphqlSubscriptions.inc({ operation, outcome });
}

/** Counts one event written to a subscriber. */
export function countDelivered(lane: 'shared' | 'subscriber'): void {
  if (enabled) eventsDelivered.inc({ lane });
}

/** Time from a job's due time to its claim. */
export function observeSchedulerLag(dueAt: Date): void {
  if (enabled) schedulerLag.observe(Math.max(0, (Date.now() - dueAt.getTime()) / 1000));
}

/** Runs a send and records its latency when it succeeds. */
export async function timedSend<T>(send: () => Promise<T>): Promise<T> {
  if (!enabled) return send();
  const started = process.hrtime.bigint();
  const result = await send();
  sendLatency.observe(Number(process.hrtime.bigint() - started) / 1e9);
  return result;
}

// graphql-transport-ws's own close codes (and 4503 for a server going away), kept apart;
// any other application code is client-chosen, so it counts as one class.
const KNOWN_APP_CODES = new Set([4400, 4401, 4403, 4406, 4408, 4409, 4429, 4499, 4500, 4503]);

/** A close code as a bounded label: protocol codes and known application codes as they are. */
export function closeCodeLabel(code: number): string {
  if ((code >= 1000 && code <= 1015) || KNOWN_APP_CODES.has(code)) return String(code);
  if (code >= 4000 && code <= 4999) return '4xxx';
  return 'other';
}

/** Counts a socket opening; returns the function to call at its close (counted only if the open was). */
export function trackWebSocket(): (code: number) => void {
  if (!enabled) return () => {};
  wsOpened.inc();
  wsConnections.inc();
  return (code) => {
    wsClosed.inc({ code: closeCodeLabel(code) });
    wsConnections.dec();
  };
}
