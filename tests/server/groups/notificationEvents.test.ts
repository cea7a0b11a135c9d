/**
 * Notifications that change without a new one reach the people concerned live: when one reviewer
 * decides an application (or its applicant withdraws it), the other reviewers' notices of it are
 * read and their clients are told (NOTIFICATIONS_CHANGED) so the badge follows; when a ban
 * withdraws a pending invitation, the invitee is told, and accepting it answers a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

type Signed = Client & { userId: string };

const FIELDS = `id type notification { id kind }`;
const APPLY = `mutation($g: ID!) { applyToGroup(groupId: $g, acceptRules: true) { id } }`;
const UNREAD = `{ notifications(first: 1, unreadOnly: true) { unreadCount } }`;
const LOGINS = ['chengyong', 'huangwei', 'ningzhiyuan', 'wanghaiyan', 'zhouli'];

let t: TestApp;
let owner: Signed;
let admin: Signed;
let applicant: Signed;
let second: Signed;
let invitee: Signed;
let groupId: string;
const streams: Stream[] = [];

async function streamOf(c: Signed): Promise<Stream> {
  const login = LOGINS[[owner, admin, applicant, second, invitee].indexOf(c)];
  const { token } = await c.login(login);
  const stream = await openStream(t.url, { token, fields: FIELDS });
  streams.push(stream);
  return stream;
}

const unread = async (c: Signed) => (await c.request<{ notifications: { unreadCount: number } }>(UNREAD)).notifications.unreadCount;
const changed = (e: Record<string, any>) => e.type === 'NOTIFICATIONS_CHANGED';

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [owner, admin, applicant, second, invitee] = await Promise.all(LOGINS.map((l) => signedIn(t.url, l)));
  const { createGroup } = await owner.request<{ createGroup: { id: string } }>(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
    input: { name: '数字政务专题交流', purpose: '交流数字政务建设', rules: '围绕主题发言。', visibility: 'LISTED' },
  });
  groupId = createGroup.id;
  const { inviteToGroup } = await owner.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: admin.userId });
  await admin.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
  await owner.request(`mutation($g: ID!, $u: ID!) { setGroupRole(groupId: $g, userId: $u, role: ADMIN) { role } }`, { g: groupId, u: admin.userId });
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose()));
  await t.close();
});

describe('notification changes reach the people concerned live', () => {
  it('tells the other reviewer when an application is decided, and their unread count drops', async () => {
    const adminStream = await streamOf(admin);
    const { applyToGroup } = await applicant.request<{ applyToGroup: { id: string } }>(APPLY, { g: groupId });
    await adminStream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'GROUP_APPLICATION');
    const before = await unread(admin);
    await owner.request(`mutation($a: ID!) { approveApplication(applicationId: $a) { id } }`, { a: applyToGroup.id });
    await adminStream.waitFor(changed);
    expect(await unread(admin)).toBe(before - 1);
  });

  it('tells the reviewers when the applicant withdraws', async () => {
    const ownerStream = await streamOf(owner);
    const { applyToGroup } = await second.request<{ applyToGroup: { id: string } }>(APPLY, { g: groupId });
    await ownerStream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'GROUP_APPLICATION');
    await second.request(`mutation($a: ID!) { withdrawApplication(applicationId: $a) { id } }`, { a: applyToGroup.id });
    await ownerStream.waitFor(changed);
  });

  it('tells an invitee whose invitation a ban withdrew; accepting it then answers a clear message', async () => {
    const stream = await streamOf(invitee);
    const { inviteToGroup } = await owner.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: invitee.userId });
    await stream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'GROUP_INVITATION');
    await owner.request(`mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: OTHER, note: "不宜入群") { id } }`, { g: groupId, u: invitee.userId });
    await stream.waitFor(changed);
    const { myInvitations } = await invitee.request<{ myInvitations: unknown[] }>(`{ myInvitations { id } }`);
    expect(myInvitations).toEqual([]);
    const { notifications } = await invitee.request<{ notifications: { edges: Array<{ node: { kind: string; read: boolean } }> } }>(`{ notifications(first: 10) { edges { node { kind read } } } }`);
    expect(notifications.edges.find((e) => e.node.kind === 'GROUP_INVITATION')?.node.read).toBe(true);
    const [error] = await invitee.errors(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    expect(error).toMatchObject({ message: '该邀请已失效（已被撤回或已处理）', extensions: { code: 'CONFLICT' } });
  });
});
