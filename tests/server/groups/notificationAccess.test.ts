/**
 * A notification about a group does not keep the group reachable after the reader's access ended:
 * a declined invitee and a banned applicant still read which group it was (its name, stored with
 * the notification), but Notification.group answers null for them, as group(id:) answers NOT_FOUND.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

type Signed = Client & { userId: string };
interface Node {
  kind: string;
  group: { name: string; purpose: string; memberCount: number } | null;
}

const GROUPS_OF_NOTIFICATIONS = `{ notifications(first: 10) { edges { node { kind group { name purpose memberCount } } } } }`;
const NAMES_OF_NOTIFICATIONS = `{ notifications(first: 10) { edges { node { kind groupName } } } }`;
const GROUP_INPUT = { purpose: '内部工作协调', rules: '围绕主题发言。' };

let t: TestApp;
let owner: Signed;
let invitee: Signed;
let applicant: Signed;

async function notificationOf(c: Signed, kind: string): Promise<Node> {
  const { notifications } = await c.request<{ notifications: { edges: Array<{ node: Node }> } }>(GROUPS_OF_NOTIFICATIONS);
  const node = notifications.edges.map((e) => e.node).find((n) => n.kind === kind);
  expect(node, kind).toBeTruthy();
  return node!;
}

async function nameOf(c: Signed, kind: string): Promise<string> {
  const { notifications } = await c.request<{ notifications: { edges: Array<{ node: { kind: string; groupName: string } }> } }>(NAMES_OF_NOTIFICATIONS);
  return notifications.edges.find((e) => e.node.kind === kind)!.node.groupName;
}

async function createGroup(name: string, visibility: 'LISTED' | 'INVITE_ONLY'): Promise<string> {
  const { createGroup } = await owner.request<{ createGroup: { id: string } }>(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, { input: { name, visibility, ...GROUP_INPUT } });
  return createGroup.id;
}

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [owner, invitee, applicant] = await Promise.all(['chengyong', 'ningzhiyuan', 'wanghaiyan'].map((l) => signedIn(t.url, l)));
});
afterAll(async () => {
  await t.close();
});

describe('Notification.group after access ended', () => {
  it('shows an invitee the group while invited, and only its name once they declined', async () => {
    const groupId = await createGroup('专项督查内部协调组', 'INVITE_ONLY');
    const { inviteToGroup } = await owner.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: invitee.userId });
    expect((await notificationOf(invitee, 'GROUP_INVITATION')).group).toMatchObject({ name: '专项督查内部协调组', purpose: '内部工作协调' });

    await invitee.request(`mutation($i: ID!) { declineInvitation(invitationId: $i) }`, { i: inviteToGroup.id });
    expect(await invitee.errorCode(`query($g: ID!) { group(id: $g) { id } }`, { g: groupId })).toBe('NOT_FOUND');
    expect((await notificationOf(invitee, 'GROUP_INVITATION')).group).toBeNull();
    expect(await nameOf(invitee, 'GROUP_INVITATION')).toBe('专项督查内部协调组');
  });

  it('shows a banned applicant of a group now invite-only its name, not the group', async () => {
    const groupId = await createGroup('乡村振兴项目评审组', 'LISTED');
    const { applyToGroup } = await applicant.request<{ applyToGroup: { id: string } }>(`mutation($g: ID!) { applyToGroup(groupId: $g, acceptRules: true) { id } }`, { g: groupId });
    await owner.request(`mutation($a: ID!, $r: String!) { rejectApplication(applicationId: $a, reason: $r) { id } }`, { a: applyToGroup.id, r: '本组仅限评审专家' });
    await owner.request(`mutation($g: ID!, $u: ID!) { banMember(groupId: $g, userId: $u, reason: OTHER, note: "多次申请") { id } }`, { g: groupId, u: applicant.userId });
    await owner.request(`mutation($g: ID!, $input: GroupInput!) { updateGroup(groupId: $g, input: $input) { id } }`, { g: groupId, input: { name: '乡村振兴项目评审组', visibility: 'INVITE_ONLY', ...GROUP_INPUT } });

    expect(await applicant.errorCode(`query($g: ID!) { group(id: $g) { id } }`, { g: groupId })).toBe('NOT_FOUND');
    expect((await notificationOf(applicant, 'APPLICATION_REJECTED')).group).toBeNull();
    expect(await nameOf(applicant, 'APPLICATION_REJECTED')).toBe('乡村振兴项目评审组');
  });
});
