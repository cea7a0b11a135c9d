import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/app.js';
import { PersonView, UnitView } from '../../../server/modules/accounts/people.js';
import { keyedView, type MessageView } from '../../../server/modules/chat/messageViews.js';
import { decodeWire, encodeWire } from '../../../server/realtime/wire.js';
import { randomUUID } from 'node:crypto';
import { localBus } from '../../../server/realtime/bus.js';
import { RealtimeHub } from '../../../server/realtime/hub.js';
import type { SharedPresence } from '../../../server/realtime/presence.js';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { rawStream, waitUntil } from '../../helpers/ws.js';

/**
 * Payloads that crossed the Redis bus must resolve exactly like local ones: two apps in this
 * process (A and B) share one database and one Redis; subscribers of the same document on A
 * (local payloads) and on B (decoded from Redis) must receive the same frames byte for byte,
 * and B's shared lane must still execute once per event, not once per subscriber.
 */

const FIELDS = `... on ChatEvent { kind: type } id conversationId at readSeq online __typename
  user { ...Person }
  message {
    id seq conversationId body mentionsAll createdAt editedAt recalledAt
    writer: author { ...Person unit { id name level } }
    replyTo { id seq body recalledAt author { id realName } }
    mentions { id realName }
    reactions { emoji count users { id realName } }
  }`;
const FRAGMENT = `fragment Person on User { id realName title loginName isSystemAdmin createdAt }`;
const sharedDoc = `subscription Live($c: ID) { chatEvents(conversationId: $c) { ${FIELDS} } } ${FRAGMENT}`;
// clientMessageId and viewerCan depend on the viewer (and viewerCan on createdAt being a Date).
const perViewerDoc = sharedDoc.replace('reactions { emoji count users { id realName } }', 'reactions { emoji count users { id realName } } clientMessageId viewerCan { edit recall }');



describe('bus payloads (wire.ts)', () => {
  it('keep Dates, person and unit classes and message view keys; refuse anything that is not plain data', () => {
    const unit = new UnitView('u1', '巴中市政务服务中心', 'city', null, '/u1/', 1, new Date('2026-01-02T03:04:05.678Z'));
    const person = new PersonView('p1', 'lijinsong', '李劲松', '主任', unit, null, 'active', null, null, null, null, false, null, new Date('2026-01-01T00:00:00Z'));
    const message = keyedView({ id: 'm1', conversationId: 'c1', seq: 3, authorId: 'p1', author: person, body: '你好', createdAt: new Date('2026-12-06T01:02:03.004Z'), editedAt: null } as unknown as MessageView);
    // Stored JSON holding what looks like a tag stays data.
    const payload = { chatEvents: { at: new Date('2026-12-06T08:00:00.000Z'), user: person, message, notification: { data: { d: 1, '$d': 2 } } } };
    const back = decodeWire<typeof payload>(encodeWire(payload)).chatEvents;
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.toISOString()).toBe('2026-12-06T08:00:00.000Z');
    expect(back.user).toBeInstanceOf(PersonView);
    expect(back.user.unit).toBeInstanceOf(UnitView);
    expect(back.user.unit.createdAt).toEqual(unit.createdAt);
    expect(back.message.author).toBeInstanceOf(PersonView);
    expect(back.message.createdAt).toEqual(message.createdAt);
    // mercurius keys its loader caches by JSON.stringify of the parent: the key must survive.
    expect(JSON.stringify(back.message)).toBe(JSON.stringify(message));
    expect(back.notification).toEqual({ data: { d: 1, '$d': 2 } });
    class Entity {
      id = 'x';
    }
    expect(() => encodeWire({ chatEvents: { user: new Entity() } })).toThrow(/plain data/);
  });
});

