import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { checkAttachments, insertAttachments } from '../content/attachments.js';
import { ChatGroup, MeetingNotice, type MeetingAnswer, type MeetingScope } from '../../db/entities/index.js';
import { badInput, conflict } from '../../errors.js';
import { authorize, can, type Actor } from '../../policies/index.js';
import { inTransaction, publisherOf } from '../core/events.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { notify } from '../notifications/notifications.js';
import { isUuid } from '../ids.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { meetingForActor, meetingsForActor, memberGroupForActor } from './access.js';
import { dropReminders, scheduleReminders } from './reminders.js';
import { MAX_INVITEE_IDS, type MeetingAccess } from './subjects.js';
import {
  attachedVersionIds,
  groupMeetingKeys,
  insertInvitees,
  insertMeeting,
  inviteeIds,
  issuedMeetingIds,
  inviteeRows,
  isInvited,
  lockInvitation,
  lockMeeting,
  markInvitationRead,
  markMeetingCancelled,
  pendingMeetingIds,
  removeAttachments,
  removeInvitees,
  rosterRows,
  saveAnswer,
  setMembersMayIssue,
  unansweredMembers,
  updateMeeting,
  type LockedMeeting,
} from './store/meetings.js';
import { groupMemberIdsExcept, groupMembersAmong, groupMembersInUnits, isGroupMember, markSubjectNotificationsRead, unitPaths } from './store/members.js';
import { validCancelReason, validLeaveReason, validMeetingFields, type MeetingFields } from './validation.js';

/** Who is invited: the whole group, everyone in chosen units (and below), or chosen members. */
export interface InviteeSpec {
  scope: unknown;
  unitIds?: unknown[] | null;
  memberIds?: unknown[] | null;
}

export interface MeetingInput {
  groupId: unknown;
  title: unknown;
  agenda?: unknown;
  startsAt: unknown;
  endsAt: unknown;
  place?: unknown;
  onlineUrl?: unknown;
  invitees: InviteeSpec;
  /** Versions of documents in the group library (群文件) to attach; on edit, the new full list. */
  attachmentVersionIds?: unknown[] | null;
}

export type MeetingEdit = Partial<Omit<MeetingInput, 'groupId'>>;

interface ResolvedInvitees {
  scope: MeetingScope;
  unitIds: string[] | null;
  userIds: string[];
}

const SCOPES: Record<string, MeetingScope> = { GROUP: 'group', UNITS: 'units', MEMBERS: 'members', group: 'group', units: 'units', members: 'members' };

function idList(raw: unknown[] | null | undefined, field: string, what: string): string[] {
  const ids = [...new Set((raw ?? []).map(String))];
  if (!ids.length) throw badInput(`请选择${what}`, field);
  if (ids.length > MAX_INVITEE_IDS) throw badInput(`最多选择 ${MAX_INVITEE_IDS} 个${what}`, field);
  if (!ids.every(isUuid)) throw badInput(`所选${what}无效`, field);
  return ids;
}

/**
 * Turns the invitee choice into group members (never the organizer). 三县一区 is four county
 * units: every member whose unit is one of them or lies below one (materialised paths).
 */
export async function resolveInvitees(em: EntityManager, groupId: string, organizerId: string, spec: InviteeSpec | null | undefined): Promise<ResolvedInvitees> {
  const scope = SCOPES[String(spec?.scope ?? '')];
  if (!spec || !scope) throw badInput('请选择邀请范围', 'invitees');
  let userIds: string[];
  let unitIds: string[] | null = null;
  if (scope === 'group') {
    userIds = await groupMemberIdsExcept(em, groupId, organizerId);
  } else if (scope === 'units') {
    unitIds = idList(spec.unitIds, 'unitIds', '单位');
    const units = await unitPaths(em, unitIds);
    if (units.length !== unitIds.length) throw badInput('所选单位不存在', 'unitIds');
    userIds = await groupMembersInUnits(em, groupId, organizerId, units.map((u) => u.path));
  } else {
    const ids = idList(spec.memberIds, 'memberIds', '参会人员');
    const members = await groupMembersAmong(em, groupId, ids);
    if (members.length !== ids.length) throw badInput('参会人员须是本群成员', 'memberIds');
    userIds = ids.filter((id) => id !== organizerId);
  }
  if (!userIds.length) throw badInput(scope === 'units' ? '所选单位在本群没有成员' : '没有可邀请的成员', scope === 'units' ? 'unitIds' : 'invitees');
  return { scope, unitIds, userIds };
}

