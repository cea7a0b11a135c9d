import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, unitId, userId } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { openStream, type Stream } from '../../helpers/ws.js';
import { SAMPLES, upload } from '../../helpers/files.js';

const MEETING_FIELDS = `id title agenda startsAt endsAt place onlineUrl status scope sequence icsUrl cancelReason scopeUnits { name }
  viewerInvitation { status answer reason readAt substitute { realName } }
  viewerCan { answer manage }`;
const ISSUE = `mutation($i: MeetingInput!) { issueMeeting(input: $i) { ${MEETING_FIELDS} } }`;
const GET = `query($id: ID!) { meeting(id: $id) { ${MEETING_FIELDS} } }`;
const ANSWER = `mutation($m: ID!, $a: MeetingAnswer!, $r: String, $s: ID) { answerMeeting(meetingId: $m, answer: $a, reason: $r, substituteId: $s) { viewerInvitation { status answer reason substitute { realName } } } }`;
const ROSTER = `query($id: ID!) { meeting(id: $id) { roster { counts { invited unread read attending onLeave substituted }
  units { unit { name } counts { invited unread read attending onLeave substituted } invitees { user { loginName realName } status reason substitute { realName } substituteFor { realName } } } } } }`;
const PENDING = `{ myPendingMeetings { id title } }`;
const COUNTIES = ['巴州区政务服务中心', '通江县政务服务中心', '南江县政务服务中心', '平昌县政务服务中心'];

let t: TestApp;
let li: Client & { userId: string };
let cheng: Client & { userId: string };
let ning: Client & { userId: string };
let heping: Client & { userId: string };
let gou: Client & { userId: string };
let huang: Client & { userId: string };
let yuan: Client & { userId: string };
let groupId: string;
let countyIds: string[];
const streams: Stream[] = [];

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const input = (over: Record<string, unknown> = {}) => ({
  groupId,
  title: '三县一区政务服务工作交流会',
  agenda: '一、各区县汇报本地政务服务工作\n二、交流“一窗受理”做法',
  startsAt: hours(30),
  endsAt: hours(32),
  place: '巴中市政务服务中心三楼会议室',
  invitees: { scope: 'UNITS', unitIds: countyIds },
  ...over,
});

async function expectedCountyMembers(): Promise<string[]> {
  const rows = await sql<{ login_name: string }>(
    t.orm,
    `select u.login_name from group_member gm join app_user u on u.id = gm.user_id join org_unit ou on ou.id = u.unit_id
      where gm.group_id = ? and ou.name in (?, ?, ?, ?) order by 1`,
    [groupId, ...COUNTIES],
  );
  return rows.map((r) => r.login_name);
}

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [li, cheng, ning, heping, gou, huang, yuan] = await Promise.all(['lijinsong', 'chengyong', 'ningzhiyuan', 'heping', 'gouxiaoyan', 'huangwei', 'yuanhao'].map((l) => signedIn(t.url, l)));
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
  countyIds = await Promise.all(COUNTIES.map((name) => unitId(t.orm, name)));
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.dispose().catch(() => {})));
  await t.close();
});

