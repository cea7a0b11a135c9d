import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../server/config.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { startS3, type S3Server } from '../../helpers/s3.js';

/** /livez and /readyz against real parts: a real redis-server and a real S3 server, each taken away. */
let t: TestApp;
let redis: TestRedis;
let s3: S3Server;

beforeAll(async () => {
  redis = await startRedis();
  s3 = await startS3();
  t = await startTestApp({
    redisUrl: redis.url,
    storage: { ...loadConfig().storage, s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: 'jiaoliu-health', region: 'us-east-1' } },
  });
});
afterAll(async () => {
  await t?.close();
  await redis?.close();
  await s3?.close().catch(() => {});
});

async function ready() {
  const response = await fetch(`${t.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

async function until(status: number, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await ready();
    if (answer.status === status || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('/livez and /readyz', () => {
  it('is ready when the database, Redis and the object store answer; /healthz says the same', async () => {
    const answer = await ready();
    expect(answer).toEqual({ status: 200, body: { ok: true, checks: { database: { ok: true }, storage: { ok: true }, redis: { ok: true } } } });
    const alias = await fetch(`${t.url}/healthz`);
    expect(alias.status).toBe(200);
    expect(await alias.json()).toEqual(answer.body);
    expect(await (await fetch(`${t.url}/livez`)).json()).toEqual({ ok: true });
    // Readiness reads the bus's own connections: no Redis connection of its own.
    const admin = new Redis(redis.url);
    try {
      const clients = String(await admin.call('CLIENT', 'LIST'));
      expect(clients).toMatch(/name=jiaoliu-bus-sub/);
      expect(clients).toMatch(/name=jiaoliu-bus-pub/);
      expect(clients).not.toMatch(/name=jiaoliu-health/);
    } finally {
      admin.disconnect();
    }
  });

  it('names Redis when it is gone, and is ready again when it is back', async () => {
    await redis.stop(true);
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.failed).toEqual(['redis']);
    expect(down.body.checks.redis).toEqual({ ok: false, message: 'Redis 不可用' });
    expect(down.body.message).toBe('未就绪：Redis 不可用');
    expect((await fetch(`${t.url}/livez`)).status).toBe(200);
    await redis.start();
    expect((await until(200, 10_000)).status).toBe(200);
  });

  it('names the object store when it is gone', async () => {
    await s3.close();
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.failed).toEqual(['storage']);
    expect(down.body.message).toBe('未就绪：文件存储不可用');
    expect(down.body.checks.database).toEqual({ ok: true });
    expect((await fetch(`${t.url}/livez`)).status).toBe(200);
  });
});
