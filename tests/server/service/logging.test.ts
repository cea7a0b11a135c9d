import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { DEMO_PASSWORD, signedIn, type Client } from '../../helpers/graphql.js';
import { openStream } from '../../helpers/ws.js';
import { logCapture } from '../../helpers/logCapture.js';

/**
 * The app's log output, read from the real logger (a stream in the logger options, as a
 * process's stdout would receive it): JSON records only, requests carrying the user id and the
 * GraphQL operation name, WebSocket open and close records, and no secret or message text.
 */

let t: TestApp;
const log = logCapture();
let li: Client & { userId: string };
let cheng: Client & { userId: string };
const BODY = '日志中不得出现的消息正文-4af1';

const records = log.records;

beforeAll(async () => {
  t = await startTestApp({ logLevel: 'info', scheduler: { pollMs: 0 } }, { logStream: log.stream });
  [li, cheng] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong')]);
  cheng.token = (await cheng.login('chengyong')).token;
});
afterAll(async () => {
  await t?.close();
});

describe('structured logs', () => {
  it('tags a request with the user id and the GraphQL operation name', async () => {
    const { myGroups } = await li.request(`query GroupsForLog { myGroups { name conversation { id } } }`);
    const conversationId = myGroups.find((g: { name: string }) => g.name === '政务服务工作交流').conversation.id;
    await li.request(`mutation SendForLog($c: ID!, $b: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: "log-test-0001") { id } }`, { c: conversationId, b: BODY });
    await li.errors(`query BrokenForLog { noSuchField }`);
    const completed = (operation: string) => records().find((r) => r.msg === 'request completed' && r.operation === operation);
    await expect.poll(() => completed('SendForLog')).toBeTruthy();
    expect(completed('GroupsForLog')).toMatchObject({ level: 30, userId: li.userId, res: { statusCode: 200 } });
    expect(completed('SendForLog')).toMatchObject({ userId: li.userId, reqId: expect.any(String) });
    expect(typeof completed('SendForLog')!.responseTime).toBe('number');
    // A document that did not validate still names its operation.
    expect(completed('BrokenForLog')).toMatchObject({ userId: li.userId, res: { statusCode: 400 } });
    // The incoming record of the same request carries the method and path, no headers.
    const incoming = records().find((r) => r.msg === 'incoming request' && r.reqId === completed('SendForLog')!.reqId);
    expect(incoming?.req).toEqual({ method: 'POST', url: '/graphql', remoteAddress: '127.0.0.1' });
  });

  it('logs WebSocket open, authentication and close with the close code, reason and user id', async () => {
    const stream = await openStream(t.url, { token: cheng.token! });
    await stream.dispose();
    const refused = await openStream(t.url, { token: 'not-a-session-token' });
    await expect.poll(() => refused.closed?.code).toBe(4401);
    await expect.poll(() => records().filter((r) => r.event === 'ws_close').length).toBe(2);
    const [open1, open2] = records().filter((r) => r.event === 'ws_open');
    expect(open1).toMatchObject({ level: 30, wsId: expect.any(Number), remoteAddress: '127.0.0.1' });
    // The socket's records share the reqId of its upgrade request's "incoming request" record.
    expect(records().find((r) => r.msg === 'incoming request' && r.reqId === open1.reqId)?.req).toMatchObject({ method: 'GET', url: '/graphql' });
    expect(open2.wsId).not.toBe(open1.wsId);
    expect(records().find((r) => r.event === 'ws_authenticated')).toMatchObject({ wsId: open1.wsId, userId: cheng.userId });
    const closes = records().filter((r) => r.event === 'ws_close');
    expect(closes.find((r) => r.wsId === open1.wsId)).toMatchObject({ code: 1000, userId: cheng.userId, msg: 'websocket closed' });
    expect(closes.find((r) => r.wsId === open2.wsId)).toMatchObject({ code: 4401, reason: 'Unauthorized' });
    expect(closes.find((r) => r.wsId === open2.wsId)!.userId).toBeUndefined();
    expect(records().find((r) => r.event === 'ws_subscribe' && r.wsId === open1.wsId)).toMatchObject({ userId: cheng.userId, msg: 'subscription started' });
    expect(records().find((r) => r.event === 'ws_subscribe' && r.wsId === open2.wsId)).toMatchObject({ code: 'UNAUTHENTICATED', msg: 'subscription refused' });
    // mercurius's record of the refused subscription: its errors under one key, not as "0", "1"…
    expect(records().find((r) => r.level === 50 && r.errors)?.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(records().some((r) => '0' in r)).toBe(false);
  });

  it('hides the signature of a download link in the logged URL', async () => {
    const response = await fetch(`${t.url}/files/link/00000000-0000-4000-8000-000000000000?e=1&s=secret-signature-value`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    await expect.poll(() => records().some((r) => r.req?.url?.startsWith('/files/link/'))).toBe(true);
    expect(records().find((r) => r.req?.url?.startsWith('/files/link/'))!.req.url).toBe('/files/link/00000000-0000-4000-8000-000000000000?e=1&s=%5Bredacted%5D');
  });

  it("logs a database error with PostgreSQL's message and codes, never the SQL or its values", async () => {
    const error = await t.orm.em
      .getConnection()
      .execute(`select id from app_user where login_name = ? and no_such_column = 1`, ['secret-login-value'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    t.app.log.error({ err: error }, 'database error for the logging test');
    const record = records().find((r) => r.msg === 'database error for the logging test');
    expect(record?.err).toMatchObject({ message: 'column "no_such_column" does not exist', code: '42703' });
    expect(record?.err.stack).toMatch(/^\s+at /);
    expect(JSON.stringify(record)).not.toMatch(/secret-login-value|select id from app_user/);
    // Other errors keep pino's usual form.
    t.app.log.error({ err: new Error('plain failure') }, 'plain error for the logging test');
    expect(records().find((r) => r.msg === 'plain error for the logging test')?.err).toMatchObject({ type: 'Error', message: 'plain failure' });
  });

  it('writes only JSON lines, and never a token, cookie, password or message text', () => {
    const lines = log.text().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    for (const record of records()) expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(log.text()).not.toContain(cheng.token!);
    expect(log.text()).not.toContain('jiaoliu_session');
    expect(log.text()).not.toContain(DEMO_PASSWORD);
    expect(log.text()).not.toContain(BODY);
    expect(log.text()).not.toContain('secret-signature-value');
  });
});
