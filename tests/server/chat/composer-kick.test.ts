import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

/**
 * Kicking a member whose page is open (live streams: the whole one and one filtered to the
 * group's conversation, each per subscriber and through the shared lane) is ordinary: their
 * filtered streams end, and the server logs no line at error level (issue 16 saw an AbortError;
 * not reproduced here, with or without Redis, so this guards the paths a kick takes).
 */

type LogRecord = Record<string, any>;

const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`;
const INVITE = `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`;
const ACCEPT = `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`;
const KICK = `mutation($g: ID!, $u: ID!) { kickMember(groupId: $g, userId: $u, reason: OFF_TOPIC, note: "测试移出") }`;

let t: TestApp;
let output = '';
let li: Client & { userId: string };
let cheng: Client & { userId: string };
const streams: Stream[] = [];

const records = (): LogRecord[] =>
  output
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogRecord);

beforeAll(async () => {
  t = await startTestApp({ logLevel: 'debug', scheduler: { pollMs: 0 } }, { logStream: { write: (line: string) => void (output += line) } });
  [li, cheng] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'chengyong')]);
  cheng.token = (await cheng.login('chengyong')).token;
});

afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => undefined)));
  await t?.close();
});

describe('kicking a member who is online', () => {
  it('ends their streams and logs nothing at error level', async () => {
    const { createGroup } = await li.request(CREATE, { input: { name: '移出日志测试群', purpose: '测试移出', rules: '实名发言', visibility: 'INVITE_ONLY' } });
    const { inviteToGroup } = await li.request(INVITE, { g: createGroup.id, u: cheng.userId });
    await cheng.request(ACCEPT, { i: inviteToGroup.id });

    const whole = await openStream(t.url, { token: cheng.token! });
    const filtered = await openStream(t.url, { token: cheng.token!, conversationId: createGroup.conversation.id });
    // A document of shared fields only: served by the shared lane.
    const shared = await openStream(t.url, { token: cheng.token!, conversationId: createGroup.conversation.id, fields: 'id type conversationId' });
    const sharedWhole = await openStream(t.url, { token: cheng.token!, fields: 'id type conversationId' });
    streams.push(whole, filtered, shared, sharedWhole);
    const before = records().length;

    await li.request(KICK, { g: createGroup.id, u: cheng.userId });
    await whole.waitFor((e) => e.type === 'MEMBER_REMOVED' && e.user?.id === cheng.userId);
    await expect.poll(() => filtered.completed).toBe(true);
    await expect.poll(() => shared.completed).toBe(true);
    // The kicked member's streams close as a person would close the page.
    await Promise.all([whole.dispose(), filtered.dispose(), shared.dispose(), sharedWhole.dispose()]);
    await expect.poll(() => records().slice(before).filter((r) => r.event === 'ws_close').length).toBe(4);
    // A moment for anything logged late (the subscription's end runs after the socket's close).
    await new Promise((resolve) => setTimeout(resolve, 300));

    const after = records().slice(before);
    expect(after.filter((r) => r.level >= 50)).toEqual([]);
    expect(output).not.toMatch(/AbortError/);
  });
});
