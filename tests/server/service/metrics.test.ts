import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';
import { sql } from '../../helpers/demo.js';
import { loadConfig } from '../../../server/config.js';
import { countBusError } from '../../../server/metrics/registry.js';
import { metricsAccess } from '../../../server/plugins/metrics.js';
import type { FastifyRequest } from 'fastify';

/**
 * /metrics over real HTTP against a real app and PostgreSQL: who may read it, and that a
 * login, a send, live delivery over graphql-ws and failing operations show up in the figures.
 */

type Samples = Map<string, number>;

/** Prometheus text format → "name{labels}" → value (labels as printed by prom-client). */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Samples> {
  const response = await fetch(`${url}/metrics`, { headers });
  expect(response.status).toBe(200);
  return parse(await response.text());
}

const value = (samples: Samples, series: string) => samples.get(series) ?? 0;

const SEND = `mutation Send($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }`;
const DEMO_GROUP = `query DemoGroup { myGroups { name conversation { id } } }`;

/** A graphql-ws subscriber whose document selects only viewer-independent fields: the shared lane. */
function sharedSubscriber(url: string, token: string): Promise<{ frames: string[]; close: () => void }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const frames: string[] = [];
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string };
      if (frame.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription Shared { chatEvents { id type message { id body } } }' } }));
        setTimeout(() => resolve({ frames, close: () => socket.close(1000) }), 150);
      } else if (frame.type === 'next') frames.push(String(data));
    });
    socket.on('error', reject);
  });
}

describe('/metrics access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ trustProxy: true, metrics: { enabled: true, token: 'scrape-token-7f3a', allow: ['10.1.2.0/24'] } });
  });
  afterAll(async () => t?.close());

  it('answers the ordinary 404 to an address outside METRICS_ALLOW without the token (loopback included)', async () => {
    const direct = await fetch(`${t.url}/metrics`);
    expect(direct.status).toBe(404);
    expect(await direct.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const outside = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '10.9.9.9' } });
    expect(outside.status).toBe(404);
    const wrongToken = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-7f3b' } });
    expect(wrongToken.status).toBe(404);
    expect(await wrongToken.text()).not.toContain('jiaoliu_');
  });

  it('serves the metrics with the token, or to an allowed address (request.ip behind a trusted proxy)', async () => {
    const withToken = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-7f3a', 'x-forwarded-for': '10.9.9.9' } });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await withToken.text();
    expect(text).toContain('# TYPE jiaoliu_http_requests_total counter');
    const allowed = await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '10.1.2.77' } });
    expect(allowed.status).toBe(200);
  });

  it('defaults to loopback only when neither METRICS_TOKEN nor METRICS_ALLOW is set, and to the token alone when only it is', () => {
    const saved = { token: process.env.METRICS_TOKEN, allow: process.env.METRICS_ALLOW };
    try {
      delete process.env.METRICS_TOKEN;
      delete process.env.METRICS_ALLOW;
      expect(loadConfig().metrics).toEqual({ enabled: true, token: null, allow: ['127.0.0.1', '::1'] });
      process.env.METRICS_TOKEN = 'abc';
      expect(loadConfig().metrics).toEqual({ enabled: true, token: 'abc', allow: [] });
      process.env.METRICS_ALLOW = '10.0.0.0/8, 192.168.1.5';
      expect(loadConfig().metrics.allow).toEqual(['10.0.0.0/8', '192.168.1.5']);
    } finally {
      for (const [key, env] of [['METRICS_TOKEN', saved.token], ['METRICS_ALLOW', saved.allow]] as const) {
        if (env === undefined) delete process.env[key];
        else process.env[key] = env;
      }
    }
  });

  it('matches addresses and CIDRs (IPv4-mapped IPv6 too), and refuses to start with an entry that is neither', () => {
    const allowed = metricsAccess({ enabled: true, token: null, allow: ['127.0.0.1', '::1', '10.1.0.0/16'] });
    const from = (ip: string) => allowed({ ip, headers: {} } as FastifyRequest);
    expect([from('127.0.0.1'), from('::ffff:127.0.0.1'), from('::1'), from('10.1.200.3')]).toEqual([true, true, true, true]);
    expect([from('10.2.0.1'), from('192.168.1.1'), from('::2')]).toEqual([false, false, false]);
    expect(() => metricsAccess({ enabled: true, token: null, allow: ['not-an-address'] })).toThrow(/METRICS_ALLOW/);
    // Through a proxy that is not trusted, the address is the proxy's (often loopback): not enough.
    expect(allowed({ ip: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } } as unknown as FastifyRequest)).toBe(false);
    expect(allowed({ ip: '127.0.0.1', headers: { 'x-real-ip': '203.0.113.9' } } as unknown as FastifyRequest)).toBe(false);
    const withToken = metricsAccess({ enabled: true, token: 't0ken', allow: ['127.0.0.1'] });
    expect(withToken({ ip: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer t0ken' } } as unknown as FastifyRequest)).toBe(true);
  });
});

