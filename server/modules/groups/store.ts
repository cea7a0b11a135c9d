import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, Conversation, type GroupRole } from '../../db/entities/index.js';
import { entityColumns, query } from '../../db/sql.js';
import { joinSql, rows, sql, sqlText, type Statement } from '../../db/statement.js';
import { leadsGroupSql } from '../../policies/index.js';

/** Groups' SQL: access, membership changes under the group's row lock, invitations and applications, and the lists' keyset pages. */

export interface GroupStandingRow {
  role: GroupRole | null;
  muted_until: Date | null;
  invited: boolean;
  banned: boolean;
}

/** The viewer's standing in many groups, for the per-request access loader (server/graphql/viewerAccess.ts): role and mute, pending invitations, active bans (three statements, in parallel). */
export async function viewerGroupStanding(em: EntityManager, userId: string, groupIds: string[]) {
  const [roles, invites, bans] = await Promise.all([
    rows<{ group_id: string; role: GroupRole | null; muted_until: Date | null }>(em, sql`select group_id, role, muted_until from group_member where user_id = ${userId} and group_id in (${groupIds})`),
    rows<{ group_id: string }>(em, sql`select group_id from group_invitation where invitee_id = ${userId} and status = 'pending' and group_id in (${groupIds})`),
    rows<{ group_id: string }>(em, sql`select group_id from moderation_sanction where user_id = ${userId} and kind = 'ban' and revoked_at is null and group_id in (${groupIds})`),
  ]);
  return { roles, invites, bans };
}

/** A user's role and mute in a group, pending invitation and active ban (one row, also for a non-member). */
export async function groupStanding(em: EntityManager, groupId: string, userId: string): Promise<GroupStandingRow | undefined> {
  const [row] = await rows<GroupStandingRow>(
    em,
    sql`select gm.role, gm.muted_until,
            exists(select 1 from group_invitation where group_id = ${groupId} and invitee_id = ${userId} and status = 'pending') as invited,
            exists(select 1 from moderation_sanction where group_id = ${groupId} and user_id = ${userId} and kind = 'ban' and revoked_at is null) as banned
       from (select 1) one left join group_member gm on gm.group_id = ${groupId} and gm.user_id = ${userId}`,
  );
  return row;
}

export interface ConversationAccessRow {
  conversation_id: string;
  role: GroupRole | null;
  muted_until: Date | null;
  peer_id: string | null;
  discussion_id: string | null;
  discussion_archived_at: Date | null;
  /** The conversation's and the group's columns, as db/sql.ts `entityColumns` picks them (group: null when none). */
  conversation: Record<string, unknown>;
  group: Record<string, unknown> | null;
}

/**
 * The user's membership, role, peer, and the conversation and group rows of the conversations
 * they are a member of, in one prepared statement. (Entity columns read past the ORM: a tenth of
 * the cost of loading entities.)
 */
export async function conversationAccessRows(em: EntityManager, conversationIds: string[], userId: string): Promise<ConversationAccessRow[]> {
  const c = entityColumns(em, Conversation, 'c');
  const g = entityColumns(em, ChatGroup, 'g');
  const found = await query<Record<string, unknown> & Omit<ConversationAccessRow, 'conversation' | 'group'>>(
    em,
    'jiaoliu_conversations_for_actor_v2',
    sql`select cm.conversation_id, gm.role, gm.muted_until, d.id as discussion_id, d.archived_at as discussion_archived_at, ${sqlText(c.sql)}, ${sqlText(g.sql)},
            (select o.user_id from conversation_member o where o.conversation_id = cm.conversation_id and o.user_id <> cm.user_id and c.kind = 'direct' limit 1) as peer_id
       from conversation_member cm
       join conversation c on c.id = cm.conversation_id
       left join discussion_group d on d.conversation_id = c.id
       -- A group's conversation, or the group a discussion group belongs to.
       left join lateral (select * from chat_group where conversation_id = c.id
                           union all select * from chat_group where id = d.group_id limit 1) g on true
       left join group_member gm on gm.group_id = g.id and gm.user_id = cm.user_id
      where cm.conversation_id = any(${conversationIds}::uuid[]) and cm.user_id = ${userId}
        -- A discussion group is only for current members of its group.
        and (d.id is null or gm.user_id is not null)`,
  );
  return found.map((row) => ({
    conversation_id: row.conversation_id,
    role: row.role,
    muted_until: row.muted_until,
    peer_id: row.peer_id,
    discussion_id: row.discussion_id,
    discussion_archived_at: row.discussion_archived_at,
    conversation: c.pick(row)!,
    group: g.pick(row),
  }));
}

