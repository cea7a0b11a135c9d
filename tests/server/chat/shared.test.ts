import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { rawStream, waitUntil } from '../../helpers/ws.js';

/**
 * The shared lane (server/graphql/sharedSubscriptions.ts) must send exactly what mercurius's
 * per-subscriber execution sends. Two subscribers use the same rich document; one adds a
 * viewer-dependent field (clientMessageId), which keeps it on mercurius's path. With that
 * field removed, its frames must equal the shared frames byte for byte.
 */
const SHARED_FIELDS = `... on ChatEvent { kind: type } id conversationId at readSeq online __typename
  user { ...Person }
  message {
    id seq conversationId body mentionsAll createdAt editedAt recalledAt
    writer: author { ...Person unit { id name level } }
    replyTo { id seq body recalledAt author { id realName } }
    mentions { id realName }
    reactions { emoji count users { id realName } }
    ... @include(if: $withDetails) { details: body }
  }`;
const FRAGMENT = `fragment Person on User { id realName title loginName isSystemAdmin createdAt }`;
const sharedDoc = `subscription Live($c: ID, $withDetails: Boolean!) { chatEvents(conversationId: $c) { ${SHARED_FIELDS} } } ${FRAGMENT}`;
const perViewerDoc = sharedDoc.replace('reactions { emoji count users { id realName } }', 'reactions { emoji count users { id realName } } clientMessageId');



let t: TestApp;
let demo: string;
beforeAll(async () => {
  t = await startTestApp();
  [{ id: demo }] = await sql<{ id: string }>(t.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
});
afterAll(async () => {
  await t.close();
});

describe('shared execution of live events', () => {
  it('sends byte for byte what per-subscriber execution sends, executing once per event and document', async () => {
    const li = await signedIn(t.url, 'lijinsong');
    const cheng = await signedIn(t.url, 'chengyong');
    const tokenOf = async (login: string) => (await new Client(t.url).login(login)).token;
    const variables = { c: demo, withDetails: true };
    const shared = await rawStream(t.url, await tokenOf('zhangkaifeng'), sharedDoc, variables);
    const sharedToo = await rawStream(t.url, await tokenOf('chengyong'), sharedDoc, variables);
    const perViewer = await rawStream(t.url, await tokenOf('zhangkaifeng'), perViewerDoc, variables);
    const before = t.app.sharedLane.stats();
    try {
      const SEND = `mutation($c: ID!, $b: String!, $k: String!, $r: ID, $m: [ID!]) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k, replyToId: $r, mentionUserIds: $m) { id } }`;
      const a = (await li.request(SEND, { c: demo, b: '共享执行测试', k: `shared-${Date.now()}-a` })).sendMessage;
      const b = (await cheng.request(SEND, { c: demo, b: '回复并提及', k: `shared-${Date.now()}-b`, r: a.id, m: [li.userId] })).sendMessage;
      await li.request(`mutation($m: ID!) { addReaction(messageId: $m, emoji: "[点赞]") { id } }`, { m: b.id });
      await li.request(`mutation($m: ID!) { editMessage(messageId: $m, body: "共享执行测试（改）") { id } }`, { m: a.id });
      await li.request(`mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: a.id });
      await waitUntil(() => shared.frames.length >= 5 && perViewer.frames.length >= 5 && sharedToo.frames.length >= 5);
      await new Promise((r) => setTimeout(r, 100));

      const withoutViewerField = perViewer.frames.map((text) => {
        const frame = JSON.parse(text);
        expect(frame.payload.data.chatEvents.message).toHaveProperty('clientMessageId');
        delete frame.payload.data.chatEvents.message.clientMessageId;
        return JSON.stringify(frame);
      });
      expect(shared.frames).toEqual(withoutViewerField);
      expect(sharedToo.frames).toEqual(shared.frames);
      // The events carry what the test did: a recalled message without its text, a reply, a mention.
      const events = shared.frames.map((f) => JSON.parse(f).payload.data.chatEvents);
      expect(events.map((e) => e.kind)).toEqual(['MESSAGE_ADDED', 'MESSAGE_ADDED', 'REACTION_CHANGED', 'MESSAGE_EDITED', 'MESSAGE_RECALLED']);
      expect(events[1].message).toMatchObject({ replyTo: { id: a.id }, mentions: [{ id: li.userId }], details: '回复并提及' });
      expect(events[4].message).toMatchObject({ id: a.id, body: null, details: null, recalledAt: expect.any(String) });

      // Two shared subscribers with one document: one execution per event.
      const after = t.app.sharedLane.stats();
      expect(after.deliveries - before.deliveries).toBe(10);
      expect(after.executions - before.executions).toBe(5);
    } finally {
      shared.close();
      sharedToo.close();
      perViewer.close();
    }
  });

  it('keeps viewer-dependent documents per subscriber: each viewer sees their own clientMessageId', async () => {
    const li = await signedIn(t.url, 'lijinsong');
    const doc = `subscription($c: ID) { chatEvents(conversationId: $c) { type message { id clientMessageId viewerCan { edit } reactions { viewerReacted } } } }`;
    const author = await rawStream(t.url, (await new Client(t.url).login('lijinsong')).token, doc, { c: demo });
    const other = await rawStream(t.url, (await new Client(t.url).login('chengyong')).token, doc, { c: demo });
    const before = t.app.sharedLane.stats();
    try {
      const k = `shared-${Date.now()}-v`;
      await li.request(`mutation($c: ID!, $k: String!) { sendMessage(conversationId: $c, body: "看看", clientMessageId: $k) { id } }`, { c: demo, k });
      await waitUntil(() => author.frames.length >= 1 && other.frames.length >= 1);
      expect(JSON.parse(author.frames[0]).payload.data.chatEvents.message).toMatchObject({ clientMessageId: k, viewerCan: { edit: true } });
      expect(JSON.parse(other.frames[0]).payload.data.chatEvents.message).toMatchObject({ clientMessageId: null, viewerCan: { edit: false } });
      expect(t.app.sharedLane.stats()).toEqual(before);
    } finally {
      author.close();
      other.close();
    }
  });

  it('stops sending after the client completes the subscription', async () => {
    const li = await signedIn(t.url, 'lijinsong');
    const socket = new WebSocket(t.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const frames: string[] = [];
    await new Promise<void>((resolve) => {
      socket.on('open', async () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token: (await new Client(t.url).login('zhangkaifeng')).token } })));
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: `subscription { chatEvents { type message { id } } }` } }));
          setTimeout(resolve, 150);
        } else if (frame.type === 'next') frames.push(String(data));
      });
    });
    try {
      const send = (k: string) => li.request(`mutation($c: ID!, $k: String!) { sendMessage(conversationId: $c, body: "停", clientMessageId: $k) { id } }`, { c: demo, k });
      await send(`shared-${Date.now()}-1`);
      await waitUntil(() => frames.length >= 1);
      socket.send(JSON.stringify({ id: 's', type: 'complete' }));
      await new Promise((r) => setTimeout(r, 100));
      const count = frames.length;
      await send(`shared-${Date.now()}-2`);
      await new Promise((r) => setTimeout(r, 300));
      expect(frames.length).toBe(count);
    } finally {
      socket.close();
    }
  });
});
