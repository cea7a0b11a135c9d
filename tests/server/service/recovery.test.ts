import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { startEmbeddedPostgres, tempDataDir, type EmbeddedDatabase } from '../../../server/db/embedded.js';
import { migrate, openOrm, ormOptions, withStartupLock } from '../../../server/db/orm.js';
import { PasswordHasher } from '../../../server/modules/accounts/passwords.js';
import { loadDemoData } from '../../../seeds/demo.js';
import { loadDemoChat } from '../../../seeds/demoChat.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream } from '../../helpers/ws.js';

/**
 * PostgreSQL crashes under a running server (its own embedded cluster, killed with SIGKILL)
 * and comes back on the same port: the server answers SERVICE_UNAVAILABLE meanwhile, tells a
 * load balancer through /readyz, and serves again by itself once the database is back.
 */
let db: EmbeddedDatabase;
let orm: MikroORM;
let app: FastifyInstance;
let url: string;
let filesDir: string;
let li: Client & { userId: string };
let conversation: string;

const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id body } }`;

/** A raw POST, to see the HTTP status and the whole body. */
async function post(cookieClient: Client, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cookieClient.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { data: any; errors?: Array<{ message: string; extensions: { code: string } }> } };
}

beforeAll(async () => {
  db = await startEmbeddedPostgres(tempDataDir('jiaoliu-recovery-'));
  await db.createDatabase('jiaoliu');
  orm = await openOrm(db.url('jiaoliu'));
  await migrate(orm);
  const hasher = new PasswordHasher(2, 1000);
  await loadDemoData(orm, hasher);
  await loadDemoChat(orm, hasher);
  filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-files-'));
  const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', demoData: false, storage: { ...loadConfig().storage, filesDir }, scheduler: { pollMs: 100 } });
  app = await buildApp(config, orm);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  li = await signedIn(url, 'lijinsong');
  li.token = (await li.login('lijinsong')).token;
  const { myGroups } = await li.request(`{ myGroups { name conversation { id } } }`);
  conversation = myGroups.find((g: any) => g.name === '政务服务工作交流').conversation.id;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await orm?.close(true);
  await db?.stop();
  if (db) fs.rmSync(path.dirname(db.dataDir), { recursive: true, force: true });
  if (filesDir) fs.rmSync(filesDir, { recursive: true, force: true });
});

describe('PostgreSQL going away and coming back', () => {
  it('answers SERVICE_UNAVAILABLE while it is gone and recovers by itself', async () => {
    const before = await li.request(SEND, { c: conversation, b: '数据库重启前的消息', k: 'recovery-before-0001' });
    // A search, so that the search's own pools hold connections that the crash will cut.
    await li.request(`query($q: String!) { search(query: $q) { edges { node { __typename } } } }`, { q: '重启' });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    await db.kill();
    // The scheduler polls meanwhile (every 100 ms): its failures are logged, nothing crashes.
    await new Promise((r) => setTimeout(r, 500));

    const failed = await post(li, SEND, { c: conversation, b: '数据库不在时的消息', k: 'recovery-during-0001' });
    expect(failed.status).toBe(503);
    // GraphQL's 503 tells when to try again, as the REST routes' do.
    expect(failed.retryAfter).toBe('5');
    expect(failed.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(failed.body.errors?.[0].message).toMatch(/数据库暂时不可用/);
    const search = await post(li, `query($q: String!) { search(query: $q) { edges { node { __typename } } } }`, { q: '重启' });
    expect(search.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    const readyBody = await ready.json();
    expect(readyBody.failed).toEqual(['database']);
    expect(readyBody.message).toContain('数据库不可用');
    expect(readyBody.checks.storage.ok).toBe(true);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    // REST routes too (a download needs the session and the file's row).
    const download = await fetch(`${url}/files/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${li.token}` } });
    expect(download.status).toBe(503);
    expect(download.headers.get('retry-after')).toBe('5');
    expect((await download.json()).errors[0]).toEqual({ message: '数据库暂时不可用，请稍后重试', extensions: { code: 'SERVICE_UNAVAILABLE' } });
    // A subscription refused meanwhile says why, in Chinese, without the driver's text.
    const refused = await openStream(url, { token: li.token! });
    expect(refused.errors.flat()).toEqual([expect.objectContaining({ message: '数据库暂时不可用，请稍后重试', extensions: { code: 'SERVICE_UNAVAILABLE' } })]);
    await refused.dispose();
    const calendar = await fetch(`${url}/meetings/00000000-0000-4000-8000-000000000000.ics`, { headers: { authorization: `Bearer ${li.token}` } });
    expect(calendar.status).toBe(503);
    expect(calendar.headers.get('retry-after')).toBe('5');

    // Back on the same port and data folder.
    db = await startEmbeddedPostgres(db.dataDir, () => {}, {}, { port: db.port });
    const back = Date.now();
    let sent: { status: number; retryAfter: string | null; body: any } | undefined;
    for (;;) {
      sent = await post(li, SEND, { c: conversation, b: '数据库恢复后的消息', k: 'recovery-after-0001' });
      if (sent.status === 200 && !sent.body.errors) break;
      expect(sent.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(Date.now() - back).toBeLessThan(10_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sent.body.data.sendMessage.body).toBe('数据库恢复后的消息');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const found = await post(li, `query($q: String!) { search(query: $q) { edges { node { __typename } } } }`, { q: '重启' });
    expect(found.body.errors).toBeUndefined();
    // Live events flow again: a new subscriber sees the next message.
    const stream = await openStream(url, { token: li.token! });
    const next = await li.request(SEND, { c: conversation, b: '恢复后实时送达', k: 'recovery-after-0002' });
    expect((await stream.waitFor((e) => e.message?.id === next.sendMessage.id)).message.body).toBe('恢复后实时送达');
    await stream.dispose();

    // The message acknowledged before the crash is there, unchanged; the refused one is not.
    const { conversation: page } = await li.request(`query($c: ID!) { conversation(id: $c) { messages(first: 20) { edges { node { id body clientMessageId } } } } }`, { c: conversation });
    const bodies = page.messages.edges.map((e: any) => e.node);
    expect(bodies).toContainEqual({ id: before.sendMessage.id, body: '数据库重启前的消息', clientMessageId: 'recovery-before-0001' });
    expect(bodies.map((m: any) => m.clientMessageId)).not.toContain('recovery-during-0001');
  }, 60_000);
});

describe('a database that never answers at start-up', () => {
  it('fails the start-up lock with a clear error instead of waiting forever', async () => {
    // Accepts TCP connections and says nothing, as a filtered or hung server does.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const url = `postgresql://jiaoliu:secret-password@127.0.0.1:${port}/jiaoliu`;
    const silentOrm = await MikroORM.init({ ...ormOptions(url), connect: false });
    try {
      let ran = false;
      const started = Date.now();
      const error = (await withStartupLock(silentOrm, async () => (ran = true), { connectTimeoutMs: 500 }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toContain(`无法连接数据库 127.0.0.1:${port}/jiaoliu（0.5 秒内未连上）`);
      expect(error.message).not.toContain('secret-password');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(ran).toBe(false);
    } finally {
      await silentOrm.close(true);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 20_000);
});
