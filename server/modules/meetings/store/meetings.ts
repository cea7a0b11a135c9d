import type { EntityManager } from '@mikro-orm/postgresql';
import type { MeetingAnswer, MeetingScope } from '../../../db/entities/index.js';
import { rows, sql, sqlText } from '../../../db/statement.js';

/** Meeting notices' SQL: notices, invitees and their answers, reminders' recipients, lists and the roster. */

export interface MeetingRowFields {
  title: string;
  agenda: string | null;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
  scope: MeetingScope;
  /** The chosen units as JSON text, or null. */
  scopeUnitIds: string | null;
}

export async function insertMeeting(em: EntityManager, groupId: string, organizerId: string, f: MeetingRowFields): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into meeting_notice (id, group_id, organizer_id, title, agenda, starts_at, ends_at, place, online_url, scope, scope_unit_ids, status, sequence, created_at, updated_at)
       values (gen_random_uuid(), ${groupId}, ${organizerId}, ${f.title}, ${f.agenda}, ${f.startsAt}, ${f.endsAt}, ${f.place}, ${f.onlineUrl}, ${f.scope}, ${f.scopeUnitIds}, 'active', 0, now(), now()) returning id`,
  );
  return id;
}

/** A new version of the notice (its sequence counts versions for calendars). */
export async function updateMeeting(em: EntityManager, id: string, f: MeetingRowFields): Promise<void> {
  await rows(
    em,
    sql`update meeting_notice set title = ${f.title}, agenda = ${f.agenda}, starts_at = ${f.startsAt}, ends_at = ${f.endsAt}, place = ${f.place}, online_url = ${f.onlineUrl}, scope = ${f.scope}, scope_unit_ids = ${f.scopeUnitIds}, sequence = sequence + 1, updated_at = now() where id = ${id}`,
  );
}

export async function markMeetingCancelled(em: EntityManager, id: string, reason: string | null): Promise<void> {
  await rows(em, sql`update meeting_notice set status = 'cancelled', cancelled_at = now(), cancel_reason = ${reason}, sequence = sequence + 1, updated_at = now() where id = ${id}`);
}

export interface LockedMeeting {
  status: string;
  ends_at: Date;
  starts_at: Date;
}

export async function lockMeeting(em: EntityManager, id: string, mode: 'update' | 'share'): Promise<LockedMeeting> {
  const [row] = await rows<LockedMeeting>(em, sql`select status, starts_at, ends_at from meeting_notice where id = ${id} for ${sqlText(mode)}`);
  return row;
}

export interface ReminderMeetingRow {
  id: string;
  group_id: string;
  organizer_id: string;
  status: string;
  starts_at: Date;
}

export async function meetingForReminder(em: EntityManager, id: string): Promise<ReminderMeetingRow | undefined> {
  const [meeting] = await rows<ReminderMeetingRow>(em, sql`select id, group_id, organizer_id, status, starts_at from meeting_notice where id = ${id}`);
  return meeting;
}

export async function insertInvitees(em: EntityManager, meetingId: string, userIds: string[], substituteFor: string | null): Promise<void> {
  await rows(
    em,
    sql`insert into meeting_invitee (meeting_id, user_id, substitute_for_id, invited_at) select ${meetingId}, u, ${substituteFor}, now() from unnest(${`{${userIds.join(',')}}`}::uuid[]) as u on conflict do nothing`,
  );
}

export function inviteeRows(em: EntityManager, meetingId: string): Promise<Array<{ user_id: string; substitute_for_id: string | null }>> {
  return rows(em, sql`select user_id, substitute_for_id from meeting_invitee where meeting_id = ${meetingId}`);
}

export async function inviteeIds(em: EntityManager, meetingId: string): Promise<string[]> {
  const found = await rows<{ user_id: string }>(em, sql`select user_id from meeting_invitee where meeting_id = ${meetingId}`);
  return found.map((r) => r.user_id);
}

export async function removeInvitees(em: EntityManager, meetingId: string, userIds: string[]): Promise<void> {
  await rows(em, sql`delete from meeting_invitee where meeting_id = ${meetingId} and user_id in (${userIds})`);
}

export async function isInvited(em: EntityManager, meetingId: string, userId: string): Promise<boolean> {
  const [already] = await rows<{ user_id: string }>(em, sql`select user_id from meeting_invitee where meeting_id = ${meetingId} and user_id = ${userId}`);
  return !!already;
}

/** Locks the user's invitation; undefined when they are not (or no longer) invited. */
export async function lockInvitation(em: EntityManager, meetingId: string, userId: string): Promise<{ answer: MeetingAnswer | null } | undefined> {
  const [mine] = await rows<{ answer: MeetingAnswer | null }>(em, sql`select answer from meeting_invitee where meeting_id = ${meetingId} and user_id = ${userId} for update`);
  return mine;
}

export async function markInvitationRead(em: EntityManager, meetingId: string, userId: string): Promise<void> {
  await rows(em, sql`update meeting_invitee set read_at = now() where meeting_id = ${meetingId} and user_id = ${userId} and read_at is null`);
}

export async function saveAnswer(em: EntityManager, meetingId: string, userId: string, a: { answer: MeetingAnswer; reason: string | null; substituteId: string | null }): Promise<void> {
  await rows(
    em,
    sql`update meeting_invitee set answer = ${a.answer}, reason = ${a.reason}, substitute_id = ${a.substituteId}, answered_at = now(), read_at = coalesce(read_at, now()) where meeting_id = ${meetingId} and user_id = ${userId}`,
  );
}

/** Invitees still in the group who have not answered. */
export async function unansweredMembers(em: EntityManager, groupId: string, meetingId: string): Promise<string[]> {
  const found = await rows<{ user_id: string }>(
    em,
    sql`select i.user_id from meeting_invitee i join group_member gm on gm.group_id = ${groupId} and gm.user_id = i.user_id where i.meeting_id = ${meetingId} and i.answer is null`,
  );
  return found.map((r) => r.user_id);
}

/** Invitees still in the group who have not declined (unanswered, attending, substitutes). */
export async function reminderRecipients(em: EntityManager, groupId: string, meetingId: string): Promise<string[]> {
  const found = await rows<{ user_id: string }>(
    em,
    sql`select i.user_id from meeting_invitee i
       join group_member gm on gm.group_id = ${groupId} and gm.user_id = i.user_id
      where i.meeting_id = ${meetingId} and (i.answer is null or i.answer = 'attend')`,
  );
  return found.map((r) => r.user_id);
}

export async function attachedVersionIds(em: EntityManager, meetingId: string): Promise<string[]> {
  const found = await rows<{ version_id: string }>(em, sql`select version_id from attachment where meeting_id = ${meetingId}`);
  return found.map((r) => r.version_id);
}

export async function removeAttachments(em: EntityManager, meetingId: string): Promise<void> {
  await rows(em, sql`delete from attachment where meeting_id = ${meetingId}`);
}

export async function setMembersMayIssue(em: EntityManager, groupId: string, membersMayIssue: boolean): Promise<void> {
  await rows(em, sql`update chat_group set members_may_issue_meetings = ${membersMayIssue} where id = ${groupId}`);
}

/** Active, unended notices awaiting the user's answer in groups they still belong to, soonest first. */
export async function pendingMeetingIds(em: EntityManager, userId: string, groupId?: string): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select m.id from meeting_invitee i
       join meeting_notice m on m.id = i.meeting_id
       join group_member gm on gm.group_id = m.group_id and gm.user_id = i.user_id
      where i.user_id = ${userId} and i.answer is null and m.status = 'active' and m.ends_at > now() ${groupId ? sql`and m.group_id = ${groupId}` : sqlText('')}
      order by m.starts_at, m.id limit 100`,
  );
  return found.map((r) => r.id);
}

