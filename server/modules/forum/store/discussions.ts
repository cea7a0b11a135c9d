import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql, sqlText } from '../../../db/statement.js';

/** Discussion groups' SQL: each is a conversation of its own, with members drawn from the group. */

/** The group's members among `userIds` (`forShare`: under share locks, so a removal waits or wins). */
export async function groupMembersAmong(em: EntityManager, groupId: string, userIds: string[], forShare = false): Promise<string[]> {
  const members = forShare
    ? await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id in (${userIds}) for share`)
    : await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id in (${userIds})`);
  return members.map((m) => m.user_id);
}

/** Whether the user is a member of the group, under a share lock on the membership. */
export async function isGroupMemberLocked(em: EntityManager, groupId: string, userId: string): Promise<boolean> {
  const [member] = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id = ${userId} for share`);
  return !!member;
}

export async function isConversationMember(em: EntityManager, conversationId: string, userId: string): Promise<boolean> {
  const [row] = await rows<{ member: boolean }>(em, sql`select exists(select 1 from conversation_member where conversation_id = ${conversationId} and user_id = ${userId}) as member`);
  return !!row?.member;
}

export async function insertDiscussionConversation(em: EntityManager): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(em, sql`insert into conversation (id, kind, last_seq, created_at) values (gen_random_uuid(), 'discussion', 0, now()) returning id`);
  return id;
}

export async function insertDiscussion(em: EntityManager, d: { groupId: string; conversationId: string; topic: string; creatorId: string }): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into discussion_group (id, group_id, conversation_id, topic, creator_id, created_at) values (gen_random_uuid(), ${d.groupId}, ${d.conversationId}, ${d.topic}, ${d.creatorId}, now()) returning id`,
  );
  return id;
}

export async function insertConversationMember(em: EntityManager, conversationId: string, userId: string): Promise<void> {
  await rows(em, sql`insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (${conversationId}, ${userId}, 0, now())`);
}

/** Adds the users to the conversation; those who were not in it yet. */
export async function addConversationMembers(em: EntityManager, conversationId: string, userIds: string[]): Promise<string[]> {
  const added = await rows<{ user_id: string }>(
    em,
    sql`insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at)
     select ${conversationId}, u, 0, now() from unnest(${`{${userIds.join(',')}}`}::uuid[]) as u on conflict do nothing returning user_id`,
  );
  return added.map((r) => r.user_id);
}

/** Removes the user from the conversation; false when they were not in it. */
export async function removeConversationMember(em: EntityManager, conversationId: string, userId: string): Promise<boolean> {
  const removed = await rows<{ user_id: string }>(em, sql`delete from conversation_member where conversation_id = ${conversationId} and user_id = ${userId} returning user_id`);
  return removed.length > 0;
}

/** Locks the discussion's row; whether it is archived. */
export async function lockDiscussionArchived(em: EntityManager, discussionId: string): Promise<boolean> {
  const [row] = await rows<{ archived_at: Date | null }>(em, sql`select archived_at from discussion_group where id = ${discussionId} for update`);
  return !!row.archived_at;
}

/** Locks the conversation's row (sends take it too). */
export async function lockConversation(em: EntityManager, conversationId: string): Promise<void> {
  await rows(em, sql`select id from conversation where id = ${conversationId} for update`);
}

/** Archives or reopens; false when it already was so. */
export async function changeDiscussionArchived(em: EntityManager, discussionId: string, archived: boolean): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update discussion_group set archived_at = ${sqlText(archived ? 'now()' : 'null')} where id = ${discussionId} and archived_at is ${sqlText(archived ? '' : 'not')} null returning id`,
  );
  return changed.length > 0;
}

/** The user's discussion groups within a group, open ones first, newest first. */
export async function discussionIdsOf(em: EntityManager, userId: string, groupId: string, includeArchived: boolean): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select d.id from discussion_group d join conversation_member cm on cm.conversation_id = d.conversation_id and cm.user_id = ${userId}
      where d.group_id = ${groupId} ${sqlText(includeArchived ? '' : 'and d.archived_at is null')}
      order by d.archived_at is not null, d.created_at desc`,
  );
  return found.map((r) => r.id);
}