/** The group's size and limit, locked: concurrent joins cannot push it past its limit (the caller's transaction). */
export async function lockGroupSize(em: EntityManager, groupId: string): Promise<{ member_count: number; max_members: number }> {
  const [locked] = await rows<{ member_count: number; max_members: number }>(em, sql`select member_count, max_members from chat_group where id = ${groupId} for update`);
  return locked;
}

/** Adds a group member with the rules accepted now (false when they were one already). */
export async function insertGroupMember(em: EntityManager, groupId: string, userId: string, role: GroupRole): Promise<boolean> {
  const inserted = await rows(
    em,
    sql`insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (${groupId}, ${userId}, ${role}, now(), now()) on conflict do nothing returning user_id`,
  );
  return inserted.length > 0;
}

export async function isBanned(em: EntityManager, groupId: string, userId: string): Promise<boolean> {
  const [ban] = await rows<{ banned: boolean }>(
    em,
    sql`select exists(select 1 from moderation_sanction where group_id = ${groupId} and user_id = ${userId} and kind = 'ban' and revoked_at is null) as banned`,
  );
  return !!ban?.banned;
}

/** Adds a conversation member whose read cursor starts at the newest message. */
export async function joinConversationAtLatest(em: EntityManager, conversationId: string, userId: string): Promise<void> {
  const [{ last_seq }] = await rows<{ last_seq: number }>(em, sql`select last_seq from conversation where id = ${conversationId}`);
  await rows(em, sql`insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (${conversationId}, ${userId}, ${last_seq}, now())`);
}

export async function changeMemberCount(em: EntityManager, groupId: string, by: 1 | -1): Promise<void> {
  await rows(em, by > 0 ? sql`update chat_group set member_count = member_count + 1 where id = ${groupId}` : sql`update chat_group set member_count = member_count - 1 where id = ${groupId}`);
}

/** Removes a group member (false when they were not one). */
export async function deleteGroupMember(em: EntityManager, groupId: string, userId: string): Promise<boolean> {
  const removed = await rows(em, sql`delete from group_member where group_id = ${groupId} and user_id = ${userId} returning user_id`);
  return removed.length > 0;
}

export async function deleteConversationMember(em: EntityManager, conversationId: string, userId: string): Promise<void> {
  await rows(em, sql`delete from conversation_member where conversation_id = ${conversationId} and user_id = ${userId}`);
}

/** Takes the person out of the group's discussion groups; their conversations. */
export async function leaveDiscussions(em: EntityManager, groupId: string, userId: string): Promise<string[]> {
  const left = await rows<{ conversation_id: string }>(
    em,
    sql`delete from conversation_member cm using discussion_group d
      where d.conversation_id = cm.conversation_id and d.group_id = ${groupId} and cm.user_id = ${userId} returning cm.conversation_id`,
  );
  return left.map((r) => r.conversation_id);
}

/** Decides a pending application (false when it was decided already). */
export async function decideApplication(em: EntityManager, applicationId: string, status: 'approved' | 'rejected', reason: string | null, reviewerId: string): Promise<boolean> {
  const decided = await rows(
    em,
    sql`update group_application set status = ${status}, reason = ${reason}, reviewed_by_id = ${reviewerId}, reviewed_at = now() where id = ${applicationId} and status = 'pending' returning id`,
  );
  return decided.length > 0;
}

/** Withdraws a pending application (false when it was decided already). */
export async function withdrawPendingApplication(em: EntityManager, applicationId: string): Promise<boolean> {
  const changed = await rows(em, sql`update group_application set status = 'withdrawn' where id = ${applicationId} and status = 'pending' returning id`);
  return changed.length > 0;
}

/** Accepts a pending invitation (false when it was answered already). */
export async function acceptPendingInvitation(em: EntityManager, invitationId: string): Promise<boolean> {
  const taken = await rows(em, sql`update group_invitation set status = 'accepted', responded_at = now() where id = ${invitationId} and status = 'pending' returning id`);
  return taken.length > 0;
}

export async function declinePendingInvitation(em: EntityManager, invitationId: string): Promise<void> {
  await rows(em, sql`update group_invitation set status = 'declined', responded_at = now() where id = ${invitationId} and status = 'pending'`);
}

/** Hands the group from its owner to a member (the owner becomes an admin). */
export async function transferOwner(em: EntityManager, groupId: string, ownerId: string, newOwnerId: string): Promise<void> {
  await rows(em, sql`update group_member set role = 'admin' where group_id = ${groupId} and user_id = ${ownerId}`);
  await rows(em, sql`update group_member set role = 'owner' where group_id = ${groupId} and user_id = ${newOwnerId}`);
  await rows(em, sql`update chat_group set owner_id = ${newOwnerId} where id = ${groupId}`);
}