describe('issuing a meeting notice', () => {
  it('to 三县一区 invites exactly the members of the four counties (and units below them), each notified live', async () => {
    const stream = await openStream(t.url, { token: (await ning.login('ningzhiyuan')).token });
    streams.push(stream);
    const { issueMeeting: m } = await li.request(ISSUE, { i: input() });
    expect(m).toMatchObject({ status: 'ACTIVE', scope: 'UNITS', sequence: 0, viewerInvitation: null, viewerCan: { manage: true, answer: false }, icsUrl: `/meetings/${m.id}.ics` });
    expect(m.scopeUnits.map((u: any) => u.name)).toEqual(COUNTIES);
    const invitees = await sql<{ login_name: string }>(t.orm, `select u.login_name from meeting_invitee i join app_user u on u.id = i.user_id where i.meeting_id = ? order by 1`, [m.id]);
    const expected = await expectedCountyMembers();
    expect(expected).toEqual(expect.arrayContaining(['ningzhiyuan', 'gouxiaoyan', 'majun', 'hulin', 'heping']));
    expect(expected).not.toContain('lijinsong');
    expect(invitees.map((r) => r.login_name)).toEqual(expected);
    expect(await count(t.orm, 'notification', `kind = 'meeting_invite' and subject_id = ?`, [m.id])).toBe(expected.length);
    const live = await stream.waitFor((e) => e.type === 'NOTIFICATION' && e.notification?.kind === 'MEETING_INVITE');
    expect(live.notification.actor.realName).toBe('李劲松');
    const { notifications } = await ning.request(`{ notifications(first: 5) { edges { node { kind meeting { id title } } } } }`);
    expect(notifications.edges[0].node).toEqual({ kind: 'MEETING_INVITE', meeting: { id: m.id, title: '三县一区政务服务工作交流会' } });
    // Reminders 24 h and 1 h before, in the job table.
    const jobs = await sql<{ run_at: Date; data: any }>(t.orm, `select run_at, data from scheduled_job where subject_id = ? and done_at is null order by run_at`, [m.id]);
    expect(jobs.map((j) => j.data.hoursBefore)).toEqual([24, 1]);
    expect(new Date(jobs[1].run_at).getTime()).toBe(new Date(m.startsAt).getTime() - 3600_000);
  });

  it('refuses bad input with its code and writes nothing', async () => {
    const before = await count(t.orm, 'meeting_notice');
    const field = async (client: Client, i: Record<string, unknown>) => (await client.errors(ISSUE, { i }))[0].extensions;
    expect(await field(li, input({ startsAt: hours(5), endsAt: hours(4) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    // One instant for both (two calls of hours(5) may fall in different milliseconds).
    const five = hours(5);
    expect(await field(li, input({ startsAt: five, endsAt: five }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    expect(await field(li, input({ startsAt: hours(-2), endsAt: hours(1) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsAt' });
    expect(await field(li, input({ place: null, onlineUrl: 'javascript:alert(1)' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'onlineUrl' });
    expect(await field(li, input({ place: null, onlineUrl: 'ftp://meet.example/x' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'onlineUrl' });
    expect(await field(li, input({ place: '  ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'place' });
    expect(await field(li, input({ title: ' ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(await field(li, input({ invitees: { scope: 'MEMBERS', memberIds: [yuan.userId] } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberIds' });
    expect(await field(li, input({ invitees: { scope: 'UNITS', unitIds: [] } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitIds' });
    const wuhou = await unitId(t.orm, '武侯区政务服务中心');
    // 武侯区's members of the demo group are all outside it except those not in the group.
    const errs = await li.errors(ISSUE, { i: input({ invitees: { scope: 'UNITS', unitIds: [wuhou, '00000000-0000-4000-8000-000000000000'] } }) });
    expect(errs[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'unitIds' });
    // A plain member may not, until the group allows it; an outsider gets NOT_FOUND.
    expect(await huang.errorCode(ISSUE, { i: input() })).toBe('FORBIDDEN');
    expect(await yuan.errorCode(ISSUE, { i: input() })).toBe('NOT_FOUND');
    expect(await count(t.orm, 'meeting_notice')).toBe(before);
    expect(await huang.errorCode(`mutation($g: ID!) { setGroupMeetingPolicy(groupId: $g, membersMayIssue: true) { id } }`, { g: groupId })).toBe('FORBIDDEN');
    const { setGroupMeetingPolicy } = await cheng.request(`mutation($g: ID!) { setGroupMeetingPolicy(groupId: $g, membersMayIssue: true) { membersMayIssueMeetings viewerCanIssueMeeting } }`, { g: groupId });
    expect(setGroupMeetingPolicy).toEqual({ membersMayIssueMeetings: true, viewerCanIssueMeeting: true });
    const { issueMeeting } = await huang.request(ISSUE, { i: input({ title: '审批科业务碰头会', place: null, onlineUrl: 'https://meeting.example.cn/j/123', invitees: { scope: 'MEMBERS', memberIds: [li.userId, gou.userId] } }) });
    expect(issueMeeting.onlineUrl).toBe('https://meeting.example.cn/j/123');
    await cheng.request(`mutation($g: ID!) { setGroupMeetingPolicy(groupId: $g, membersMayIssue: false) { id } }`, { g: groupId });
    expect(await huang.errorCode(ISSUE, { i: input() })).toBe('FORBIDDEN');
  });
});

describe('answers, read receipts and the roster', () => {
  let id: string;
  beforeAll(async () => {
    ({ issueMeeting: { id } } = await li.request(ISSUE, { i: input({ title: '三县一区交流会议（回执）' }) }));
  });

  it('is NOT_FOUND for a member who is not invited and for outsiders, over GraphQL and .ics', async () => {
    for (const client of [huang, yuan]) {
      expect(await client.errorCode(GET, { id })).toBe('NOT_FOUND');
      expect(await client.errorCode(ANSWER, { m: id, a: 'ATTEND' })).toBe('NOT_FOUND');
      expect(await client.errorCode(`mutation($m: ID!) { openMeeting(meetingId: $m) { id } }`, { m: id })).toBe('NOT_FOUND');
    }
    expect(await huang.errorCode(GET, { id: '00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');
    const ics = await fetch(`${t.url}/meetings/${id}.ics`, { headers: { authorization: `Bearer ${(await huang.login('huangwei')).token}` } });
    expect(ics.status).toBe(404);
    expect((await fetch(`${t.url}/meetings/${id}.ics`)).status).toBe(401);
    // The organizer is not an invitee: FORBIDDEN to answer, but may manage.
    expect(await li.errorCode(ANSWER, { m: id, a: 'ATTEND' })).toBe('FORBIDDEN');
  });

  it('stays pinned until answered; opening records 已读; 请假 needs a reason; 委派 invites a group member', async () => {
    expect((await ning.request(PENDING)).myPendingMeetings.map((m: any) => m.id)).toContain(id);
    const { group } = await ning.request(`query($g: ID!) { group(id: $g) { pinnedMeetings { id } } }`, { g: groupId });
    expect(group.pinnedMeetings.map((m: any) => m.id)).toContain(id);
    const { openMeeting } = await ning.request(`mutation($m: ID!) { openMeeting(meetingId: $m) { viewerInvitation { status readAt } } }`, { m: id });
    expect(openMeeting.viewerInvitation.status).toBe('READ');

    expect((await ning.errors(ANSWER, { m: id, a: 'LEAVE' }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await ning.errors(ANSWER, { m: id, a: 'LEAVE', r: '   ' }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const { answerMeeting } = await ning.request(ANSWER, { m: id, a: 'LEAVE', r: '当天在省里参加培训' });
    expect(answerMeeting.viewerInvitation).toEqual({ status: 'ON_LEAVE', answer: 'LEAVE', reason: '当天在省里参加培训', substitute: null });
    expect((await ning.request(PENDING)).myPendingMeetings.map((m: any) => m.id)).not.toContain(id);

    // 委派: the substitute must be in the group, and not invited already.
    expect((await heping.errors(ANSWER, { m: id, a: 'DELEGATE', s: yuan.userId }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'substituteId' });
    expect((await heping.errors(ANSWER, { m: id, a: 'DELEGATE' }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'substituteId' });
    const luoyu = await userId(t.orm, 'luoyu');
    expect((await heping.errors(ANSWER, { m: id, a: 'DELEGATE', s: luoyu }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'substituteId' });
    const delegated = await heping.request(ANSWER, { m: id, a: 'DELEGATE', s: huang.userId });
    expect(delegated.answerMeeting.viewerInvitation).toMatchObject({ status: 'SUBSTITUTED', substitute: { realName: '黄伟' } });
    expect(await heping.errorCode(ANSWER, { m: id, a: 'ATTEND' })).toBe('CONFLICT');
    // The substitute now sees it, pinned, and was notified.
    expect((await huang.request(PENDING)).myPendingMeetings.map((m: any) => m.id)).toContain(id);
    expect(await count(t.orm, 'notification', `kind = 'meeting_invite' and subject_id = ? and user_id = ?`, [id, huang.userId])).toBe(1);

    await gou.request(ANSWER, { m: id, a: 'ATTEND' });
    await huang.request(ANSWER, { m: id, a: 'ATTEND' });
  });

  it('gives the organizer the roster by unit with counts; others get null', async () => {
    const expected = await expectedCountyMembers();
    const { meeting } = await li.request(ROSTER, { id });
    const { counts, units } = meeting.roster;
    expect(counts).toEqual({ invited: expected.length + 1, unread: expected.length - 3, read: 0, attending: 2, onLeave: 1, substituted: 1 });
    expect(units.map((u: any) => u.unit.name)).toEqual(['巴中市政务服务中心', ...COUNTIES]);
    expect(units[0].invitees).toEqual([{ user: { loginName: 'huangwei', realName: '黄伟' }, status: 'ATTENDING', reason: null, substitute: null, substituteFor: { realName: '何平' } }]);
    const bazhou = units.find((u: any) => u.unit.name === '巴州区政务服务中心');
    expect(bazhou.counts.onLeave).toBe(1);
    expect(bazhou.invitees.find((i: any) => i.user.loginName === 'ningzhiyuan')).toMatchObject({ status: 'ON_LEAVE', reason: '当天在省里参加培训' });
    const pingchang = units.find((u: any) => u.unit.name === '平昌县政务服务中心');
    expect(pingchang.invitees.find((i: any) => i.user.loginName === 'heping')).toMatchObject({ status: 'SUBSTITUTED', substitute: { realName: '黄伟' } });
    for (const unit of units) expect(unit.counts.invited).toBe(unit.invitees.length);
    // A group admin sees it too; an invitee does not.
    expect((await cheng.request(ROSTER, { id })).meeting.roster.counts.invited).toBe(expected.length + 1);
    expect((await gou.request(ROSTER, { id })).meeting.roster).toBeNull();
  });

  it('提醒未回复 notifies exactly those who have not answered (organizer and admins only)', async () => {
    expect(await gou.errorCode(`mutation($m: ID!) { remindUnanswered(meetingId: $m) }`, { m: id })).toBe('FORBIDDEN');
    const unanswered = await sql<{ user_id: string }>(t.orm, `select user_id from meeting_invitee where meeting_id = ? and answer is null`, [id]);
    const { remindUnanswered } = await li.request(`mutation($m: ID!) { remindUnanswered(meetingId: $m) }`, { m: id });
    expect(remindUnanswered).toBe(unanswered.length);
    const nudged = await sql<{ user_id: string }>(t.orm, `select user_id from notification where kind = 'meeting_nudge' and subject_id = ? order by 1`, [id]);
    expect(nudged.map((r) => r.user_id)).toEqual(unanswered.map((r) => r.user_id).sort());
    expect(nudged.map((r) => r.user_id)).not.toContain(ning.userId);
  });
});

describe('editing and cancelling', () => {
  it('tells invitees what changed, raises SEQUENCE, replans reminders; cancelling refuses answers and drops reminders', async () => {
    const { issueMeeting: m } = await li.request(ISSUE, { i: input({ title: '交流会（将改期）' }) });
    expect((await li.errors(`mutation($m: ID!, $i: MeetingEditInput!) { editMeeting(meetingId: $m, input: $i) { id } }`, { m: m.id, i: { endsAt: hours(29) } }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'endsAt' });
    expect(await gou.errorCode(`mutation($m: ID!, $i: MeetingEditInput!) { editMeeting(meetingId: $m, input: $i) { id } }`, { m: m.id, i: { place: '别处' } })).toBe('FORBIDDEN');
    const newStart = hours(50);
    const { editMeeting } = await li.request(`mutation($m: ID!, $i: MeetingEditInput!) { editMeeting(meetingId: $m, input: $i) { sequence startsAt place } }`, {
      m: m.id,
      i: { startsAt: newStart, endsAt: hours(52), place: '巴中市政务服务中心五楼会议室' },
    });
    expect(editMeeting).toEqual({ sequence: 1, startsAt: newStart, place: '巴中市政务服务中心五楼会议室' });
    const { notifications } = await gou.request(`{ notifications(first: 1) { edges { node { kind details meeting { id } } } } }`);
    expect(notifications.edges[0].node.kind).toBe('MEETING_CHANGED');
    expect(JSON.parse(notifications.edges[0].node.details)).toEqual({ changed: ['startsAt', 'endsAt', 'place'] });
    const jobs = await sql<{ run_at: Date }>(t.orm, `select run_at from scheduled_job where subject_id = ? and done_at is null order by run_at`, [m.id]);
    expect(jobs.map((j) => new Date(j.run_at).getTime())).toEqual([Date.parse(newStart) - 24 * 3600_000, Date.parse(newStart) - 3600_000]);

    const { cancelMeeting } = await cheng.request(`mutation($m: ID!) { cancelMeeting(meetingId: $m, reason: "与省中心会议冲突") { status sequence cancelReason viewerCan { manage } } }`, { m: m.id });
    expect(cancelMeeting).toEqual({ status: 'CANCELLED', sequence: 2, cancelReason: '与省中心会议冲突', viewerCan: { manage: false } });
    expect(await count(t.orm, 'scheduled_job', 'subject_id = ? and done_at is null', [m.id])).toBe(0);
    expect(await count(t.orm, 'notification', `kind = 'meeting_cancelled' and subject_id = ? and user_id = ?`, [m.id, gou.userId])).toBe(1);
    const refused = await gou.errors(ANSWER, { m: m.id, a: 'ATTEND' });
    expect(refused[0]).toMatchObject({ message: '会议已取消，不能回复', extensions: { code: 'CONFLICT' } });
    expect((await gou.request(GET, { id: m.id })).meeting.viewerCan.answer).toBe(false);
    expect((await gou.request(PENDING)).myPendingMeetings.map((x: any) => x.id)).not.toContain(m.id);
    expect(await li.errorCode(`mutation($m: ID!) { cancelMeeting(meetingId: $m) { id } }`, { m: m.id })).toBe('CONFLICT');
  });

  it('refuses answers once the meeting has ended', async () => {
    const { issueMeeting: m } = await li.request(ISSUE, { i: input({ title: '已结束的会议' }) });
    await sql(t.orm, `update meeting_notice set starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour' where id = ?`, [m.id]);
    const errors = await gou.errors(ANSWER, { m: m.id, a: 'ATTEND' });
    expect(errors[0]).toMatchObject({ message: '会议已结束，不能回复', extensions: { code: 'CONFLICT' } });
    expect((await gou.request(GET, { id: m.id })).meeting.status).toBe('ENDED');
  });
});

describe('the .ics download', () => {
  it('parses as iCalendar with the notice times, a stable UID, SEQUENCE and STATUS', async () => {
    const { issueMeeting: m } = await li.request(ISSUE, { i: input({ title: '日历测试会议', onlineUrl: 'https://meeting.example.cn/j/9' }) });
    const get = async (client: Client & { userId: string }, login: string) => {
      const response = await fetch(`${t.url}${m.icsUrl}`, { headers: { authorization: `Bearer ${(await client.login(login)).token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
      const component = new ICAL.Component(ICAL.parse(await response.text()));
      return component.getFirstSubcomponent('vevent')!;
    };
    let event = await get(gou, 'gouxiaoyan');
    expect(event.getFirstPropertyValue('uid')).toBe(`${m.id}@jiaoliu`);
    expect(event.getFirstPropertyValue('summary')).toBe('日历测试会议');
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime()).toBe(Math.floor(Date.parse(m.startsAt) / 1000) * 1000);
    expect((event.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().getTime()).toBe(Math.floor(Date.parse(m.endsAt) / 1000) * 1000);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event.getFirstPropertyValue('location')).toBe('巴中市政务服务中心三楼会议室');

    await li.request(`mutation($m: ID!) { editMeeting(meetingId: $m, input: { place: "市民中心二楼" }) { id } }`, { m: m.id });
    await li.request(`mutation($m: ID!) { cancelMeeting(meetingId: $m) { id } }`, { m: m.id });
    // The organizer downloads it with the browser's cookie as well.
    const cookie = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(loginName: "lijinsong", password: "Jiaoliu@2026") { token } }` }),
    });
    const session = cookie.headers.get('set-cookie')!.match(/jiaoliu_session=[^;]+/)![0];
    const response = await fetch(`${t.url}${m.icsUrl}`, { headers: { cookie: session } });
    event = new ICAL.Component(ICAL.parse(await response.text())).getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('uid')).toBe(`${m.id}@jiaoliu`);
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('location')).toBe('市民中心二楼');
    expect((await fetch(`${t.url}/meetings/not-an-id.ics`, { headers: { cookie: session } })).status).toBe(404);
  });
});

describe('attachments', () => {
  it('carries files of the group library to the invitees, replaces them on edit, and refuses files from elsewhere', async () => {
    const { token } = await li.login('lijinsong');
    const first = await upload(t.url, { token }, { groupId }, '会议议程.docx', SAMPLES.docx());
    const second = await upload(t.url, { token }, { groupId }, '汇报模板.txt', Buffer.from('汇报模板：一、基本情况'));
    const { issueMeeting } = await li.request(`mutation($i: MeetingInput!) { issueMeeting(input: $i) { id attachments { version { id name } } } }`, {
      i: input({ title: '附件测试会', attachmentVersionIds: [first.data!.versionId] }),
    });
    expect(issueMeeting.attachments).toEqual([{ version: { id: first.data!.versionId, name: '会议议程.docx' } }]);
    const seen = await ning.request(`query($id: ID!) { meeting(id: $id) { attachments { version { name downloadPath } } } }`, { id: issueMeeting.id });
    expect(seen.meeting.attachments[0].version.name).toBe('会议议程.docx');
    const { editMeeting } = await li.request(`mutation($m: ID!, $i: MeetingEditInput!) { editMeeting(meetingId: $m, input: $i) { attachments { version { name } } } }`, {
      m: issueMeeting.id,
      i: { attachmentVersionIds: [second.data!.versionId, first.data!.versionId] },
    });
    expect(editMeeting.attachments.map((a: any) => a.version.name).sort()).toEqual(['会议议程.docx', '汇报模板.txt']);
    // A file of a private chat's library cannot be attached to a group's notice.
    const { openDirectConversation } = await li.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: ning.userId });
    const privateFile = await upload(t.url, { token }, { conversationId: openDirectConversation.id }, '私聊文件.txt', Buffer.from('私聊'));
    const errors = await li.errors(`mutation($i: MeetingInput!) { issueMeeting(input: $i) { id } }`, { i: input({ title: '越界附件', attachmentVersionIds: [privateFile.data!.versionId] }) });
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachmentVersionIds' });
    expect(await count(t.orm, 'meeting_notice', 'title = ?', ['越界附件'])).toBe(0);
  });
});
