/** GraphQL documents and types of the meeting-notice and announcement pages. */
import { ATTACHMENT_FIELDS, type Attachment } from '../documents/types.js';

export type MeetingStatus = 'ACTIVE' | 'CANCELLED' | 'ENDED';
export type InviteeStatus = 'UNREAD' | 'READ' | 'ATTENDING' | 'ON_LEAVE' | 'SUBSTITUTED';
export type Scope = 'GROUP' | 'UNITS' | 'MEMBERS';

export interface Person {
  id: string;
  realName: string;
  unit: { id: string; name: string };
}

export interface Invitation {
  user: Person;
  status: InviteeStatus;
  reason: string | null;
  readAt: string | null;
  answeredAt: string | null;
  substitute: Person | null;
  substituteFor: Person | null;
}

export interface RosterCounts {
  invited: number;
  unread: number;
  read: number;
  attending: number;
  onLeave: number;
  substituted: number;
}

export interface Meeting {
  id: string;
  title: string;
  agenda: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  onlineUrl: string | null;
  status: MeetingStatus;
  cancelReason: string | null;
  scope: Scope;
  scopeUnits: Array<{ id: string; name: string }>;
  icsUrl: string;
  group: { id: string; name: string };
  organizer: Person;
  viewerInvitation: Invitation | null;
  viewerCan: { answer: boolean; manage: boolean };
  /** Files from the group library. */
  attachments: Attachment[];
  roster: { counts: RosterCounts; units: Array<{ unit: { id: string; name: string }; counts: RosterCounts; invitees: Invitation[] }> } | null;
}

export interface MeetingSummary {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  place: string | null;
  status: MeetingStatus;
  group: { id: string; name: string };
  organizer: { realName: string };
  viewerInvitation: { status: InviteeStatus } | null;
}

export interface AnnouncementSummary {
  id: string;
  title: string;
  pinned: boolean;
  bulletin: boolean;
  createdAt: string;
  viewerHasRead: boolean;
  author: { realName: string };
  readCount: number | null;
  memberCount: number | null;
}

const PERSON = `id realName unit { id name }`;
const INVITATION = `user { ${PERSON} } status reason readAt answeredAt substitute { ${PERSON} } substituteFor { ${PERSON} }`;
const SUMMARY = `id title startsAt endsAt place status group { id name } organizer { realName } viewerInvitation { status }`;
const ANN_SUMMARY = `id title pinned bulletin createdAt viewerHasRead author { realName } readCount memberCount`;

export const MEETING_FIELDS = `id title agenda startsAt endsAt place onlineUrl status cancelReason scope scopeUnits { id name } icsUrl
  group { id name } organizer { ${PERSON} } ${ATTACHMENT_FIELDS} viewerInvitation { ${INVITATION} } viewerCan { answer manage }
  roster { counts { invited unread read attending onLeave substituted } units { unit { id name } counts { invited unread read attending onLeave substituted } invitees { ${INVITATION} } } }`;

export const HOME = `query MeetingsHome { myPendingMeetings { ${SUMMARY} } myGroups { id name } bulletinTargets { id } }`;
export const GROUP_BOARD = `query GroupBoard($g: ID!) { group(id: $g) { id name viewerRole viewerCanIssueMeeting viewerCanPostAnnouncement membersMayIssueMeetings
  pinnedMeetings { id }
  meetings(first: 30) { edges { node { ${SUMMARY} } } }
  announcements(first: 30) { edges { node { ${ANN_SUMMARY} } } } } }`;
export const OPEN_MEETING = `mutation OpenMeeting($m: ID!) { openMeeting(meetingId: $m) { ${MEETING_FIELDS} } }`;
export const ANSWER = `mutation Answer($m: ID!, $a: MeetingAnswer!, $r: String, $s: ID) { answerMeeting(meetingId: $m, answer: $a, reason: $r, substituteId: $s) { ${MEETING_FIELDS} } }`;
export const CANCEL = `mutation Cancel($m: ID!, $r: String) { cancelMeeting(meetingId: $m, reason: $r) { ${MEETING_FIELDS} } }`;
export const NUDGE = `mutation Nudge($m: ID!) { remindUnanswered(meetingId: $m) }`;
export const ISSUE = `mutation Issue($i: MeetingInput!) { issueMeeting(input: $i) { id } }`;
export const EDIT = `mutation Edit($m: ID!, $i: MeetingEditInput!) { editMeeting(meetingId: $m, input: $i) { id } }`;
export const MEETING = `query Meeting($m: ID!) { meeting(id: $m) { ${MEETING_FIELDS} } }`;
export const GROUP_PEOPLE = `query GroupPeople($g: ID!, $after: String) { group(id: $g) { id name members(first: 100, after: $after) { edges { node { user { ${PERSON} } } } pageInfo { hasNextPage endCursor } } } }`;
export const UNITS = `query Units { orgUnits { id name level parent { id } } }`;
export const POLICY = `mutation Policy($g: ID!, $v: Boolean!) { setGroupMeetingPolicy(groupId: $g, membersMayIssue: $v) { id membersMayIssueMeetings } }`;

export const ANNOUNCEMENT_FIELDS = `id title body pinned bulletin createdAt editedAt viewerHasRead viewerCanManage group { id name } author { realName unit { name } }
  readCount memberCount readers { user { ${PERSON} } readAt }`;
export const OPEN_ANNOUNCEMENT = `mutation OpenAnnouncement($a: ID!) { openAnnouncement(announcementId: $a) { id } }`;
export const ANNOUNCEMENT = `query Announcement($a: ID!) { announcement(id: $a) { ${ANNOUNCEMENT_FIELDS} } }`;
export const POST_ANNOUNCEMENT = `mutation Post($g: ID!, $t: String!, $b: String!) { postAnnouncement(groupId: $g, title: $t, body: $b) { id } }`;
export const EDIT_ANNOUNCEMENT = `mutation EditAnn($a: ID!, $t: String!, $b: String!) { editAnnouncement(announcementId: $a, title: $t, body: $b) { id } }`;
export const PIN_ANNOUNCEMENT = `mutation Pin($a: ID!, $p: Boolean!) { setAnnouncementPinned(announcementId: $a, pinned: $p) { id } }`;
export const BULLETIN_TARGETS = `query Targets { bulletinTargets { id name memberCount } }`;
export const PUBLISH_BULLETIN = `mutation Bulletin($g: [ID!]!, $t: String!, $b: String!) { publishBulletin(groupIds: $g, title: $t, body: $b) { id } }`;

export interface AnnouncementDetail {
  id: string;
  title: string;
  body: string;
  pinned: boolean;
  bulletin: boolean;
  createdAt: string;
  editedAt: string | null;
  viewerHasRead: boolean;
  viewerCanManage: boolean;
  group: { id: string; name: string };
  author: { realName: string; unit: { name: string } };
  readCount: number | null;
  memberCount: number | null;
  readers: Array<{ user: Person; readAt: string }> | null;
}

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
