import type { EntityManager } from '@mikro-orm/postgresql';
import type { GroupRole } from '../../../db/entities/index.js';
import { rows, sql, sqlText } from '../../../db/statement.js';

/** Group members and units as meetings and announcements read them: roles, invitees, bulletin reach. */

/** The user's role in each of the groups they are in, among `groupIds`. */
export function memberRoles(em: EntityManager, userId: string, groupIds: string[]): Promise<Array<{ group_id: string; role: GroupRole }>> {
  return rows(em, sql`select group_id, role from group_member where user_id = ${userId} and group_id in (${groupIds})`);
}

/**
 * The user's groups (among `groupIds`, when given), each with whether a member's unit lies
 * outside every one of `unitPaths` (materialised paths; their subtrees count as inside).
 */
export function groupsWithOutsiders(em: EntityManager, userId: string, unitPaths: readonly string[], groupIds?: readonly string[]): Promise<Array<{ group_id: string; outside: boolean }>> {
  const patterns = unitPaths.map((p) => `${p.replace(/[\\%_]/g, '\\$&')}%`);
  const patternArray = `{${patterns.map((p) => `"${p.replace(/"/g, '\\"')}"`).join(',')}}`;
  const among = groupIds ? sql`and gm.group_id in (${groupIds.length ? [...groupIds] : ['00000000-0000-0000-0000-000000000000']})` : sqlText('');
  return rows(
    em,
    sql`select gm.group_id,
            exists (select 1 from group_member o join app_user u on u.id = o.user_id join org_unit ou on ou.id = u.unit_id
                     where o.group_id = gm.group_id and not (ou.path like any (${patternArray}::text[]))) as outside
       from group_member gm
      where gm.user_id = ${userId} ${among}`,
  );
}

export async function groupMemberIds(em: EntityManager, groupId: string): Promise<string[]> {
  const members = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId}`);
  return members.map((r) => r.user_id);
}

export async function groupMemberIdsExcept(em: EntityManager, groupId: string, exceptUserId: string): Promise<string[]> {
  const members = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id <> ${exceptUserId}`);
  return members.map((r) => r.user_id);
}

/** The group's members among `userIds`. */
export async function groupMembersAmong(em: EntityManager, groupId: string, userIds: string[]): Promise<string[]> {
  const members = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id in (${userIds})`);
  return members.map((r) => r.user_id);
}

export async function isGroupMember(em: EntityManager, groupId: string, userId: string): Promise<boolean> {
  const [member] = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id = ${userId}`);
  return !!member;
}

export function unitPaths(em: EntityManager, unitIds: string[]): Promise<Array<{ id: string; path: string }>> {
  return rows(em, sql`select id, path from org_unit where id in (${unitIds})`);
}

/** The group's members (but one) whose unit is at or below one of the unit paths. */
export async function groupMembersInUnits(em: EntityManager, groupId: string, exceptUserId: string, paths: string[]): Promise<string[]> {
  const members = await rows<{ user_id: string }>(
    em,
    sql`select gm.user_id from group_member gm
         join app_user u on u.id = gm.user_id
         join org_unit ou on ou.id = u.unit_id
        where gm.group_id = ${groupId} and gm.user_id <> ${exceptUserId} and ou.path like any (${`{${paths.map((p) => `${p}%`).join(',')}}`}::text[])`,
  );
  return members.map((r) => r.user_id);
}

/** The user's notifications about a notice or an announcement are read. */
export async function markSubjectNotificationsRead(em: EntityManager, userId: string, subjectId: string): Promise<void> {
  await rows(em, sql`update notification set read_at = now() where user_id = ${userId} and subject_id = ${subjectId} and read_at is null`);
}
