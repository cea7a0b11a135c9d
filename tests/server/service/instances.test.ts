import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { sql, userId } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.js';
import { openStream, type Stream } from '../../helpers/ws.js';

/**
 * Two real server processes (A and B) on one PostgreSQL with a real Redis: live events,
 * presence, session ends and cache invalidation cross between them; Redis can go away and
 * come back; a killed instance's people go offline; instances starting together on an empty
 * database all come up.
 */

const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }`;
const PRESENCE = `query($id: ID!) { user(id: $id) { presence { online lastSeenAt } } }`;
// Only viewer-independent fields: served by the shared lane (one execution per event and document).
const SHARED_FIELDS = `id type conversationId at readSeq user { id realName unit { name } } message { id seq body createdAt editedAt author { id realName unit { name } } reactions { emoji count users { realName } } }`;
const PRESENCE_TTL_MS = 3000;

let redis: TestRedis;
let databaseUrl: string;
let orm: MikroORM;
let a: ServerProcess;
let b: ServerProcess;
let conversationId: string;
let groupId: string;
const streams: Stream[] = [];
let k = 0;
const key = () => `inst-${Date.now()}-${k++}`;

const env = () => ({ DATABASE_URL: databaseUrl, REDIS_URL: redis.url, PRESENCE_TTL_MS: String(PRESENCE_TTL_MS), SCHEDULER_POLL_MS: '0' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tokenClient(url: string, login: string, password?: string): Promise<Client & { userId: string }> {
  const client = new Client(url) as Client & { userId: string };
  const session = await client.login(login, password);
  client.userId = session.id;
  client.token = session.token;
  return client;
}

async function stream(url: string, token: string, fields?: string): Promise<Stream> {
  const s = await openStream(url, { token, fields });
  streams.push(s);
  return s;
}

/** Resolves with how long the stream took to close (ms), or fails after `ms`. */
async function closedWithin(s: Stream, ms: number): Promise<number> {
  const started = Date.now();
  while (!s.closed) {
    if (Date.now() - started > ms) throw new Error(`socket still open after ${ms} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

/** Sends from `sender` (on A) until one message reaches `on` (B's bus resubscribes within its backoff, at most 2 s). */
async function crossesAgain(sender: Client, on: Stream): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { sendMessage } = await sender.request(SEND, { c: conversationId, b: `恢复后的消息 ${key()}`, k: key() });
    if (await on.waitFor((e) => e.message?.id === sendMessage.id, 700).then(() => true, () => false)) return true;
  }
  return false;
}

beforeAll(async () => {
  redis = await startRedis();
  databaseUrl = await freshDatabase();
  orm = await MikroORM.init(ormOptions(databaseUrl));
  // Only A runs the job scheduler: a meeting reminder seen on B crossed the bus.
  [a, b] = await Promise.all([startServerProcess({ env: { ...env(), SCHEDULER_POLL_MS: '300' } }), startServerProcess({ env: env() })]);
  const [g] = await sql<{ id: string; conversation_id: string }>(orm, `select id, conversation_id from chat_group where name = '政务服务工作交流'`);
  groupId = g.id;
  conversationId = g.conversation_id;
}, 120_000);

afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
  await orm?.close(true);
  if (databaseUrl) await dropDatabase(databaseUrl);
  await redis?.close();
});

