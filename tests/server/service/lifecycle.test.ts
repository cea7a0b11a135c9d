import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { signedIn } from '../../helpers/graphql.js';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.js';
import { openStream } from '../../helpers/ws.js';

/**
 * SIGTERM on a real server process: readiness turns 503 at once, the instance keeps serving for
 * SHUTDOWN_DRAIN_MS, then refuses new connections, closes WebSockets with 1012 and lets a
 * request that was in flight finish; it exits 0, and every line it printed is a JSON record.
 */
const DRAIN_MS = 1500;
let databaseUrl: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  databaseUrl = await freshDatabase();
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited;
  await dropDatabase(databaseUrl);
});

/** A POST whose body is sent in two parts: the request is in flight between them. */
function slowPost(port: number, token: string, body: string) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  request.write(body.slice(0, half));
  return { finish: () => request.end(body.slice(half)), response };
}

const waitUntil = async (predicate: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('graceful stop on SIGTERM', () => {
  it('drains: readiness 503 at once, sockets closed with 1012 after the drain, in-flight request finishes, exit 0', async () => {
    server = await startServerProcess({ env: { DATABASE_URL: databaseUrl, SHUTDOWN_DRAIN_MS: String(DRAIN_MS) }, readyPath: '/readyz' });
    const li = await signedIn(server.url, 'lijinsong');
    const { token } = await li.login('lijinsong');
    const stream = await openStream(server.url, { token });
    expect(stream.errors).toEqual([]);
    expect(stream.closed).toBeNull();

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    await waitUntil(() => server!.output().includes('收到 SIGTERM'), 2000);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ok: false, failed: ['shutdown'], message: '服务正在关闭' });
    // Still serving while the load balancer notices.
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    const during = await li.request(`{ viewer { id } }`);
    expect(during.viewer.id).toBeTruthy();

    const inFlight = slowPost(server.port, token, JSON.stringify({ query: `{ viewer { loginName } }` }));
    await waitUntil(() => stream.closed !== null, DRAIN_MS + 5000);
    expect(stream.closed).toEqual({ code: 1012, reason: 'Service Restart' });
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(DRAIN_MS - 50);
    // The listener is closed: a new connection is refused while the request is still open.
    await expect(fetch(`${server.url}/livez`)).rejects.toThrow();
    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status).toBe(200);
    expect(answered.body.data.viewer.loginName).toBe('lijinsong');

    expect(await server.exited).toBe(0);
    await stream.dispose();
    // Structured logs only: every line is a pino record; start-up and shutdown among them.
    const lines = server.output().split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as { msg: string; level: number; component?: string });
    const lifecycle = records.filter((r) => r.component === 'lifecycle').map((r) => r.msg);
    expect(lifecycle.some((m) => m.startsWith('交流 已启动'))).toBe(true);
    expect(lifecycle.some((m) => m.startsWith('收到 SIGTERM'))).toBe(true);
    expect(lifecycle.some((m) => m.includes('1012'))).toBe(true);
    expect(lifecycle.at(-1)).toBe('交流 已停止');
    expect(server.output()).not.toContain('\u001b[');
  }, 60_000);
});