export async function groupIdsOf(em: EntityManager, userId: string): Promise<string[]> {
  const found = await rows<{ group_id: string }>(em, sql`select group_id from group_member where user_id = ${userId}`);
  return found.map((r) => r.group_id);
}

/**
 * A page of the groups a user may find (listed ones and their own) by pinyin name: `pattern` an
 * ilike pattern on name or purpose (`pinyin`: letters also found in the name's pinyin key),
 * `after` the keyset (name, id) to continue from.
 */
export function findGroupRows(em: EntityManager, userId: string, pattern: string | null, after: [string, string] | null, limit: number, pinyin: string | null = null): Promise<Array<{ id: string; name: string }>> {
  const where: Statement[] = [sql`(g.visibility = 'listed' or exists (select 1 from group_member m where m.group_id = g.id and m.user_id = ${userId}))`];
  const py = pinyin ? sql` or g.name_pinyin like ${`%${pinyin}%`}` : sqlText('');
  if (pattern) where.push(sql`(g.name ilike ${pattern} or g.purpose ilike ${pattern}${py})`);
  if (after) where.push(sql`(g.name collate "pinyin", g.id) > (${after[0]} collate "pinyin", ${after[1]}::uuid)`);
  return rows<{ id: string; name: string }>(em, sql`select g.id, g.name from chat_group g where ${joinSql(where, ' and ')} order by g.name collate "pinyin", g.id limit ${limit}`);
}

/**
 * Members whose real name or login name contains `text` (an ilike pattern of it in `contains`,
 * one that starts with it in `prefix`): those starting with it first, then by name.
 */
/** The members whose real name or login name matches `contains`, in the search's order. */
const memberMatches = (groupId: string, contains: string, prefix: string): Statement =>
  sql`select gm.user_id, case when u.real_name ilike ${prefix} or u.login_name ilike ${prefix} then 0 else 1 end as rank, u.real_name
      from group_member gm join app_user u on u.id = gm.user_id
      where gm.group_id = ${groupId} and (u.real_name ilike ${contains} or u.login_name ilike ${contains})`;

/**
 * A page of the members matching a search: those starting with it first, then by name (pinyin),
 * then user id; `after` the keyset (rank, real name, user id).
 */
export function memberSearchRows(em: EntityManager, groupId: string, contains: string, prefix: string, after: [number, string, string] | null, limit: number): Promise<Array<{ user_id: string; rank: number; real_name: string }>> {
  const keyset = after ? sql`where (m.rank, m.real_name collate "pinyin", m.user_id) > (${after[0]}::int, ${after[1]}::text, ${after[2]}::uuid)` : sqlText('');
  return rows<{ user_id: string; rank: number; real_name: string }>(
    em,
    sql`select m.user_id, m.rank, m.real_name from (${memberMatches(groupId, contains, prefix)}) m ${keyset} order by m.rank, m.real_name collate "pinyin", m.user_id limit ${limit}`,
  );
}

/** How many members match a search. */
export async function memberSearchCount(em: EntityManager, groupId: string, contains: string): Promise<number> {
  const [row] = await rows<{ n: string }>(em, sql`select count(*) as n from (${memberMatches(groupId, contains, contains)}) m`);
  return Number(row.n);
}

const MEMBER_RANK = sqlText(`case gm.role when 'owner' then 0 when 'admin' then 1 else 2 end`);

/** A page of a group's members: owner first, then admins, then by join date; `after` the keyset (rank, joined at, user id). */
export function memberPageRows(em: EntityManager, groupId: string, after: [number, string, string] | null, limit: number): Promise<Array<{ user_id: string; rank: number; joined_at: Date }>> {
  const keyset = after ? sql`and (${MEMBER_RANK}, gm.joined_at, gm.user_id) > (${after[0]}, ${after[1]}::timestamptz, ${after[2]}::uuid)` : sqlText('');
  return rows<{ user_id: string; rank: number; joined_at: Date }>(
    em,
    sql`select gm.user_id, ${MEMBER_RANK} as rank, gm.joined_at from group_member gm where gm.group_id = ${groupId} ${keyset} order by 2, gm.joined_at, gm.user_id limit ${limit}`,
  );
}

/** The owner and admins of a group: who reviews its applications. */
export async function groupRunnerIds(em: EntityManager, groupId: string): Promise<string[]> {
  const found = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and ${leadsGroupSql('role')}`);
  return found.map((r) => r.user_id);
}