describe('/metrics figures', () => {
  let t: TestApp;
  let li: Client & { userId: string };
  let cheng: Client & { userId: string };
  let conversationId: string;
  let before: Samples;
  let stream: Stream;
  let shared: { frames: string[]; close: () => void };

  beforeAll(async () => {
    // Default access (neither token nor allow list): the test connects from 127.0.0.1. The
    // scheduler does not poll: the test runs it.
    t = await startTestApp({ scheduler: { pollMs: 0 } });
    before = await scrape(t.url);
    [li, cheng] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong')]);
    cheng.token = (await cheng.login('chengyong')).token;
    li.token = (await li.login('lijinsong')).token;
    const { myGroups } = await li.request<{ myGroups: Array<{ name: string; conversation: { id: string } }> }>(DEMO_GROUP);
    conversationId = myGroups.find((g) => g.name === '政务服务工作交流')!.conversation.id;
    stream = await openStream(t.url, { token: cheng.token });
    shared = await sharedSubscriber(t.url, li.token);
  });
  afterAll(async () => {
    await stream?.dispose().catch(() => {});
    shared?.close();
    await t?.close();
  });

  it('refuses a loopback request that carries forwarding headers without TRUST_PROXY (it came through a proxy)', async () => {
    expect((await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);
  });

  it('counts a send: operation by name and outcome, HTTP by route, send latency, events published and delivered on both lanes', async () => {
    const { sendMessage } = await li.request(SEND, { c: conversationId, b: '指标测试消息', k: `metrics-${Date.now()}` });
    await stream.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.id === sendMessage.id);
    await expect.poll(() => shared.frames.some((f) => f.includes(sendMessage.id))).toBe(true);

    const after = await scrape(t.url);
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('jiaoliu_graphql_operations_total{operation="Send",type="mutation",outcome="ok"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operations_total{operation="DemoGroup",type="query",outcome="ok"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operation_duration_seconds_count{operation="Send",result="ok"}')).toBe(1);
    // login ×4, DemoGroup, Send: all POST /graphql answered 200.
    expect(delta('jiaoliu_http_requests_total{method="POST",route="/graphql",status="200"}')).toBeGreaterThanOrEqual(6);
    expect(delta('jiaoliu_http_request_duration_seconds_count{method="POST",route="/graphql"}')).toBeGreaterThanOrEqual(6);
    expect(delta('jiaoliu_send_latency_seconds_count')).toBe(1);
    expect(value(after, 'jiaoliu_send_latency_seconds_sum')).toBeGreaterThan(0);
    expect(delta('jiaoliu_events_published_total{type="MESSAGE_ADDED"}')).toBe(1);
    expect(delta('jiaoliu_events_delivered_total{lane="subscriber"}')).toBeGreaterThanOrEqual(1);
    expect(delta('jiaoliu_events_delivered_total{lane="shared"}')).toBeGreaterThanOrEqual(1);
    // Coming online published presence to the group.
    expect(delta('jiaoliu_events_published_total{type="PRESENCE"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts failing operations under their error code, and names only bounded labels', async () => {
    const samples0 = await scrape(t.url);
    // "Send" has run for a signed-in person (the test before): its failures count under its name.
    expect(await li.errorCode(SEND, { c: '00000000-0000-4000-8000-000000000000', b: 'x', k: 'nowhere-000' })).toBe('NOT_FOUND');
    // Names that never ran successfully for a signed-in person do not get a label of their own.
    expect(await li.errorCode(`mutation SendNowhere { sendMessage(conversationId: "00000000-0000-4000-8000-000000000000", body: "x", clientMessageId: "nowhere-001") { id } }`)).toBe('NOT_FOUND');
    const anonymous = new Client(t.url);
    expect(await anonymous.errorCode(`query Mine { myGroups { id } }`)).toBe('UNAUTHENTICATED');
    expect(await li.errorCode(`query Broken { noSuchField }`)).toBe('GRAPHQL_VALIDATION_FAILED');
    const longName = `Q${'x'.repeat(70)}`;
    await li.request(`query ${longName} { ok }`);
    await li.request(`{ ok }`);
    const after = await scrape(t.url);
    const delta = (series: string) => value(after, series) - value(samples0, series);
    expect(delta('jiaoliu_graphql_operations_total{operation="Send",type="mutation",outcome="NOT_FOUND"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operations_total{operation="(other)",type="mutation",outcome="NOT_FOUND"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operations_total{operation="(other)",type="query",outcome="UNAUTHENTICATED"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operations_total{operation="(other)",type="query",outcome="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operation_duration_seconds_count{operation="(other)",result="error"}')).toBe(3);
    expect(delta('jiaoliu_graphql_operations_total{operation="(invalid)",type="query",outcome="ok"}')).toBe(1);
    expect(delta('jiaoliu_graphql_operations_total{operation="(anonymous)",type="query",outcome="ok"}')).toBe(1);
    const keys = [...after.keys()].join('\n');
    for (const name of [longName, 'SendNowhere', 'Mine', 'Broken']) expect(keys).not.toContain(name);
  });

  it('gives a name a label only once it ran successfully for a signed-in person: anonymous junk cannot fill the slots', async () => {
    const samples0 = await scrape(t.url);
    const anonymous = new Client(t.url);
    for (let i = 0; i < 5; i++) await anonymous.request(`query Junk${i} { ok }`);
    const junk = await scrape(t.url);
    expect(value(junk, 'jiaoliu_graphql_operations_total{operation="(other)",type="query",outcome="ok"}') - value(samples0, 'jiaoliu_graphql_operations_total{operation="(other)",type="query",outcome="ok"}')).toBe(5);
    expect([...junk.keys()].some((k) => k.includes('Junk'))).toBe(false);
    await li.request(`query Junk0 { ok }`);
    await anonymous.request(`query Junk0 { ok }`);
    const named = await scrape(t.url);
    expect(value(named, 'jiaoliu_graphql_operations_total{operation="Junk0",type="query",outcome="ok"}')).toBe(2);
    expect([...named.keys()].some((k) => k.includes('Junk1'))).toBe(false);
  });

  it('labels HTTP requests by route pattern, never by the raw URL', async () => {
    const samples0 = await scrape(t.url);
    const id = '3f2c9a70-0000-4000-8000-00000000abcd';
    expect((await fetch(`${t.url}/meetings/${id}.ics`)).status).toBe(401);
    expect((await fetch(`${t.url}/no/such/page-${Date.now()}`)).status).toBe(404);
    const after = await scrape(t.url);
    const text = [...after.keys()].join('\n');
    expect(value(after, 'jiaoliu_http_requests_total{method="GET",route="/meetings/:file",status="401"}') - value(samples0, 'jiaoliu_http_requests_total{method="GET",route="/meetings/:file",status="401"}')).toBe(1);
    expect(value(after, 'jiaoliu_http_requests_total{method="GET",route="(unmatched)",status="404"}')).toBeGreaterThan(value(samples0, 'jiaoliu_http_requests_total{method="GET",route="(unmatched)",status="404"}'));
    expect(text).not.toContain(id);
    expect(text).not.toContain('/no/such');
  });

  it('shows WebSocket connections, opened and closed by close code', async () => {
    const open = await scrape(t.url);
    expect(value(open, 'jiaoliu_ws_connections')).toBeGreaterThanOrEqual(2);
    expect(value(open, 'jiaoliu_ws_opened_total') - value(before, 'jiaoliu_ws_opened_total')).toBeGreaterThanOrEqual(2);
    const extra = await sharedSubscriber(t.url, cheng.token!);
    const during = await scrape(t.url);
    expect(value(during, 'jiaoliu_ws_connections')).toBe(value(open, 'jiaoliu_ws_connections') + 1);
    extra.close();
    await expect.poll(async () => value(await scrape(t.url), 'jiaoliu_ws_connections')).toBe(value(open, 'jiaoliu_ws_connections'));
    const closed = await scrape(t.url);
    expect(value(closed, 'jiaoliu_ws_closed_total{code="1000"}') - value(during, 'jiaoliu_ws_closed_total{code="1000"}')).toBe(1);
    // Subscriptions started, by operation and outcome: a refused one counts under its code.
    expect(value(closed, 'jiaoliu_graphql_subscriptions_total{operation="Shared",outcome="ok"}') - value(before, 'jiaoliu_graphql_subscriptions_total{operation="Shared",outcome="ok"}')).toBe(2);
    expect(value(closed, 'jiaoliu_graphql_subscriptions_total{operation="(anonymous)",outcome="ok"}') - value(before, 'jiaoliu_graphql_subscriptions_total{operation="(anonymous)",outcome="ok"}')).toBe(1);
    const refused = await sharedSubscriber(t.url, 'no-such-session');
    refused.close();
    await expect
      .poll(async () => value(await scrape(t.url), 'jiaoliu_graphql_subscriptions_total{operation="Shared",outcome="UNAUTHENTICATED"}') - value(closed, 'jiaoliu_graphql_subscriptions_total{operation="Shared",outcome="UNAUTHENTICATED"}'))
      .toBe(1);
  });

  it('reads the database pool and the scheduler at scrape time, and counts scheduler lag', async () => {
    // A job due 3 s ago whose kind has no handler: claimed (lag observed), then pushed back.
    await sql(t.orm, `insert into scheduled_job (kind, run_at, attempts, created_at) values ('metrics_test', now() - interval '3 seconds', 0, now())`);
    const due = await scrape(t.url);
    expect(value(due, 'jiaoliu_scheduler_overdue_jobs')).toBeGreaterThanOrEqual(1);
    expect(due.has('jiaoliu_db_pool_in_use')).toBe(true);
    expect(value(due, 'jiaoliu_db_pool_waiting')).toBe(0);
    expect(value(due, 'jiaoliu_db_pool_size')).toBeGreaterThanOrEqual(1);
    await t.app.scheduler.runDue();
    const after = await scrape(t.url);
    expect(value(after, 'jiaoliu_scheduler_lag_seconds_count') - value(due, 'jiaoliu_scheduler_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'jiaoliu_scheduler_lag_seconds_sum') - value(due, 'jiaoliu_scheduler_lag_seconds_sum')).toBeGreaterThanOrEqual(3);
    expect(value(after, 'jiaoliu_scheduler_overdue_jobs')).toBe(value(due, 'jiaoliu_scheduler_overdue_jobs') - 1);
  });

  it('counts bus errors through countBusError and has the process metrics', async () => {
    const samples0 = await scrape(t.url);
    countBusError('test');
    const after = await scrape(t.url);
    expect(value(after, 'jiaoliu_bus_errors_total{source="test"}') - value(samples0, 'jiaoliu_bus_errors_total{source="test"}')).toBe(1);
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });
});

describe('METRICS_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ metrics: { enabled: false, token: null, allow: ['127.0.0.1', '::1'] } });
  });
  afterAll(async () => t?.close());

  it('registers no /metrics route', async () => {
    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(404);
  });
});
