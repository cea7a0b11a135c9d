/**
 * Joining a group is not silent: an application notifies the group's owner and admins (live), its
 * approval or rejection notifies the applicant (live, and the rejection stays visible although
 * they are not a member), and an invitation reaches the invitee live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';

type Signed = Client & { userId: string };

const FIELDS = `id type notification { id kind subjectId details actor { realName } group { id name } }`;
const NOTIFICATIONS = `{ notifications(first: 10) { unreadCount edges { node { kind subjectId details actor { realName } group { name } } } } }`;
const APPLY = `mutation($g: ID!, $m: String) { applyToGroup(groupId: $g, message: $m, acceptRules: true) { id status } }`;

let t: TestApp;
let owner: Signed;
let admin: Signed;
let member: Signed;
let applicant: Signed;
let other: Signed;
let groupId: string;
const streams: Stream[] = [];

const LOGINS = ['chengyong', 'huangwei', 'zhouli', 'ningzhiyuan', 'wanghaiyan'];

/** A live stream of the person's events, on a token of their own. */
async function streamOf(c: Signed): Promise<Stream> {
  const login = LOGINS[[owner, admin, member, applicant, other].indexOf(c)];
  const { token } = await c.login(login);
  const stream = await openStream(t.url, { token, fields: FIELDS });
  streams.push(stream);
  return stream;
}

const notificationOf = (kind: string) => (e: Record<string, any>) => e.type === 'NOTIFICATION' && e.notification?.kind === kind;

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [owner, admin, member, applicant, other] = await Promise.all(LOGINS.map((l) => signedIn(t.url, l)));
  const { createGroup } = await owner.request<{ createGroup: { id: string } }>(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
    input: { name: '营商环境专题交流', purpose: '交流优化营商环境的做法', rules: '围绕主题发言。', visibility: 'LISTED' },
  });
  groupId = createGroup.id;
  for (const [who, role] of [[admin, 'ADMIN'], [member, null]] as const) {
    const { inviteToGroup } = await owner.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: who.userId });
    await who.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    if (role) await owner.request(`mutation($g: ID!, $u: ID!) { setGroupRole(groupId: $g, userId: $u, role: ADMIN) { role } }`, { g: groupId, u: who.userId });
  }
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose()));
  await t.close();
});

describe('notifications of joining', () => {
  it('tells the owner and admins of an application, live, and not plain members', async () => {
    const [ownerStream, adminStream] = await Promise.all([streamOf(owner), streamOf(admin)]);
    const { applyToGroup } = await applicant.request<{ applyToGroup: { id: string } }>(APPLY, { g: groupId, m: '我负责巴州区营商环境工作' });
    for (const stream of [ownerStream, adminStream]) {
      const event = await stream.waitFor(notificationOf('GROUP_APPLICATION'));
      expect(event.notification).toMatchObject({ subjectId: applyToGroup.id, actor: { realName: '宁志远' }, group: { id: groupId } });
    }
    const { notifications } = await owner.request<{ notifications: { edges: Array<{ node: Record<string, unknown> }> } }>(NOTIFICATIONS);
    expect(notifications.edges[0].node).toMatchObject({ kind: 'GROUP_APPLICATION', group: { name: '营商环境专题交流' } });
    expect(JSON.parse(String(notifications.edges[0].node.details))).toEqual({ groupName: '营商环境专题交流', message: '我负责巴州区营商环境工作' });
    expect(await count(t.orm, 'notification', `kind = 'group_application' and user_id = ?`, [member.userId])).toBe(0);
    expect(await count(t.orm, 'notification', `kind = 'group_application' and user_id = ?`, [applicant.userId])).toBe(0);
    // A second application is refused and tells nobody again.
    expect(await applicant.errorCode(APPLY, { g: groupId })).toBe('CONFLICT');
    expect(await count(t.orm, 'notification', `kind = 'group_application'`)).toBe(2);
  });

  it('tells the applicant of the approval, live', async () => {
    const stream = await streamOf(applicant);
    const { group } = await owner.request<{ group: { applications: { edges: Array<{ node: { id: string } }> } } }>(`query($g: ID!) { group(id: $g) { applications(first: 5) { edges { node { id } } } } }`, { g: groupId });
    await admin.request(`mutation($a: ID!) { approveApplication(applicationId: $a) { id } }`, { a: group.applications.edges[0].node.id });
    const event = await stream.waitFor(notificationOf('APPLICATION_APPROVED'));
    expect(event.notification).toMatchObject({ actor: { realName: '黄伟' }, group: { id: groupId } });
    // Decided: the owner's notice of the application is read too.
    expect(await count(t.orm, 'notification', `kind = 'group_application' and read_at is null`)).toBe(0);
  });

  it('tells a rejected applicant the reason, and the notification stays although they are not a member', async () => {
    const stream = await streamOf(other);
    const { applyToGroup } = await other.request<{ applyToGroup: { id: string } }>(APPLY, { g: groupId });
    await owner.request(`mutation($a: ID!, $r: String!) { rejectApplication(applicationId: $a, reason: $r) { id } }`, { a: applyToGroup.id, r: '本群仅限巴中市人员' });
    const event = await stream.waitFor(notificationOf('APPLICATION_REJECTED'));
    expect(JSON.parse(event.notification.details)).toEqual({ groupName: '营商环境专题交流', reason: '本群仅限巴中市人员' });
    const { notifications } = await other.request<{ notifications: { unreadCount: number; edges: Array<{ node: Record<string, unknown> }> } }>(NOTIFICATIONS);
    expect(notifications.edges[0].node).toMatchObject({ kind: 'APPLICATION_REJECTED', group: { name: '营商环境专题交流' } });
    expect(notifications.unreadCount).toBeGreaterThanOrEqual(1);
  });

  it('pushes an invitation to the invitee, who sees it among their notifications', async () => {
    const stream = streams[streams.length - 1];
    const { inviteToGroup } = await owner.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: other.userId });
    const event = await stream.waitFor(notificationOf('GROUP_INVITATION'));
    expect(event.notification).toMatchObject({ subjectId: inviteToGroup.id, actor: { realName: '程永' } });
    const { notifications } = await other.request<{ notifications: { edges: Array<{ node: Record<string, unknown> }> } }>(NOTIFICATIONS);
    expect(notifications.edges[0].node).toMatchObject({ kind: 'GROUP_INVITATION', subjectId: inviteToGroup.id });
  });
});
