import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { SAMPLES } from '../../helpers/files.js';
import { Client, DEMO_PASSWORD } from '../../helpers/graphql.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { loadConfig, type Config } from '../../../server/config.js';
import { RateLimiter } from '../../../server/edge/rateLimit.js';
import { AppError } from '../../../server/errors.js';

const limits = (overrides: Partial<Config['rateLimit']>): Config['rateLimit'] => ({ ...loadConfig().rateLimit, ...overrides });

/** A raw POST /graphql from an address of our choosing (the app trusts X-Forwarded-For). */
async function gql(app: TestApp, query: string, options: { token?: string; address?: string } = {}) {
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.address ? { 'x-forwarded-for': options.address } : {}),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data: Record<string, unknown> | null; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
}

const tokenOf = async (app: TestApp, login: string) => (await new Client(app.url).login(login, DEMO_PASSWORD)).token;

describe('mutations per person', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ trustProxy: true, rateLimit: limits({ mutationsPerUser: 5, mutationsPerAddress: 1000 }) });
  });
  afterAll(() => t.close());

  it('refuses the mutation over the limit with RATE_LIMITED, 429, a Chinese message and when to retry', async () => {
    const token = await tokenOf(t, 'lijinsong');
    for (let i = 0; i < 5; i++) expect((await gql(t, `mutation { noop }`, { token })).errors).toBeUndefined();
    const refused = await gql(t, `mutation { noop }`, { token });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toMatch(/过于频繁，请 \d+ 秒后再试/);
    const seconds = Number(refused.errors?.[0].extensions.retryAfterSeconds);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(refused.retryAfter).toBe(String(seconds));
    // Reading is never limited, and another person at the same address still writes.
    expect((await gql(t, `{ viewer { realName } }`, { token })).data).toEqual({ viewer: { realName: '李劲松' } });
    expect((await gql(t, `mutation { noop }`, { token: await tokenOf(t, 'chengyong') })).errors).toBeUndefined();
  });

  it('counts each aliased mutation of one request, and per person across sessions', async () => {
    const token = await tokenOf(t, 'gouxiaoyan');
    const refused = await gql(t, `mutation { a: noop b: noop c: noop d: noop e: noop f: noop }`, { token });
    expect(refused.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    const otherSession = await tokenOf(t, 'gouxiaoyan');
    expect((await gql(t, `mutation { noop }`, { token: otherSession })).errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });
});

describe('mutations per address, without a session', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ trustProxy: true, rateLimit: limits({ mutationsPerUser: 1000, mutationsPerAddress: 4 }) });
  });
  afterAll(() => t.close());

  it('limits anonymous mutations (login, registration) from an address, and not other addresses', async () => {
    for (let i = 0; i < 4; i++) expect((await gql(t, `mutation { noop }`, { address: '203.0.113.7' })).errors).toBeUndefined();
    const refused = await gql(t, `mutation { noop }`, { address: '203.0.113.7' });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toContain('网络');
    expect((await gql(t, `mutation { login(loginName: "lijinsong", password: "${DEMO_PASSWORD}") { token } }`, { address: '203.0.113.7' })).errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect((await gql(t, `mutation { noop }`, { address: '198.51.100.20' })).errors).toBeUndefined();
  });

  it('does not limit signed-in people behind that address together (an office behind one NAT address)', async () => {
    for (let i = 0; i < 5; i++) await gql(t, `mutation { noop }`, { address: '203.0.113.8' });
    expect((await gql(t, `mutation { noop }`, { address: '203.0.113.8' })).errors?.[0].extensions.code).toBe('RATE_LIMITED');
    const [li, cheng] = await Promise.all([tokenOf(t, 'lijinsong'), tokenOf(t, 'chengyong')]);
    for (let i = 0; i < 6; i++) {
      expect((await gql(t, `mutation { noop }`, { token: li, address: '203.0.113.8' })).errors).toBeUndefined();
      expect((await gql(t, `mutation { a: noop b: noop }`, { token: cheng, address: '203.0.113.8' })).errors).toBeUndefined();
    }
  });
});

describe('uploads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimit: limits({ uploadsPerUser: 2 }) });
  });
  afterAll(() => t.close());

  it('refuses the upload over the limit with 429, RATE_LIMITED and Retry-After', async () => {
    const token = await tokenOf(t, 'gouxiaoyan');
    const [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
    const send = async (i: number) => {
      const form = new FormData();
      form.append('groupId', groupId);
      form.append('file', new Blob([new Uint8Array(SAMPLES.txt())]), `限流测试${i}.txt`);
      const response = await fetch(`${t.url}/files`, { method: 'POST', body: form, headers: { 'x-jiaoliu-upload': '1', authorization: `Bearer ${token}` } });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
    };
    expect((await send(1)).status).toBe(201);
    expect((await send(2)).status).toBe(201);
    const refused = await send(3);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(refused.body.errors?.[0].message).toContain('上传');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.body.errors?.[0].extensions.retryAfterSeconds).toBe(Number(refused.retryAfter));
  });
});

describe('shared by instances through Redis', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    redis = await startRedis();
    const config = { trustProxy: true, redisUrl: redis.url, rateLimit: limits({ mutationsPerUser: 1000, mutationsPerAddress: 6 }) };
    [a, b] = await Promise.all([startTestApp(config), startTestApp(config)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.close();
  });

  it('counts an address once across two instances', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await gql(a, `mutation { noop }`, { address: '192.0.2.44' })).errors).toBeUndefined();
      expect((await gql(b, `mutation { noop }`, { address: '192.0.2.44' })).errors).toBeUndefined();
    }
    expect((await gql(a, `mutation { noop }`, { address: '192.0.2.44' })).errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect((await gql(b, `mutation { noop }`, { address: '192.0.2.44' })).errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('counts a request with many aliased mutations in one Redis call, on a client it is given', async () => {
    const client = new Redis(redis.url);
    try {
      const limiter = new RateLimiter({ mutationsPerUser: 0, mutationsPerAddress: 10, uploadsPerUser: 0 }, { warn: () => {} }, client);
      await client.ping(); // connected: no handshake commands below
      const sent = vi.spyOn(client, 'sendCommand');
      await limiter.hit('mutation', null, '192.0.2.99', 8);
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['eval']);
      expect(await client.get('jiaoliu-rate-mutation:ip:192.0.2.99')).toBe('8');
      expect(await client.pttl('jiaoliu-rate-mutation:ip:192.0.2.99')).toBeGreaterThan(50_000);
      const refused = await limiter.hit('mutation', null, '192.0.2.99', 3).catch((error: AppError) => error);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('RATE_LIMITED');
      expect((refused as AppError).details.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['eval', 'get', 'pttl', 'evalsha']);
    } finally {
      client.disconnect();
    }
  });

  it('lets mutations through while Redis is away, and counts again once it is back', async () => {
    await redis.stop(true);
    try {
      expect((await gql(a, `mutation { noop }`, { address: '192.0.2.45' })).errors).toBeUndefined();
    } finally {
      await redis.start();
    }
    // ioredis reconnects by itself (backoff capped at 2 s).
    const deadline = Date.now() + 10_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      const answer = await gql(b, `mutation { noop }`, { address: '192.0.2.46' });
      refused = answer.errors?.[0]?.extensions.code === 'RATE_LIMITED';
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBe(true);
  });
});
