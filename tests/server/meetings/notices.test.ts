/**
 * Meeting rosters after a member leaves or is removed (docs/meetings.md): a notice not yet begun
 * drops them whatever they answered; one that has begun keeps them only if they answered.
 * And 我发布的 (myIssuedMeetings): the notices the viewer issued, latest start first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

type Signed = Client & { userId: string };

const ISSUE = `mutation($i: MeetingInput!) { issueMeeting(input: $i) { id } }`;
const ROSTER = `query($m: ID!) { meeting(id: $m) { roster { counts { invited unread attending onLeave } units { invitees { user { loginName } status } } } } }`;
const ANSWER = `mutation($m: ID!, $a: MeetingAnswer!, $r: String) { answerMeeting(meetingId: $m, answer: $a, reason: $r) { id } }`;

let t: TestApp;
let li: Signed;
let members: Record<string, Signed>;
let groupId: string;

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

async function issue(title: string, startsIn: number): Promise<string> {
  const { issueMeeting } = await li.request<{ issueMeeting: { id: string } }>(ISSUE, { i: { groupId, title, startsAt: hours(startsIn), endsAt: hours(startsIn + 2), place: '三楼会议室', invitees: { scope: 'GROUP' } } });
  return issueMeeting.id;
}

async function roster(meetingId: string): Promise<{ counts: Record<string, number>; people: Record<string, string> }> {
  const { meeting } = await li.request<{ meeting: { roster: { counts: Record<string, number>; units: Array<{ invitees: Array<{ user: { loginName: string }; status: string }> }> } } }>(ROSTER, { m: meetingId });
  const people = Object.fromEntries(meeting.roster.units.flatMap((u) => u.invitees.map((i) => [i.user.loginName, i.status])));
  return { counts: meeting.roster.counts, people };
}

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  li = await signedIn(t.url, 'lijinsong');
  members = Object.fromEntries(await Promise.all(['huangwei', 'zhouli', 'wuxiaodong', 'sunli'].map(async (l) => [l, await signedIn(t.url, l)] as const)));
  const { createGroup } = await li.request<{ createGroup: { id: string } }>(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
    input: { name: '窗口规范工作小组', purpose: '窗口规范', rules: '按时参会。', visibility: 'INVITE_ONLY' },
  });
  groupId = createGroup.id;
  for (const member of Object.values(members)) {
    const { inviteToGroup } = await li.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: member.userId });
    await member.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
  }
});
afterAll(() => t.close());

describe('the roster after people leave the group', () => {
  it('drops those who left or were removed from a notice not yet begun, answered or not; a rejoin brings them back', async () => {
    const upcoming = await issue('下周碰头会', 48);
    await members.huangwei.request(ANSWER, { m: upcoming, a: 'ATTEND' });
    expect((await roster(upcoming)).counts).toMatchObject({ invited: 4, attending: 1 });
    await members.huangwei.request(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: groupId });
    await li.request(`mutation($g: ID!, $u: ID!) { kickMember(groupId: $g, userId: $u, reason: OTHER, note: "调离") }`, { g: groupId, u: members.zhouli.userId });
    const after = await roster(upcoming);
    expect(after.people).toEqual({ wuxiaodong: 'UNREAD', sunli: 'UNREAD' });
    expect(after.counts).toMatchObject({ invited: 2, unread: 2, attending: 0 });

    const { inviteToGroup } = await li.request<{ inviteToGroup: { id: string } }>(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: members.huangwei.userId });
    await members.huangwei.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
    expect((await roster(upcoming)).people.huangwei).toBe('ATTENDING');
  });

  it('keeps on a begun notice those who answered, and drops those who never did', async () => {
    const held = await issue('本周已开的会', 24);
    await members.wuxiaodong.request(ANSWER, { m: held, a: 'LEAVE', r: '出差' });
    // The meeting has begun since (its start moved into the past).
    await sql(t.orm, `update meeting_notice set starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' where id = ?`, [held]);
    await members.wuxiaodong.request(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: groupId });
    await members.sunli.request(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: groupId });
    const after = await roster(held);
    expect(after.people.wuxiaodong).toBe('ON_LEAVE');
    expect(after.people.sunli).toBeUndefined();
  });
});

describe('我发布的 (myIssuedMeetings)', () => {
  it('lists the notices the viewer issued, latest start first, and nobody else’s', async () => {
    const { myIssuedMeetings } = await li.request<{ myIssuedMeetings: Array<{ title: string; organizer: { loginName: string } }> }>(`{ myIssuedMeetings(first: 50) { title organizer { loginName } } }`);
    const titles = myIssuedMeetings.map((m) => m.title);
    expect(titles.indexOf('下周碰头会')).toBeLessThan(titles.indexOf('本周已开的会'));
    expect(titles.indexOf('本周已开的会')).toBeGreaterThanOrEqual(0);
    expect(new Set(myIssuedMeetings.map((m) => m.organizer.loginName))).toEqual(new Set(['lijinsong']));
    const { myIssuedMeetings: none } = await members.sunli.request<{ myIssuedMeetings: unknown[] }>(`{ myIssuedMeetings { id } }`);
    expect(none).toEqual([]);
  });
});