async function refreshed(em: EntityManager, id: string): Promise<MeetingNotice> {
  const meeting = await em.findOneOrFail(MeetingNotice, { id });
  await em.refresh(meeting);
  return meeting;
}

/** Issues a notice: the invitees are notified (meeting_invite) and the reminders planned. */
export async function issueMeeting(ctx: DomainContext, input: MeetingInput): Promise<MeetingNotice> {
  const actor = requireActor(ctx);
  const group = await memberGroupForActor(ctx.em, actor, input.groupId);
  authorize(actor, 'issueMeeting', group, '本群只有群主和管理员可以发布会议通知');
  const fields = validMeetingFields({ title: input.title, agenda: input.agenda, startsAt: input.startsAt, endsAt: input.endsAt, place: input.place, onlineUrl: input.onlineUrl });
  const invitees = await resolveInvitees(ctx.em, group.group.id, actor.userId, input.invitees);
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const id = await insertMeeting(em, group.group.id, actor.userId, { ...fields, scope: invitees.scope, scopeUnitIds: invitees.unitIds ? JSON.stringify(invitees.unitIds) : null });
    await addInvitees(em, id, invitees.userIds, null);
    await insertAttachments(em, { meetingId: id }, await checkAttachments(em, { groupId: group.group.id, conversationId: null }, input.attachmentVersionIds));
    await scheduleReminders(em, id, fields.startsAt);
    audit(em, {
      actorId: actor.userId,
      action: 'meeting.issued',
      targetType: 'meeting',
      targetId: id,
      after: { groupId: group.group.id, title: fields.title, startsAt: fields.startsAt, endsAt: fields.endsAt, scope: invitees.scope, invitees: invitees.userIds.length },
      ip: ctx.ip,
    });
    for (const event of await notify(em, { kind: 'meeting_invite', userIds: invitees.userIds, actorId: actor.userId, groupId: group.group.id, subjectId: id })) emit(event);
    return id;
  });
  return refreshed(ctx.em, id);
}

async function addInvitees(em: EntityManager, meetingId: string, userIds: string[], substituteFor: string | null): Promise<void> {
  if (!userIds.length) return;
  await insertInvitees(em, meetingId, userIds, substituteFor);
}

/** Locks the notice row; refuses changes to a cancelled or ended notice (CONFLICT). */
async function lockOpenMeeting(em: EntityManager, id: string, mode: 'update' | 'share', what: string): Promise<LockedMeeting> {
  const row = await lockMeeting(em, id, mode);
  if (row.status === 'cancelled') throw conflict(`会议已取消，不能${what}`);
  if (new Date(row.ends_at).getTime() <= Date.now()) throw conflict(`会议已结束，不能${what}`);
  return row;
}

const FIELD_NAMES = ['title', 'agenda', 'startsAt', 'endsAt', 'place', 'onlineUrl'] as const;

/**
 * Edits a notice: invitees hear what changed (meeting_changed with data.changed), new invitees
 * get meeting_invite, removed ones meeting_cancelled. A new start time replans the reminders.
 */