describe('two instances with Redis', () => {
  it('delivers messages, edits, reactions, typing and read state sent on A to subscribers on B (both lanes)', async () => {
    const [li, cheng, gou] = await Promise.all([tokenClient(a.url, 'lijinsong'), tokenClient(b.url, 'chengyong'), tokenClient(b.url, 'gouxiaoyan')]);
    const perSubscriber = await stream(b.url, cheng.token!);
    const shared = await stream(b.url, gou.token!, SHARED_FIELDS);
    const { sendMessage } = await li.request(SEND, { c: conversationId, b: '跨实例的第一条消息', k: key() });

    const event = await perSubscriber.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.id === sendMessage.id);
    expect(event.message).toMatchObject({ body: '跨实例的第一条消息', seq: sendMessage.seq, clientMessageId: null, author: { realName: '李劲松', unit: { name: '巴中市政务服务中心' } } });
    expect(new Date(event.at).toISOString()).toBe(event.at);
    const seen = await shared.waitFor((e) => e.type === 'MESSAGE_ADDED' && e.message?.id === sendMessage.id);
    expect(seen.message).toMatchObject({ body: '跨实例的第一条消息', author: { realName: '李劲松', unit: { name: '巴中市政务服务中心' } } });
    // Dates crossed the bus as Dates: the DateTime scalar writes ISO strings, not "Invalid Date" or epoch numbers.
    expect(seen.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(new Date(seen.message.createdAt).getTime() - Date.now())).toBeLessThan(60_000);

    await li.request(`mutation($m: ID!) { editMessage(messageId: $m, body: "改过的消息") { id } }`, { m: sendMessage.id });
    const edited = await shared.waitFor((e) => e.type === 'MESSAGE_EDITED' && e.message?.id === sendMessage.id);
    expect(edited.message.body).toBe('改过的消息');
    expect(edited.message.editedAt).toMatch(/Z$/);

    await li.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }`, { m: sendMessage.id });
    const reaction = await perSubscriber.waitFor((e) => e.type === 'REACTION_CHANGED' && e.message?.id === sendMessage.id);
    expect(reaction.message.reactions).toEqual([{ emoji: '👍', count: 1, users: [{ realName: '李劲松' }] }]);

    await li.request(`mutation($c: ID!) { setTyping(conversationId: $c) }`, { c: conversationId });
    const typing = await shared.waitFor((e) => e.type === 'TYPING' && e.user?.id === li.userId);
    expect(typing.user).toMatchObject({ realName: '李劲松', unit: { name: '巴中市政务服务中心' } });

    // Read state goes to the reader's own other sessions: 苟晓燕 reads on A, her socket on B hears it.
    const gouOnA = await tokenClient(a.url, 'gouxiaoyan');
    await gouOnA.request(`mutation($c: ID!) { markRead(conversationId: $c) { id } }`, { c: conversationId });
    const read = await shared.waitFor((e) => e.type === 'READ_STATE' && e.conversationId === conversationId);
    expect(read.readSeq).toBeGreaterThanOrEqual(sendMessage.seq);
  });

  it("delivers meeting invitations and reminders (run by A's scheduler) to invitees on B", async () => {
    const [li, ning] = await Promise.all([tokenClient(a.url, 'lijinsong'), tokenClient(b.url, 'ningzhiyuan')]);
    const ningStream = await stream(b.url, ning.token!);
    const [{ id: unit }] = await sql<{ id: string }>(orm, `select id from org_unit where name = '巴州区政务服务中心'`);
    const startsAt = Date.now() + 30 * 3600_000;
    const { issueMeeting } = await li.request(`mutation($i: MeetingInput!) { issueMeeting(input: $i) { id } }`, {
      i: { groupId, title: '跨实例的会议', startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 7200_000).toISOString(), place: '三楼会议室', invitees: { scope: 'UNITS', unitIds: [unit] } },
    });
    const invite = await ningStream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'MEETING_INVITE');
    expect(invite.notification.actor.realName).toBe('李劲松');
    await sql(orm, `update scheduled_job set run_at = now() - interval '1 second' where subject_id = ? and done_at is null`, [issueMeeting.id]);
    const reminder = await ningStream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'MEETING_REMINDER', 5000);
    expect(reminder.at).toMatch(/Z$/);
  });

  it('shares presence: online on B while connected to A, offline only when no instance has a connection; sensitive-rule changes on A apply on B at once', async () => {
    const [cheng, huang] = await Promise.all([tokenClient(b.url, 'chengyong'), tokenClient(a.url, 'huangwei')]);
    const watcher = await stream(b.url, cheng.token!);
    const huangStream = await openStream(a.url, { token: huang.token! });
    const online = await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === true);
    expect(online.user.realName).toBe('黄伟');
    expect((await cheng.request(PRESENCE, { id: huang.userId })).user.presence.online).toBe(true);
    // A second connection on B, then the one on A closes: still online, no offline event.
    const huangOnB = await openStream(b.url, { token: (await tokenClient(b.url, 'huangwei')).token! });
    await huangStream.dispose();
    await sleep(400);
    expect(watcher.events.some((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === false)).toBe(false);
    expect((await cheng.request(PRESENCE, { id: huang.userId })).user.presence.online).toBe(true);
    // The last one anywhere closes: offline, with last seen.
    await huangOnB.dispose();
    await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === false);
    const after = (await cheng.request(PRESENCE, { id: huang.userId })).user.presence;
    expect(after.online).toBe(false);
    expect(Date.now() - new Date(after.lastSeenAt).getTime()).toBeLessThan(10_000);

    // B reads the group's rules into its cache first; the change on A must drop it on B.
    const [li, gou] = await Promise.all([tokenClient(a.url, 'lijinsong'), tokenClient(b.url, 'gouxiaoyan')]);
    const CHECK = `query($g: ID, $t: String!) { checkSensitiveContent(groupId: $g, text: $t) { rule text action } }`;
    expect((await gou.request(CHECK, { g: groupId, t: '请看这份跨实例通报' })).checkSensitiveContent).toEqual([]);
    await li.request(`mutation($g: ID!) { setSensitiveRule(groupId: $g, kind: TERM, value: "跨实例通报", action: BLOCK) { id } }`, { g: groupId });
    expect((await gou.request(CHECK, { g: groupId, t: '请看这份跨实例通报' })).checkSensitiveContent).toEqual([{ rule: 'TERM', text: '跨实例通报', action: 'BLOCK' }]);
    expect(await gou.errorCode(SEND, { c: conversationId, b: '转发跨实例通报', k: key() })).toBe('FORBIDDEN');
  });

  it('ends sessions on every instance within a second: logout everywhere, password change, disabling; a kick completes the group stream on B', async () => {
    // Logout everywhere on A closes the socket on B.
    const zhangOnB = await tokenClient(b.url, 'zhangkaifeng');
    const zhangStream = await stream(b.url, zhangOnB.token!);
    const zhangOnA = await tokenClient(a.url, 'zhangkaifeng');
    await zhangOnA.request(`mutation { logoutEverywhere }`);
    expect(await closedWithin(zhangStream, 1000)).toBeLessThan(1000);
    expect(zhangStream.closed?.code).toBe(4401);

    // A password change on A closes the person's other sessions' sockets on B.
    const ningOnB = await tokenClient(b.url, 'ningzhiyuan');
    const ningStream = await stream(b.url, ningOnB.token!);
    const ningOnA = await tokenClient(a.url, 'ningzhiyuan');
    await ningOnA.request(`mutation { changePassword(currentPassword: "Jiaoliu@2026", newPassword: "Kuashili#2026x") }`);
    expect(await closedWithin(ningStream, 1000)).toBeLessThan(1000);

    // Disabling on A (by the unit's administrator) closes the disabled person's socket on B.
    const zhouli = await tokenClient(b.url, 'zhouli');
    const zhouliStream = await stream(b.url, zhouli.token!);
    const chengOnA = await tokenClient(a.url, 'chengyong');
    await chengOnA.request(`mutation($id: ID!) { disableUser(userId: $id, reason: "已调离") { status } }`, { id: zhouli.userId });
    expect(await closedWithin(zhouliStream, 1000)).toBeLessThan(1000);

    // A kick on A: the member's streams on B get the removal, then nothing more of the group; their
    // subscriptions to the group's conversation complete (both lanes), the session stays.
    const luoyu = await tokenClient(b.url, 'luoyu');
    const luoyuStream = await stream(b.url, luoyu.token!);
    const groupStreams = [
      await openStream(b.url, { token: luoyu.token!, conversationId }),
      await openStream(b.url, { token: luoyu.token!, conversationId, fields: SHARED_FIELDS }),
    ];
    streams.push(...groupStreams);
    await chengOnA.request(`mutation($g: ID!, $u: ID!) { kickMember(groupId: $g, userId: $u, reason: ADVERTISING) }`, { g: groupId, u: luoyu.userId });
    await luoyuStream.waitFor((e) => e.type === 'MEMBER_REMOVED' && e.user?.id === luoyu.userId, 1000);
    for (const s of groupStreams) {
      await s.waitFor((e) => e.type === 'MEMBER_REMOVED' && e.user?.id === luoyu.userId, 1000);
      const started = Date.now();
      while (!s.completed && Date.now() - started < 1000) await sleep(10);
      expect(s.completed).toBe(true);
    }
    expect(luoyuStream.completed).toBe(false);
    expect(luoyuStream.closed).toBeNull();
    const before = luoyuStream.events.filter((e) => e.conversationId === conversationId).length;
    const watcher = await stream(b.url, (await tokenClient(b.url, 'lijinsong')).token!);
    const li = await tokenClient(a.url, 'lijinsong');
    const { sendMessage } = await li.request(SEND, { c: conversationId, b: '移出之后的消息', k: key() });
    await watcher.waitFor((e) => e.message?.id === sendMessage.id);
    expect(luoyuStream.events.filter((e) => e.conversationId === conversationId)).toHaveLength(before);
  });

  it('delivers notifications written on A (a reply to a followed thread) to the author on B', async () => {
    const [li, cheng] = await Promise.all([tokenClient(b.url, 'lijinsong'), tokenClient(a.url, 'chengyong')]);
    const liStream = await stream(b.url, li.token!);
    const [{ id: boardId }] = await sql<{ id: string }>(orm, `select id from board where group_id = ? order by position limit 1`, [groupId]);
    const { createThread } = await li.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title: '跨实例的通知', body: '请大家回复' } });
    await cheng.request(`mutation($t: ID!, $b: String!) { replyToThread(threadId: $t, body: $b) { id } }`, { t: createThread.id, b: '收到' });
    const live = await liStream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.thread?.id === createThread.id);
    expect(live.notification).toMatchObject({ kind: 'THREAD_REPLY', actor: { realName: '程永' }, thread: { title: '跨实例的通知' }, reply: { floor: 1 } });
  });

  it('survives Redis going away: each instance serves its own sockets, logs it, and resumes crossing when Redis returns', async () => {
    const [li, cheng, chengOnA] = await Promise.all([tokenClient(a.url, 'lijinsong'), tokenClient(b.url, 'chengyong'), tokenClient(a.url, 'chengyong')]);
    const onB = await stream(b.url, cheng.token!);
    const onA = await stream(a.url, chengOnA.token!);
    await redis.stop(true);
    await sleep(300);
    const { sendMessage } = await li.request(SEND, { c: conversationId, b: 'Redis 不在时的消息', k: key() });
    // Local delivery does not wait on Redis.
    await onA.waitFor((e) => e.message?.id === sendMessage.id, 3000);
    // Alive, and honest to a load balancer: not ready, naming Redis.
    for (const server of [a, b]) {
      expect((await fetch(`${server.url}/livez`)).status).toBe(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).failed).toEqual(['redis']);
    }

    await redis.start();
    // Events of the other instance were missed meanwhile: each instance's sockets reconnect (1012) to catch up.
    for (const s of [onA, onB]) {
      await closedWithin(s, 10_000);
      expect(s.closed?.code).toBe(1012);
    }
    expect(await crossesAgain(li, await stream(b.url, cheng.token!))).toBe(true);
    for (const server of [a, b]) {
      expect(server.child.exitCode).toBeNull();
      expect(server.output()).toMatch(/bus lost redis/);
      expect(server.output()).toMatch(/ECONNREFUSED/);
      expect(server.output()).toMatch(/cross-instance delivery resumed/);
    }
  });

  it('ends sessions ended while Redis was away once it returns: 4401 for dead sessions, 1012 (reconnect and catch up) for the rest', async () => {
    const [zhangOnB, zhangOnA, cheng, li] = await Promise.all([tokenClient(b.url, 'zhangkaifeng'), tokenClient(a.url, 'zhangkaifeng'), tokenClient(b.url, 'chengyong'), tokenClient(a.url, 'lijinsong')]);
    const zhangStream = await stream(b.url, zhangOnB.token!);
    const chengStream = await stream(b.url, cheng.token!);
    await redis.stop(true);
    await sleep(300);
    await zhangOnA.request(`mutation { logoutEverywhere }`);
    // The session end could not cross: the socket on B is still open.
    await sleep(500);
    expect(zhangStream.closed).toBeNull();
    await redis.start();
    // B's bus resubscribes (backoff at most 2 s), checks its sockets' sessions in one query, closes the dead one.
    expect(await closedWithin(zhangStream, 5000)).toBeLessThan(5000);
    expect(zhangStream.closed?.code).toBe(4401);
    await closedWithin(chengStream, 5000);
    expect(chengStream.closed?.code).toBe(1012);
    expect(b.output()).toMatch(/"sessionsEnded":1/);
    expect(await crossesAgain(li, await stream(b.url, cheng.token!))).toBe(true);
  });

  it('answers subscribes, presence queries and sends within seconds while Redis does not answer at all (paused), and is not ready meanwhile', async () => {
    const [li, cheng] = await Promise.all([tokenClient(a.url, 'lijinsong'), tokenClient(a.url, 'chengyong')]);
    redis.pause();
    try {
      // A fresh subscription is live within a second or two (its presence update does not wait on Redis): it gets local messages.
      let started = Date.now();
      const onA = await stream(a.url, cheng.token!);
      let live = false;
      while (!live && Date.now() - started < 5000) {
        const { sendMessage } = await li.request(SEND, { c: conversationId, b: `Redis 无响应时的消息 ${key()}`, k: key() });
        live = await onA.waitFor((e) => e.message?.id === sendMessage.id, 300).then(() => true, () => false);
      }
      expect(live).toBe(true);
      started = Date.now();
      expect((await cheng.request(PRESENCE, { id: li.userId })).user.presence).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(3000);
      started = Date.now();
      await li.request(SEND, { c: conversationId, b: 'Redis 无响应时的第二条消息', k: key() });
      expect(Date.now() - started).toBeLessThan(3000);
      // The bus notices within its watchdog's two PINGs: not ready, naming Redis.
      const deadline = Date.now() + 10_000;
      let ready = await fetch(`${a.url}/readyz`);
      while (ready.status !== 503 && Date.now() < deadline) {
        await sleep(100);
        ready = await fetch(`${a.url}/readyz`);
      }
      expect(ready.status).toBe(503);
      expect((await ready.json()).failed).toEqual(['redis']);
    } finally {
      redis.resume();
    }
    // Both buses reconnected (and took their resync snapshot) before the new stream opens.
    for (const server of [a, b]) {
      const deadline = Date.now() + 10_000;
      while ((await fetch(`${server.url}/readyz`)).status !== 200 && Date.now() < deadline) await sleep(100);
    }
    expect(await crossesAgain(li, await stream(b.url, (await tokenClient(b.url, 'gouxiaoyan')).token!))).toBe(true);
  });

  it("expires a killed instance's connections: offline everywhere with last seen", async () => {
    const [cheng, huang] = await Promise.all([tokenClient(b.url, 'chengyong'), tokenClient(a.url, 'huangwei')]);
    const watcher = await stream(b.url, cheng.token!);
    const onA = await openStream(a.url, { token: huang.token! });
    streams.push(onA);
    // Online (the heartbeat after Redis's restart re-announced A's people, or this connection did).
    const deadline = Date.now() + 5000;
    while (!(await cheng.request(PRESENCE, { id: huang.userId })).user.presence.online) {
      if (Date.now() > deadline) throw new Error('not online on B');
      await sleep(100);
    }
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    const offline = await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === false, PRESENCE_TTL_MS * 4);
    expect(offline.user.realName).toBe('黄伟');
    const { presence } = (await cheng.request(PRESENCE, { id: huang.userId })).user;
    expect(presence.online).toBe(false);
    // Last seen is the last heartbeat before the kill.
    const lastSeen = new Date(presence.lastSeenAt).getTime();
    expect(lastSeen).toBeLessThanOrEqual(killedAt + 50);
    expect(lastSeen).toBeGreaterThan(killedAt - PRESENCE_TTL_MS);
  });
});

describe('a graceful stop', () => {
  it("takes the stopping instance's people offline at once, not after the TTL", async () => {
    // A again, with a TTL far longer than the test: only the hand-over on SIGTERM can explain a quick offline.
    a = await startServerProcess({ env: { ...env(), PRESENCE_TTL_MS: '120000' } });
    const [cheng, huang] = await Promise.all([tokenClient(b.url, 'chengyong'), tokenClient(a.url, 'huangwei')]);
    const watcher = await stream(b.url, cheng.token!);
    streams.push(await openStream(a.url, { token: huang.token! }));
    await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === true);
    await a.stop('SIGTERM');
    // Well under the 120 s TTL: only the hand-over explains it (generous for a loaded machine).
    await watcher.waitFor((e) => e.type === 'PRESENCE' && e.user?.id === huang.userId && e.online === false, 15_000);
    expect((await cheng.request(PRESENCE, { id: huang.userId })).user.presence.online).toBe(false);
  });
});

describe('starting together', () => {
  it('brings up every instance on an empty database (migrations and demo data under an advisory lock)', async () => {
    const name = `jiaoliu_empty_${Date.now().toString(36)}`;
    const admin = await MikroORM.init({ ...ormOptions(inject('adminDatabaseUrl')), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
    await admin.em.getConnection().execute(`create database "${name}"`);
    await admin.close(true);
    const url = new URL(inject('adminDatabaseUrl'));
    url.pathname = `/${name}`;
    const servers: ServerProcess[] = [];
    try {
      const starting = [0, 1].map(() => startServerProcess({ env: { DATABASE_URL: url.toString(), DEMO_DATA: 'true', SCHEDULER_POLL_MS: '0' }, readyTimeoutMs: 90_000 }));
      const results = await Promise.allSettled(starting);
      for (const r of results) if (r.status === 'fulfilled') servers.push(r.value);
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason).slice(0, 2000) : 'up'))).toEqual(['up', 'up']);
      // The demo data is there once, and both instances serve it.
      for (const server of servers) expect((await signedIn(server.url, 'lijinsong')).userId).toBeTruthy();
      const check = await MikroORM.init(ormOptions(url.toString()));
      try {
        expect(await sql(check, `select count(*)::int as n from chat_group where name = '政务服务工作交流'`)).toEqual([{ n: 1 }]);
        expect(await userId(check, 'lijinsong')).toBeTruthy();
      } finally {
        await check.close(true);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
      await dropDatabase(url.toString());
    }
  }, 120_000);
});