/** Notices the user issued (as organizer) in groups they still belong to, latest start first. */
export async function issuedMeetingIds(em: EntityManager, userId: string, limit: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select m.id from meeting_notice m
       join group_member gm on gm.group_id = m.group_id and gm.user_id = m.organizer_id
      where m.organizer_id = ${userId}
      order by m.starts_at desc, m.id desc limit ${limit}`,
  );
  return found.map((r) => r.id);
}

export interface GroupMeetingsQuery {
  groupId: string;
  /** Only notices the user organizes or is invited to (null: all the group's). */
  ownOf: string | null;
  upcoming: boolean;
}

/** A group's notices, latest start first; `limit` keys after the cursor (start, id). */
export function groupMeetingKeys(em: EntityManager, q: GroupMeetingsQuery, cursor: [starts: string, id: string] | null, limit: number): Promise<Array<{ id: string; starts: string }>> {
  const own = q.ownOf ? sql`and (m.organizer_id = ${q.ownOf} or exists (select 1 from meeting_invitee i where i.meeting_id = m.id and i.user_id = ${q.ownOf}))` : sqlText('');
  const after = cursor ? sql`and (m.starts_at, m.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : sqlText('');
  return rows(
    em,
    sql`select m.id, m.starts_at::text as starts from meeting_notice m
      where m.group_id = ${q.groupId}
        ${own}
        ${sqlText(q.upcoming ? `and m.status = 'active' and m.ends_at > now()` : '')}
        ${after}
      order by m.starts_at desc, m.id desc limit ${limit}`,
  );
}

export interface RosterRow {
  user_id: string;
  unit_id: string;
  read_at: Date | null;
  answer: MeetingAnswer | null;
  answered_at: Date | null;
  reason: string | null;
  substitute_id: string | null;
  substitute_for_id: string | null;
}

/**
 * Invitees with their units, in unit tree order, then by name in pinyin. Someone no longer in
 * the group (left or removed) is left out, unless the meeting has begun and they answered: the
 * record of who answered a held meeting stays (docs/meetings.md).
 */
export function rosterRows(em: EntityManager, meetingId: string): Promise<RosterRow[]> {
  return rows(
    em,
    sql`select i.user_id, u.unit_id, i.read_at, i.answer, i.answered_at, i.reason, i.substitute_id, i.substitute_for_id
       from meeting_invitee i
       join meeting_notice m on m.id = i.meeting_id
       join app_user u on u.id = i.user_id
       join org_unit ou on ou.id = u.unit_id
      where i.meeting_id = ${meetingId}
        and (exists (select 1 from group_member gm where gm.group_id = m.group_id and gm.user_id = i.user_id)
             or (i.answer is not null and m.starts_at <= now()))
      order by array_length(string_to_array(ou.path, '/'), 1), ou.sort_order, ou.name, u.real_name collate "pinyin", u.id`,
  );
}