export async function editMeeting(ctx: DomainContext, meetingId: unknown, edit: MeetingEdit): Promise<MeetingNotice> {
  const actor = requireActor(ctx);
  const access = await meetingForActor(ctx.em, actor, meetingId);
  authorize(actor, 'manage', access, '只有发起人和群管理员可以修改会议通知');
  const m = access.meeting;
  const has = (key: keyof MeetingEdit) => Object.prototype.hasOwnProperty.call(edit, key) && edit[key] !== undefined;
  const startChanged = has('startsAt') && new Date(String(edit.startsAt instanceof Date ? edit.startsAt.toISOString() : edit.startsAt)).getTime() !== m.startsAt.getTime();
  const fields = validMeetingFields(
    {
      title: has('title') ? edit.title : m.title,
      agenda: has('agenda') ? edit.agenda : m.agenda,
      startsAt: has('startsAt') ? edit.startsAt : m.startsAt,
      endsAt: has('endsAt') ? edit.endsAt : m.endsAt,
      place: Object.prototype.hasOwnProperty.call(edit, 'place') ? edit.place : m.place,
      onlineUrl: Object.prototype.hasOwnProperty.call(edit, 'onlineUrl') ? edit.onlineUrl : m.onlineUrl,
    },
    !startChanged,
  );
  const before: MeetingFields = { title: m.title, agenda: m.agenda, startsAt: m.startsAt, endsAt: m.endsAt, place: m.place, onlineUrl: m.onlineUrl };
  const same = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);
  const changed: string[] = FIELD_NAMES.filter((key) => !same(before[key], fields[key]));
  const invitees = edit.invitees ? await resolveInvitees(ctx.em, m.group.id, m.organizer.id, edit.invitees) : null;

  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await lockOpenMeeting(em, m.id, 'update', '修改');
    const current = await inviteeRows(em, m.id);
    let added: string[] = [];
    let removed: string[] = [];
    if (invitees) {
      const all = new Set(current.map((r) => r.user_id));
      const wanted = new Set(invitees.userIds);
      added = invitees.userIds.filter((id) => !all.has(id));
      // Substitutes stay: they were named by an invitee, not chosen by the organizer.
      removed = current.filter((r) => !r.substitute_for_id && !wanted.has(r.user_id)).map((r) => r.user_id);
      const scopeChanged = invitees.scope !== m.scope || JSON.stringify(invitees.unitIds) !== JSON.stringify(m.scopeUnitIds);
      if (added.length || removed.length || scopeChanged) changed.push('invitees');
    }
    if (edit.attachmentVersionIds) {
      const wanted = await checkAttachments(em, { groupId: m.group.id, conversationId: null }, edit.attachmentVersionIds);
      const had = await attachedVersionIds(em, m.id);
      if (wanted.length !== had.length || wanted.some((v) => !had.includes(v))) {
        await removeAttachments(em, m.id);
        await insertAttachments(em, { meetingId: m.id }, wanted);
        changed.push('attachments');
      }
    }
    if (!changed.length) throw badInput('内容没有变化', 'title');
    await updateMeeting(em, m.id, {
      ...fields,
      scope: invitees?.scope ?? m.scope,
      scopeUnitIds: invitees ? (invitees.unitIds ? JSON.stringify(invitees.unitIds) : null) : m.scopeUnitIds ? JSON.stringify(m.scopeUnitIds) : null,
    });
    if (removed.length) await removeInvitees(em, m.id, removed);
    await addInvitees(em, m.id, added, null);
    if (changed.includes('startsAt')) await scheduleReminders(em, m.id, fields.startsAt);
    audit(em, {
      actorId: actor.userId,
      action: 'meeting.edited',
      targetType: 'meeting',
      targetId: m.id,
      before: Object.fromEntries(changed.filter((k) => k !== 'invitees').map((k) => [k, before[k as keyof MeetingFields]])),
      after: { ...Object.fromEntries(changed.filter((k) => k !== 'invitees').map((k) => [k, fields[k as keyof MeetingFields]])), added: added.length, removed: removed.length },
      ip: ctx.ip,
    });
    const stay = current.map((r) => r.user_id).filter((id) => !removed.includes(id));
    const base = { actorId: actor.userId, groupId: m.group.id, subjectId: m.id };
    for (const event of await notify(em, { ...base, kind: 'meeting_changed', userIds: stay, data: { changed } })) emit(event);
    for (const event of await notify(em, { ...base, kind: 'meeting_invite', userIds: added })) emit(event);
    for (const event of await notify(em, { ...base, kind: 'meeting_cancelled', userIds: removed, data: { removed: true } })) emit(event);
  });
  return refreshed(ctx.em, m.id);
}

/** Cancels a notice: pending reminders go, invitees are told (meeting_cancelled). */
export async function cancelMeeting(ctx: DomainContext, meetingId: unknown, rawReason: unknown): Promise<MeetingNotice> {
  const actor = requireActor(ctx);
  const access = await meetingForActor(ctx.em, actor, meetingId);
  authorize(actor, 'manage', access, '只有发起人和群管理员可以取消会议');
  const reason = validCancelReason(rawReason);
  const m = access.meeting;
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await lockOpenMeeting(em, m.id, 'update', '取消');
    await markMeetingCancelled(em, m.id, reason);
    await dropReminders(em, m.id);
    audit(em, { actorId: actor.userId, action: 'meeting.cancelled', targetType: 'meeting', targetId: m.id, reason, before: { status: 'active' }, after: { status: 'cancelled' }, ip: ctx.ip });
    const events = await notify(em, { kind: 'meeting_cancelled', userIds: await inviteeIds(em, m.id), actorId: actor.userId, groupId: m.group.id, subjectId: m.id, data: reason ? { reason } : null });
    events.forEach(emit);
  });
  return refreshed(ctx.em, m.id);
}

/** Opening a notice: the invitee's read receipt (已读), and its notifications read. */
export async function openMeeting(ctx: DomainContext, meetingId: unknown): Promise<MeetingNotice> {
  const actor = requireActor(ctx);
  const access = await meetingForActor(ctx.em, actor, meetingId);
  await ctx.em.transactional(async (em) => {
    if (access.invitation && !access.invitation.readAt) {
      await markInvitationRead(em, access.meeting.id, actor.userId);
    }
    await markSubjectNotificationsRead(em, actor.userId, access.meeting.id);
  });
  return access.meeting;
}