describe('events from another instance', () => {
  let redis: TestRedis;
  let a: TestApp;
  let b: FastifyInstance;
  let bUrl: string;
  let demo: string;

  beforeAll(async () => {
    redis = await startRedis();
    a = await startTestApp({ redisUrl: redis.url });
    b = await buildApp(a.config, a.orm);
    await b.listen({ port: 0, host: '127.0.0.1' });
    const address = b.server.address();
    bUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    [{ id: demo }] = await sql<{ id: string }>(a.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.close();
  });

  it('resolve byte for byte like local ones, executed once per event on the receiving instance', async () => {
    const li = await signedIn(a.url, 'lijinsong');
    const cheng = await signedIn(a.url, 'chengyong');
    const tokenOf = async (login: string) => (await new Client(a.url).login(login)).token;
    const variables = { c: demo };
    const local = await rawStream(a.url, await tokenOf('zhangkaifeng'), sharedDoc, variables);
    const remote = await rawStream(bUrl, await tokenOf('zhangkaifeng'), sharedDoc, variables);
    const remoteToo = await rawStream(bUrl, await tokenOf('chengyong'), sharedDoc, variables);
    const remotePerViewer = await rawStream(bUrl, await tokenOf('zhangkaifeng'), perViewerDoc, variables);
    const authorOnB = await rawStream(bUrl, await tokenOf('lijinsong'), perViewerDoc, variables);
    const before = b.sharedLane.stats();
    try {
      const SEND = `mutation($c: ID!, $b: String!, $k: String!, $r: ID, $m: [ID!]) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r, mentionUserIds: $m) { id } }`;
      const first = (await li.request(SEND, { c: demo, b: '跨实例逐字节', k: `bus-${Date.now()}-a` })).sendMessage;
      const second = (await cheng.request(SEND, { c: demo, b: '回复并提及', k: `bus-${Date.now()}-b`, r: first.id, m: [li.userId] })).sendMessage;
      await li.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "[点赞]") { id } }`, { m: second.id });
      await li.request(`mutation($m: ID!) { editMessage(messageId: $m, body: "跨实例逐字节（改）") { id } }`, { m: first.id });
      await li.request(`mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: first.id });
      await waitUntil(() => [local, remote, remoteToo, remotePerViewer, authorOnB].every((s) => s.frames.length >= 5));
      await new Promise((r) => setTimeout(r, 100));

      expect(remote.frames).toEqual(local.frames);
      expect(remoteToo.frames).toEqual(local.frames);
      const withoutViewerField = remotePerViewer.frames.map((text) => {
        const frame = JSON.parse(text);
        expect(frame.payload.data.chatEvents.message.viewerCan).toEqual({ edit: false, recall: false });
        delete frame.payload.data.chatEvents.message.clientMessageId;
        delete frame.payload.data.chatEvents.message.viewerCan;
        return JSON.stringify(frame);
      });
      expect(withoutViewerField).toEqual(local.frames);
      // The author, on B, may still edit and recall the message just sent on A: its time crossed as a Date.
      const own = JSON.parse(authorOnB.frames[0]).payload.data.chatEvents.message;
      expect(own).toMatchObject({ id: first.id, viewerCan: { edit: true, recall: true } });
      expect(own.clientMessageId).toMatch(/^bus-/);
      const events = local.frames.map((f) => JSON.parse(f).payload.data.chatEvents);
      expect(events.map((e) => e.kind)).toEqual(['MESSAGE_ADDED', 'MESSAGE_ADDED', 'REACTION_CHANGED', 'MESSAGE_EDITED', 'MESSAGE_RECALLED']);
      expect(events[1].message).toMatchObject({ replyTo: { id: first.id }, mentions: [{ id: li.userId }], writer: { realName: '程永', unit: { name: '巴中市政务服务中心' } } });

      const after = b.sharedLane.stats();
      expect(after.deliveries - before.deliveries).toBe(10);
      expect(after.executions - before.executions).toBe(5);
      // What readiness and metrics read.
      expect(a.app.realtime.bus.status()).toMatchObject({ redisConnected: true, publishFailures: 0 });
      expect(a.app.realtime.bus.status().published).toBeGreaterThanOrEqual(5);
      expect(b.realtime.bus.status().received).toBeGreaterThanOrEqual(5);
    } finally {
      for (const s of [local, remote, remoteToo, remotePerViewer, authorOnB]) s.close();
    }
  });

  it('lets an instance start while Redis is down and join the bus when it returns', async () => {
    await redis.stop();
    const started = Date.now();
    const c = await buildApp(a.config, a.orm);
    try {
      await c.listen({ port: 0, host: '127.0.0.1' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(c.realtime.bus.status().redisConnected).toBe(false);
      const address = c.server.address();
      const cUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      await redis.start();
      await waitUntil(() => c.realtime.bus.status().redisConnected === true && a.app.realtime.bus.status().redisConnected === true, 10_000);
      const onC = await rawStream(cUrl, (await new Client(a.url).login('zhangkaifeng')).token, sharedDoc, { c: demo });
      try {
        const li = await signedIn(a.url, 'lijinsong');
        await li.request(`mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`, { c: demo, b: '后来加入的实例', k: `bus-late-${Date.now()}` });
        await waitUntil(() => onC.frames.some((f) => f.includes('后来加入的实例')));
      } finally {
        onC.close();
      }
    } finally {
      await c.close();
    }
  });

  it('hands over a stopping hub\'s people in one batch: one presence call, one update, one members query', async () => {
    const users = await sql<{ id: string }>(a.orm, `select id from app_user where status = 'active' order by id limit 40`);
    expect(users.length).toBeGreaterThan(10);
    const calls: Array<[number, boolean]> = [];
    const presence: SharedPresence = {
      changed: async (ids, connected) => (calls.push([ids.length, connected]), ids),
      onlineAmong: async () => new Set(),
      start: () => {},
      stop: () => {},
    };
    const bus = localBus();
    const hub = new RealtimeHub(bus, a.orm, presence, a.app.log, 30);
    for (const { id } of users) await hub.connect({ userId: id, sessionId: randomUUID(), close: () => {} });
    const knex = a.orm.em.getConnection().getKnex();
    let statements = 0;
    const count = () => statements++;
    knex.on('query', count);
    const stopped = new Date(Date.now() - 1000);
    try {
      await hub.stop();
    } finally {
      knex.off('query', count);
      await bus.close();
    }
    expect(calls.filter(([, connected]) => !connected)).toEqual([[users.length, false]]);
    // The last_seen_at update and the members query, for everyone at once (was two per person).
    expect(statements).toBe(2);
    const [{ n }] = await sql<{ n: number }>(a.orm, `select count(*)::int as n from app_user where id in (?) and last_seen_at >= ?`, [users.map((u) => u.id), stopped]);
    expect(n).toBe(users.length);
  });
});
