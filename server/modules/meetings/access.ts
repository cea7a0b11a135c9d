import type { EntityManager } from '@mikro-orm/postgresql';
import { Announcement, ChatGroup, MeetingInvitee, MeetingNotice } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { can, isGroupMember, type Actor } from '../../policies/index.js';
import { groupForActor } from '../groups/access.js';
import { GroupAccess } from '../groups/subjects.js';
import { isUuid } from '../ids.js';
import { groupsWithOutsiders, memberRoles } from './store/members.js';
import { AnnouncementAccess, BulletinTarget, MeetingAccess } from './subjects.js';

/**
 * Access helpers for meeting notices and announcements. What the actor may not see answers
 * NOT_FOUND, the same as what does not exist.
 */
export async function memberGroupForActor(em: EntityManager, actor: Actor, groupId: unknown): Promise<GroupAccess> {
  if (!isUuid(groupId)) throw notFound('群组');
  const access = await groupForActor(em, actor, groupId);
  if (!isGroupMember(actor, access)) throw notFound('群组');
  return access;
}

/** Group access for many groups in one query (roles only: invitations do not matter here). */
async function groupAccesses(em: EntityManager, actor: Actor, groupIds: string[]): Promise<Map<string, GroupAccess>> {
  const ids = [...new Set(groupIds)];
  if (!ids.length) return new Map();
  const [groups, roles] = await Promise.all([
    em.find(ChatGroup, { id: ids }),
    memberRoles(em, actor.userId, ids),
  ]);
  const role = new Map(roles.map((r) => [r.group_id, r.role]));
  return new Map(groups.map((g) => [g.id, new GroupAccess(g, role.get(g.id) ?? null, false)]));
}

/** The notices among `ids` that the actor may read, with their access, in three queries. Order follows `ids`. */
export async function meetingsForActor(em: EntityManager, actor: Actor, ids: readonly string[]): Promise<MeetingAccess[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (!valid.length) return [];
  const meetings = await em.find(MeetingNotice, { id: valid });
  if (!meetings.length) return [];
  const [groups, invitations] = await Promise.all([
    groupAccesses(em, actor, meetings.map((m) => m.group.id)),
    em.find(MeetingInvitee, { meeting: meetings.map((m) => m.id), user: actor.userId }),
  ]);
  const invitationOf = new Map(invitations.map((i) => [i.meeting.id, i]));
  const byId = new Map(meetings.map((m) => [m.id, new MeetingAccess(m, groups.get(m.group.id)!, invitationOf.get(m.id) ?? null)]));
  return valid.map((id) => byId.get(id)).filter((a): a is MeetingAccess => !!a && can(actor, 'read', a));
}

export async function meetingForActor(em: EntityManager, actor: Actor, id: unknown): Promise<MeetingAccess> {
  if (!isUuid(id)) throw notFound('会议通知');
  const [access] = await meetingsForActor(em, actor, [id]);
  if (!access) throw notFound('会议通知');
  return access;
}

export async function announcementsForActor(em: EntityManager, actor: Actor, ids: readonly string[]): Promise<AnnouncementAccess[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (!valid.length) return [];
  const found = await em.find(Announcement, { id: valid });
  const groups = await groupAccesses(em, actor, found.map((a) => a.group.id));
  const byId = new Map(found.map((a) => [a.id, new AnnouncementAccess(a, groups.get(a.group.id)!)]));
  return valid.map((id) => byId.get(id)).filter((a): a is AnnouncementAccess => !!a && can(actor, 'read', a));
}

export async function announcementForActor(em: EntityManager, actor: Actor, id: unknown): Promise<AnnouncementAccess> {
  if (!isUuid(id)) throw notFound('公告');
  const [access] = await announcementsForActor(em, actor, [id]);
  if (!access) throw notFound('公告');
  return access;
}

/**
 * The actor's groups as bulletin targets: each with whether all its members lie within the
 * actor's admin units (the policy decides what that allows).
 */
export async function bulletinTargetsForActor(em: EntityManager, actor: Actor, groupIds?: readonly string[]): Promise<BulletinTarget[]> {
  if (groupIds && !groupIds.every(isUuid)) throw notFound('群组');
  const rows = await groupsWithOutsiders(em, actor.userId, actor.adminUnitPaths, groupIds);
  const groups = await groupAccesses(em, actor, rows.map((r) => r.group_id));
  return rows.map((r) => new BulletinTarget(groups.get(r.group_id)!, actor.isSystemAdmin || !r.outside));
}