const ANSWERS: Record<string, MeetingAnswer> = { ATTEND: 'attend', LEAVE: 'leave', DELEGATE: 'delegate' };

/**
 * 参加, 请假 (with a reason) or 委派 (naming a substitute, a member of the group not yet invited,
 * who is then invited). An answer may be changed until the meeting ends, except a 委派: the
 * substitute has been invited on the strength of it.
 */
export async function answerMeeting(ctx: DomainContext, meetingId: unknown, rawAnswer: unknown, rawReason: unknown, rawSubstituteId: unknown): Promise<MeetingNotice> {
  const actor = requireActor(ctx);
  const access = await meetingForActor(ctx.em, actor, meetingId);
  authorize(actor, 'answer', access, '您不在本次会议的邀请名单中');
  const answer = ANSWERS[String(rawAnswer)];
  if (!answer) throw badInput('回复无效', 'answer');
  const reason = answer === 'leave' ? validLeaveReason(rawReason) : null;
  let substituteId: string | null = null;
  if (answer === 'delegate') {
    if (!isUuid(rawSubstituteId)) throw badInput('请选择被委派人', 'substituteId');
    if (rawSubstituteId === actor.userId) throw badInput('不能委派给自己', 'substituteId');
    if (!(await isGroupMember(ctx.em, access.meeting.group.id, rawSubstituteId))) throw badInput('被委派人须是本群成员', 'substituteId');
    substituteId = rawSubstituteId;
  }
  const m = access.meeting;
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await lockOpenMeeting(em, m.id, 'share', '回复');
    const mine = await lockInvitation(em, m.id, actor.userId);
    if (!mine) throw conflict('您已不在本次会议的邀请名单中');
    if (mine.answer === 'delegate') throw conflict('已委派他人参会，不能更改回复');
    if (substituteId) {
      if (await isInvited(em, m.id, substituteId)) throw badInput('被委派人已在邀请名单中', 'substituteId');
      if (substituteId === m.organizer.id) throw badInput('不能委派给会议发起人', 'substituteId');
    }
    await saveAnswer(em, m.id, actor.userId, { answer, reason, substituteId });
    if (substituteId) {
      await addInvitees(em, m.id, [substituteId], actor.userId);
      const events = await notify(em, { kind: 'meeting_invite', userIds: [substituteId], actorId: actor.userId, groupId: m.group.id, subjectId: m.id, data: { substituteFor: actor.userId } });
      events.forEach(emit);
    }
  });
  return refreshed(ctx.em, m.id);
}

/** 提醒未回复: notifies every invitee who has not answered (meeting_nudge); answers how many. */
export async function remindUnanswered(ctx: DomainContext, meetingId: unknown): Promise<number> {
  const actor = requireActor(ctx);
  const access = await meetingForActor(ctx.em, actor, meetingId);
  authorize(actor, 'manage', access, '只有发起人和群管理员可以提醒未回复人员');
  const m = access.meeting;
  return inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await lockOpenMeeting(em, m.id, 'share', '提醒');
    const events = await notify(em, { kind: 'meeting_nudge', userIds: await unansweredMembers(em, m.group.id, m.id), actorId: actor.userId, groupId: m.group.id, subjectId: m.id });
    events.forEach(emit);
    audit(em, { actorId: actor.userId, action: 'meeting.nudged', targetType: 'meeting', targetId: m.id, after: { notified: events.length }, ip: ctx.ip });
    return events.length;
  });
}

/** The group setting: whether plain members may issue notices (admins only by default). */
export async function setMeetingPolicy(ctx: DomainContext, groupId: unknown, membersMayIssue: boolean): Promise<ChatGroup> {
  const actor = requireActor(ctx);
  const group = await memberGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'configureMeetings', group, '只有群主和管理员可以修改会议通知设置');
  await ctx.em.transactional(async (em) => {
    await setMembersMayIssue(em, group.group.id, !!membersMayIssue);
    audit(em, {
      actorId: actor.userId,
      action: 'group.meeting_policy_changed',
      targetType: 'group',
      targetId: group.group.id,
      before: { membersMayIssueMeetings: group.group.membersMayIssueMeetings },
      after: { membersMayIssueMeetings: !!membersMayIssue },
      ip: ctx.ip,
    });
  });
  const fresh = await ctx.em.findOneOrFail(ChatGroup, { id: group.group.id });
  await ctx.em.refresh(fresh);
  return fresh;
}

