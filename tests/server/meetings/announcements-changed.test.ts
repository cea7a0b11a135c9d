import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

/**
 * ANNOUNCEMENTS_CHANGED: posting, editing, pinning and unpinning a group announcement each tell
 * every member's live stream, the author's too (the pinned bar of an open chat reloads on it),
 * stored for catch-up, after commit only (a refused change sends nothing).
 */

const CREATE = `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`;
const INVITE = `mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`;
const ACCEPT = `mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`;
const POST = `mutation($g: ID!, $t: String!, $b: String!) { postAnnouncement(groupId: $g, title: $t, body: $b) { id } }`;
const EDIT = `mutation($a: ID!, $t: String!, $b: String!) { editAnnouncement(announcementId: $a, title: $t, body: $b) { id } }`;
const PIN = `mutation($a: ID!, $p: Boolean!) { setAnnouncementPinned(announcementId: $a, pinned: $p) { id } }`;
const CATCH_UP = `query($after: String!) { chatEvents(after: $after) { events { id type conversationId user { id } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let gou: Client & { userId: string };
const streams: Stream[] = [];

beforeAll(async () => {
  t = await startTestApp();
  [li, gou] = await Promise.all([signedIn(t.url, 'lijinsong'), signedIn(t.url, 'gouxiaoyan')]);
  li.token = (await li.login('lijinsong')).token;
  gou.token = (await gou.login('gouxiaoyan')).token;
});

afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => undefined)));
  await t?.close();
});

describe('ANNOUNCEMENTS_CHANGED', () => {
  it('reaches every member, the author too, on post, edit, unpin and pin', async () => {
    const { createGroup } = await li.request(CREATE, { input: { name: '公告事件测试群', purpose: '公告事件', rules: '实名发言', visibility: 'INVITE_ONLY' } });
    const { inviteToGroup } = await li.request(INVITE, { g: createGroup.id, u: gou.userId });
    await gou.request(ACCEPT, { i: inviteToGroup.id });
    const conversationId = createGroup.conversation.id;
    const [mine, theirs] = await Promise.all([openStream(t.url, { token: li.token! }), openStream(t.url, { token: gou.token!, conversationId })]);
    streams.push(mine, theirs);
    const changes = (s: Stream) => s.events.filter((e) => e.type === 'ANNOUNCEMENTS_CHANGED');
    const expectChanges = async (n: number) => {
      for (const s of [mine, theirs]) await expect.poll(() => changes(s).length).toBe(n);
      for (const s of [mine, theirs]) expect(changes(s).at(-1)).toMatchObject({ conversationId, user: { id: li.userId } });
    };

    const { chatEventCursor } = await gou.request(`{ chatEventCursor }`);
    const { postAnnouncement } = await li.request(POST, { g: createGroup.id, t: '关于考评的群公告', b: '请按时报送。' });
    await expectChanges(1);
    await li.request(EDIT, { a: postAnnouncement.id, t: '关于考评的群公告（更正）', b: '请按时报送。' });
    await expectChanges(2);
    await li.request(PIN, { a: postAnnouncement.id, p: false });
    await expectChanges(3);
    // Already unpinned: refused, nothing sent.
    expect(await li.errorCode(PIN, { a: postAnnouncement.id, p: false })).toBe('CONFLICT');
    await li.request(PIN, { a: postAnnouncement.id, p: true });
    await expectChanges(4);
    expect(changes(theirs)).toHaveLength(4);

    // Stored: a member who reconnects catches up on them.
    const { chatEvents } = await gou.request(CATCH_UP, { after: chatEventCursor });
    expect(chatEvents.events.filter((e: any) => e.type === 'ANNOUNCEMENTS_CHANGED' && e.conversationId === conversationId)).toHaveLength(4);
  });
});
