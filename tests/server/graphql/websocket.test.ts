import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { loadConfig } from '../../../server/config.js';

interface Raw {
  socket: WebSocket;
  frames: Array<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first frame matching, or rejects after `ms`. */
  frame: (predicate: (f: Record<string, any>) => boolean, ms?: number) => Promise<Record<string, any>>;
}

let t: TestApp;
let token: string;
let conversationId: string;

beforeAll(async () => {
  t = await startTestApp();
  token = (await new Client(t.url).login('lijinsong')).token;
  [{ id: conversationId }] = await sql<{ id: string }>(t.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
});
afterAll(() => t.close());

/** A raw graphql-transport-ws socket, acknowledged when `init` is set. */
async function raw(app: TestApp, init = true): Promise<Raw> {
  const socket = new WebSocket(app.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const frames: Array<Record<string, any>> = [];
  const closed = new Promise<{ code: number; reason: string }>((done) => socket.on('close', (code, reason) => done({ code, reason: reason.toString() })));
  socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  const frame = (predicate: (f: Record<string, any>) => boolean, ms = 3000) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        const found = frames.find(predicate);
        if (found) return resolve(found);
        if (Date.now() - started > ms) return reject(new Error(`no such frame within ${ms} ms: ${JSON.stringify(frames)}`));
        setTimeout(check, 20);
      };
      check();
    });
  if (init) {
    socket.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
    await frame((f) => f.type === 'connection_ack');
  }
  return { socket, frames, closed, frame };
}

const EVENT = `type conversationId message { id body }`;
const subscribe = (r: Raw, id: string, query: string) => r.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));

describe('subscriptions follow the same rules as HTTP', () => {
  it('refuses a subscription with several root fields (20 aliases of chatEvents, within the alias limit) with an error frame', async () => {
    const r = await raw(t);
    subscribe(r, 'many', `subscription { ${Array.from({ length: 20 }, (_, i) => `e${i}: chatEvents { ${EVENT} }`).join(' ')} }`);
    const error = await r.frame((f) => f.id === 'many' && f.type === 'error');
    expect(error.payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.payload[0].message).toContain('查询语句无效');
    // The socket stays usable: a proper subscription then delivers each event once.
    subscribe(r, 'one', `subscription { chatEvents { ${EVENT} } }`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const li = await signedIn(t.url, 'lijinsong');
    await li.request(`mutation($c: ID!) { sendMessage(conversationId: $c, body: "仅一次", clientMessageId: "ws-once-0001") { id } }`, { c: conversationId });
    await r.frame((f) => f.id === 'one' && f.type === 'next' && f.payload.data?.chatEvents?.message?.body === '仅一次');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.frames.filter((f) => f.type === 'next' && f.payload.data?.chatEvents?.message?.body === '仅一次')).toHaveLength(1);
    expect(r.frames.some((f) => f.id === 'many' && f.type === 'next')).toBe(false);
    r.socket.close();
  });

  it('refuses 100 aliases over WebSocket, as HTTP does', async () => {
    const r = await raw(t);
    subscribe(r, 'aliases', `subscription { chatEvents { ${Array.from({ length: 100 }, (_, i) => `a${i}: type`).join(' ')} } }`);
    const error = await r.frame((f) => f.id === 'aliases' && f.type === 'error');
    expect(error.payload[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(error.payload[0].message).toContain('别名');
    r.socket.close();
  });

  it('refuses a subscription nested beyond the depth limit with a Chinese message', async () => {
    const r = await raw(t);
    subscribe(r, 'deep', `subscription { chatEvents { message { replyTo { author { unit { parent { parent { parent { parent { name } } } } } } } } } }`);
    const error = await r.frame((f) => f.id === 'deep' && f.type === 'error');
    expect(error.payload[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(error.payload[0].message).toContain('嵌套层数');
    r.socket.close();
  });

  it('refuses unknown fields and syntax errors as client errors', async () => {
    const r = await raw(t);
    subscribe(r, 'unknown', `subscription { chatEvents { noSuchField } }`);
    subscribe(r, 'syntax', `subscription { chatEvents { `);
    const unknown = await r.frame((f) => f.id === 'unknown' && f.type === 'error');
    const syntax = await r.frame((f) => f.id === 'syntax' && f.type === 'error');
    expect(unknown.payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(syntax.payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    r.socket.close();
  });

  it('applies the cost limit over WebSocket', async () => {
    const base = loadConfig().graphql;
    const cheap = await startTestApp({ graphql: { ...base, maxCost: 50 } });
    try {
      const r = await raw(cheap, false);
      r.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: (await new Client(cheap.url).login('lijinsong')).token } }));
      await r.frame((f) => f.type === 'connection_ack');
      // reactions and their users are lists: 5 x 5 x 3 fields alone cost 75.
      subscribe(r, 'costly', `subscription { chatEvents { message { reactions { users { id realName title } } } } }`);
      const error = await r.frame((f) => f.id === 'costly' && f.type === 'error');
      expect(error.payload[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', maxCost: 50 } });
      expect(error.payload[0].message).toContain('上限 50');
      subscribe(r, 'cheap', `subscription { chatEvents { type } }`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(r.frames.some((f) => f.id === 'cheap' && f.type === 'error')).toBe(false);
      r.socket.close();
    } finally {
      await cheap.close();
    }
  });
});

describe('malformed graphql-transport-ws frames close the socket with 4400', () => {
  const cases: Array<[string, (r: Raw) => void]> = [
    ['not JSON', (r) => r.socket.send('this is not json')],
    ['binary', (r) => r.socket.send(Buffer.from([0xff, 0x00, 0x13]))],
    ['subscribe without id', (r) => r.socket.send(JSON.stringify({ type: 'subscribe', payload: { query: '{ ok }' } }))],
    ['an unknown type', (r) => r.socket.send(JSON.stringify({ type: 'bogus', id: '1' }))],
    ['a server-only type', (r) => r.socket.send(JSON.stringify({ type: 'next', id: '1', payload: { data: {} } }))],
    ['a payload that is not an object', (r) => r.socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: 'subscription { chatEvents { type } }' }))],
    ['an init payload that is not an object', (r) => r.socket.send(JSON.stringify({ type: 'connection_init', payload: 42 }))],
    ['a JSON array', (r) => r.socket.send('[1,2,3]')],
    ['a long non-ASCII type', (r) => r.socket.send(JSON.stringify({ type: '未知类型'.repeat(100) }))],
  ];
  for (const [name, send] of cases) {
    it(`closes on ${name}`, async () => {
      const r = await raw(t, name !== 'an init payload that is not an object');
      send(r);
      const closed = await r.closed;
      expect(closed.code).toBe(4400);
    });
  }

  it('refuses the legacy subscriptions-transport-ws protocol, whose frames the checks do not cover (4406)', async () => {
    for (const protocol of ['graphql-ws', undefined]) {
      const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', protocol);
      const closed = await new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      expect(closed).toBe(4406);
    }
  });

  it('keeps serving after malformed frames', async () => {
    const r = await raw(t);
    r.socket.send('{"type":');
    expect((await r.closed).code).toBe(4400);
    expect((await new Client(t.url).request(`{ ok }`)).ok).toBe(true);
    const fresh = await raw(t);
    fresh.socket.send(JSON.stringify({ type: 'ping' }));
    await fresh.frame((f) => f.type === 'pong');
    fresh.socket.close();
  });
});