/**
 * Notices waiting for the viewer's answer (pinned until answered): active, not ended, in
 * groups they still belong to; soonest first.
 */
export async function pendingMeetings(em: EntityManager, actor: Actor, groupId?: string): Promise<MeetingAccess[]> {
  return meetingsForActor(em, actor, await pendingMeetingIds(em, actor.userId, groupId));
}

/** 我发布的: notices the viewer issued, latest start first (at most `limit`, 50 at most). */
export async function issuedMeetings(em: EntityManager, actor: Actor, limit?: number | null): Promise<MeetingAccess[]> {
  const size = Math.min(Math.max(Math.trunc(limit ?? 20), 1), 50);
  return meetingsForActor(em, actor, await issuedMeetingIds(em, actor.userId, size));
}

/**
 * A group's notices the viewer may see, latest start first (`upcoming`: active ones not yet
 * ended). The query narrows to the viewer's own notices (or all, for admins); the policy then
 * decides each one.
 */
export async function groupMeetings(em: EntityManager, actor: Actor, group: GroupAccess, args: PageArgs & { upcoming?: boolean | null }): Promise<Page<MeetingAccess>> {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  const manager = can(actor, 'listAllMeetings', group);
  const rows = await groupMeetingKeys(em, { groupId: group.group.id, ownOf: manager ? null : actor.userId, upcoming: !!args.upcoming }, cursor ? [String(cursor[0]), String(cursor[1])] : null, size + 1);
  const page = toPage(rows, size, (r) => [r.starts, r.id]);
  const accesses = await meetingsForActor(em, actor, page.nodes.map((r) => r.id));
  const byId = new Map(accesses.map((a) => [a.meeting.id, a]));
  const kept = page.nodes.map((r, i) => [byId.get(r.id), page.cursors[i]] as const).filter((pair): pair is readonly [MeetingAccess, string] => !!pair[0]);
  return { ...page, nodes: kept.map((k) => k[0]), cursors: kept.map((k) => k[1]) };
}

export type InviteeStatus = 'unread' | 'read' | 'attending' | 'on_leave' | 'substituted';

export interface RosterEntry {
  userId: string;
  unitId: string;
  status: InviteeStatus;
  readAt: Date | null;
  answeredAt: Date | null;
  reason: string | null;
  substituteId: string | null;
  substituteForId: string | null;
}

export interface RosterCounts {
  invited: number;
  unread: number;
  read: number;
  attending: number;
  onLeave: number;
  substituted: number;
}

export interface Roster {
  counts: RosterCounts;
  units: Array<{ unitId: string; counts: RosterCounts; entries: RosterEntry[] }>;
}

const emptyCounts = (): RosterCounts => ({ invited: 0, unread: 0, read: 0, attending: 0, onLeave: 0, substituted: 0 });
const COUNT_KEY: Record<InviteeStatus, keyof RosterCounts> = { unread: 'unread', read: 'read', attending: 'attending', on_leave: 'onLeave', substituted: 'substituted' };

function statusOf(row: { answer: MeetingAnswer | null; read_at: Date | null }): InviteeStatus {
  if (row.answer === 'attend') return 'attending';
  if (row.answer === 'leave') return 'on_leave';
  if (row.answer === 'delegate') return 'substituted';
  return row.read_at ? 'read' : 'unread';
}

/** The organizer's roster (回执): invitees grouped by unit in tree order, with counts. */
export async function meetingRoster(em: EntityManager, access: MeetingAccess, actor: Actor): Promise<Roster> {
  authorize(actor, 'manage', access, '只有发起人和群管理员可以查看回执');
  const rows = await rosterRows(em, access.meeting.id);
  const roster: Roster = { counts: emptyCounts(), units: [] };
  const byUnit = new Map<string, Roster['units'][number]>();
  for (const row of rows) {
    const status = statusOf(row);
    let unit = byUnit.get(row.unit_id);
    if (!unit) {
      unit = { unitId: row.unit_id, counts: emptyCounts(), entries: [] };
      byUnit.set(row.unit_id, unit);
      roster.units.push(unit);
    }
    unit.entries.push({
      userId: row.user_id,
      unitId: row.unit_id,
      status,
      readAt: row.read_at,
      answeredAt: row.answered_at,
      reason: row.reason,
      substituteId: row.substitute_id,
      substituteForId: row.substitute_for_id,
    });
    for (const counts of [unit.counts, roster.counts]) {
      counts.invited += 1;
      counts[COUNT_KEY[status]] += 1;
    }
  }
  return roster;
}
