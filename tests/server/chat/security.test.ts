import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql, userId } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

let t: TestApp;
let demoConversation: string;
const streams: Stream[] = [];
const track = (s: Stream) => (streams.push(s), s);

beforeAll(async () => {
  t = await startTestApp({ realtime: { wsInitTimeoutMs: 400, allowedOrigins: [], maxFramesPerSecond: 50 } });
  [{ id: demoConversation }] = await sql<{ id: string }>(t.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

const wsUrl = () => t.url.replace(/^http/, 'ws') + '/graphql';
const tokenOf = async (login: string) => (await new Client(t.url).login(login)).token;

/** A raw socket speaking graphql-transport-ws, for frames no well-behaved client sends. */
function raw(headers: Record<string, string> = {}): Promise<{ socket: WebSocket; messages: unknown[]; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers });
    const messages: unknown[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => socket.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    socket.once('open', () => resolve({ socket, messages, closed }));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('WebSocket handshake and frames', () => {
  it('refuses a handshake from a foreign Origin carrying a valid session cookie (cross-site WebSocket hijacking)', async () => {
    const cookie = `jiaoliu_session=${await tokenOf('lijinsong')}`;
    await expect(raw({ origin: 'https://evil.example', cookie })).rejects.toThrow(/HTTP 403/);
    const sameOrigin = await raw({ origin: t.url, cookie });
    sameOrigin.socket.close();
  });

  it('closes a socket that sends no connection_init in time', async () => {
    const { closed } = await raw();
    expect((await closed).code).toBe(4408);
  });

  it('closes a socket on an oversize frame and keeps serving others', async () => {
    const { socket, closed } = await raw();
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(100 * 1024) } }));
    expect((await closed).code).toBe(1009);
    expect((await new Client(t.url).request(`{ ok }`)).ok).toBe(true);
  });

  it('closes a socket that floods frames, and keeps serving others', async () => {
    const { socket, closed } = await raw();
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    for (let i = 0; i < 200; i++) socket.send(JSON.stringify({ type: 'ping' }));
    expect((await closed).code).toBe(1008);
    expect((await new Client(t.url).request(`{ ok }`)).ok).toBe(true);
  });

  it('closes the socket on a malformed frame (graphql-transport-ws 4400), without crashing the server', async () => {
    const { socket, closed } = await raw();
    socket.send('this is not json');
    expect((await closed).code).toBe(4400);
    expect((await new Client(t.url).request(`{ ok }`)).ok).toBe(true);
  });
});

describe('identity on the socket', () => {
  it('refuses to subscribe without a token or cookie, and closes the socket', async () => {
    const stream = track(await openStream(t.url));
    expect(JSON.stringify(stream.errors)).toContain('UNAUTHENTICATED');
    await new Promise((r) => setTimeout(r, 100));
    expect(stream.closed?.code).toBe(4401);
  });

  it('never trusts headers put into the init payload as identity', async () => {
    const token = await tokenOf('lijinsong');
    const stream = track(await openStream(t.url, { connectionParams: { authorization: `Bearer ${token}`, headers: { cookie: `jiaoliu_session=${token}` } } }));
    expect(JSON.stringify(stream.errors)).toContain('UNAUTHENTICATED');
    expect(stream.events).toHaveLength(0);
  });

  it('accepts the session cookie of a same-origin page', async () => {
    const token = await tokenOf('chengyong');
    const stream = track(await openStream(t.url, { cookie: `jiaoliu_session=${token}`, origin: t.url }));
    expect(stream.errors).toEqual([]);
    const li = await signedIn(t.url, 'lijinsong');
    await li.request(`mutation($c: ID!) { sendMessage(conversationId: $c, body: "cookie 连接测试", clientMessageId: "cookie-test-0001") { id } }`, { c: demoConversation });
    await stream.waitFor((e) => e.message?.body === 'cookie 连接测试');
  });

  it('closes every socket of a disabled account at once', async () => {
    const token = await tokenOf('sunli');
    const stream = track(await openStream(t.url, { token }));
    expect(stream.errors).toEqual([]);
    const chengyong = await signedIn(t.url, 'chengyong');
    await chengyong.request(`mutation($id: ID!) { disableUser(userId: $id, reason: "离职") { status } }`, { id: await userId(t.orm, 'sunli') });
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.closed?.code).toBe(4401);
  });

  it('closes the socket of a session that logs out, and not the others', async () => {
    const a = new Client(t.url);
    a.token = (await a.login('hulin')).token;
    const bToken = await tokenOf('hulin');
    const streamA = track(await openStream(t.url, { token: a.token }));
    const streamB = track(await openStream(t.url, { token: bToken }));
    await a.request(`mutation { logout }`);
    await new Promise((r) => setTimeout(r, 200));
    expect(streamA.closed?.code).toBe(4401);
    expect(streamB.closed).toBeNull();
  });
});

describe('what events may carry', () => {
  it('sends read state only to its owner, and a recalled message without its text', async () => {
    const [li, cheng] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong')]);
    const liStream = track(await openStream(t.url, { token: await tokenOf('lijinsong') }));
    const chengStream = track(await openStream(t.url, { token: await tokenOf('chengyong') }));
    const { sendMessage } = await li.request(`mutation($c: ID!) { sendMessage(conversationId: $c, body: "这条要撤回：内部电话 0827-1234567", clientMessageId: "recall-test-0001") { id } }`, { c: demoConversation });
    await cheng.request(`mutation($c: ID!) { markRead(conversationId: $c) { lastReadSeq } }`, { c: demoConversation });
    await chengStream.waitFor((e) => e.type === 'READ_STATE');
    await li.request(`mutation($m: ID!) { recallMessage(messageId: $m) { recalledAt } }`, { m: sendMessage.id });
    const recalled = await chengStream.waitFor((e) => e.type === 'MESSAGE_RECALLED');
    expect(recalled.message.body).toBeNull();
    expect(JSON.stringify(chengStream.events.filter((e) => e.type === 'MESSAGE_RECALLED'))).not.toContain('0827-1234567');
    await liStream.waitFor((e) => e.type === 'MESSAGE_RECALLED');
    expect(liStream.events.filter((e) => e.type === 'READ_STATE' && e.conversationId === demoConversation && e.readSeq !== undefined && e.readSeq !== null && !e.user)).toHaveLength(0);
    // History agrees: the body is gone for everyone.
    const { conversation } = await cheng.request(`query($c: ID!) { conversation(id: $c) { messages(first: 1) { edges { node { id body recalledAt author { realName } } } } } }`, { c: demoConversation });
    expect(conversation.messages.edges[0].node).toMatchObject({ id: sendMessage.id, body: null, author: { realName: '李劲松' } });
  });
});
