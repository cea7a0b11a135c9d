/** GraphQL documents and types of the meeting-notice and announcement pages (types from the documents; schema/meetings.graphql is the contract). */
import { MeetingFiles } from '../graphql/fragments.js';
import { graphql, type ResultOf, type SchemaEnum } from '../graphql/index.js';

export type MeetingStatus = SchemaEnum<'MeetingStatus'>;
export type InviteeStatus = SchemaEnum<'MeetingInviteeStatus'>;
export type Scope = SchemaEnum<'MeetingScope'>;

const PersonFields = graphql(`fragment MeetingPerson on User { id realName unit { id name } }`);
const InvitationFields = graphql(
  `fragment InvitationFields on MeetingInvitation { user { ...MeetingPerson } status reason readAt answeredAt substitute { ...MeetingPerson } substituteFor { ...MeetingPerson } }`,
  [PersonFields],
);
const MeetingSummaryFields = graphql(`fragment MeetingSummaryFields on MeetingNotice { id title startsAt endsAt place status group { id name } organizer { realName } viewerInvitation { status } }`);
const AnnouncementSummaryFields = graphql(`fragment AnnouncementSummaryFields on Announcement { id title pinned bulletin createdAt viewerHasRead author { realName } readCount memberCount }`);

export const MeetingFields = graphql(
  `fragment MeetingFields on MeetingNotice { id title agenda startsAt endsAt place onlineUrl status cancelReason scope scopeUnits { id name } icsUrl
    group { id name } organizer { ...MeetingPerson } ...MeetingFiles viewerInvitation { ...InvitationFields } viewerCan { answer manage }
    roster { counts { invited unread read attending onLeave substituted } units { unit { id name } counts { invited unread read attending onLeave substituted } invitees { ...InvitationFields } } } }`,
  [PersonFields, MeetingFiles, InvitationFields],
);

export type Person = ResultOf<typeof PersonFields>;
export type Invitation = ResultOf<typeof InvitationFields>;
export type Meeting = ResultOf<typeof MeetingFields>;
export type RosterCounts = NonNullable<Meeting['roster']>['counts'];
export type MeetingSummary = ResultOf<typeof MeetingSummaryFields>;
export type AnnouncementSummary = ResultOf<typeof AnnouncementSummaryFields>;

export const HOME = graphql(`query MeetingsHome { myPendingMeetings { ...MeetingSummaryFields } myIssuedMeetings(first: 20) { ...MeetingSummaryFields } myGroups { id name } bulletinTargets { id } }`, [MeetingSummaryFields]);
export const GROUP_BOARD = graphql(
  `query GroupBoard($g: ID!) { group(id: $g) { id name viewerRole viewerCanIssueMeeting viewerCanPostAnnouncement membersMayIssueMeetings
    pinnedMeetings { id }
    meetings(first: 30) { edges { node { ...MeetingSummaryFields } } }
    announcements(first: 30) { edges { node { ...AnnouncementSummaryFields } } } } }`,
  [MeetingSummaryFields, AnnouncementSummaryFields],
);
export const OPEN_MEETING = graphql(`mutation OpenMeeting($m: ID!) { openMeeting(meetingId: $m) { ...MeetingFields } }`, [MeetingFields]);
export const ANSWER = graphql(
  `mutation Answer($m: ID!, $a: MeetingAnswer!, $r: String, $s: ID) { answerMeeting(meetingId: $m, answer: $a, reason: $r, substituteId: $s) { ...MeetingFields } }`,
  [MeetingFields],
);
export const CANCEL = graphql(`mutation Cancel($m: ID!, $r: String) { cancelMeeting(meetingId: $m, reason: $r) { ...MeetingFields } }`, [MeetingFields]);
export const NUDGE = graphql(`mutation Nudge($m: ID!) { remindUnanswered(meetingId: $m) }`);
export const ISSUE = graphql(`mutation Issue($i: MeetingInput!) { issueMeeting(input: $i) { id } }`);
export const EDIT = graphql(`mutation Edit($m: ID!, $i: MeetingEditInput!) { editMeeting(meetingId: $m, input: $i) { id } }`);
export const MEETING = graphql(`query Meeting($m: ID!) { meeting(id: $m) { ...MeetingFields } }`, [MeetingFields]);
export const GROUP_PEOPLE = graphql(
  `query GroupPeople($g: ID!, $after: String) { group(id: $g) { id name members(first: 100, after: $after) { edges { node { user { ...MeetingPerson } } } pageInfo { hasNextPage endCursor } } } }`,
  [PersonFields],
);
export const POLICY = graphql(`mutation Policy($g: ID!, $v: Boolean!) { setGroupMeetingPolicy(groupId: $g, membersMayIssue: $v) { id membersMayIssueMeetings } }`);

const AnnouncementFields = graphql(
  `fragment AnnouncementFields on Announcement { id title body pinned bulletin createdAt editedAt viewerHasRead viewerCanManage group { id name } author { realName unit { name } }
    readCount memberCount readers { user { ...MeetingPerson } readAt } }`,
  [PersonFields],
);
export const OPEN_ANNOUNCEMENT = graphql(`mutation OpenAnnouncement($a: ID!) { openAnnouncement(announcementId: $a) { id } }`);
export const ANNOUNCEMENT = graphql(`query Announcement($a: ID!) { announcement(id: $a) { ...AnnouncementFields } }`, [AnnouncementFields]);
export const POST_ANNOUNCEMENT = graphql(`mutation Post($g: ID!, $t: String!, $b: String!) { postAnnouncement(groupId: $g, title: $t, body: $b) { id } }`);
export const EDIT_ANNOUNCEMENT = graphql(`mutation EditAnn($a: ID!, $t: String!, $b: String!) { editAnnouncement(announcementId: $a, title: $t, body: $b) { id } }`);
export const PIN_ANNOUNCEMENT = graphql(`mutation Pin($a: ID!, $p: Boolean!) { setAnnouncementPinned(announcementId: $a, pinned: $p) { id } }`);
export const BULLETIN_TARGETS = graphql(`query Targets { bulletinTargets { id name memberCount } }`);
export const PUBLISH_BULLETIN = graphql(`mutation Bulletin($g: [ID!]!, $t: String!, $b: String!) { publishBulletin(groupIds: $g, title: $t, body: $b) { id } }`);

export type AnnouncementDetail = ResultOf<typeof AnnouncementFields>;

export const STATUS_LABELS: Record<InviteeStatus, string> = { UNREAD: '未读', READ: '已读未回复', ATTENDING: '参加', ON_LEAVE: '请假', SUBSTITUTED: '委派' };
export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = { ACTIVE: '进行中', CANCELLED: '已取消', ENDED: '已结束' };

const TZ = 'Asia/Shanghai';
const when = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const clock = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "2026年12月2日周三 09:00 至 12月3日 18:00" in Beijing time. */
export function meetingTime(startsAt: string, endsAt: string): string {
  const sameDay = dayKey.format(new Date(startsAt)) === dayKey.format(new Date(endsAt));
  return `${when.format(new Date(startsAt))} 至 ${sameDay ? clock.format(new Date(endsAt)) : when.format(new Date(endsAt))}`;
}

export function shortTime(value: string): string {
  return when.format(new Date(value));
}

/** A datetime-local value ("2026-12-02T09:00") read as Beijing time (UTC+8, no daylight saving). */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(`${value}:00+08:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The reverse: an instant as a datetime-local value in Beijing time. */
export function toLocalInput(value: string): string {
  return new Date(Date.parse(value) + 8 * 3600_000).toISOString().slice(0, 16);
}
