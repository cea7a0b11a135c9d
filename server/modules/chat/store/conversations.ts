import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql } from '../../../db/statement.js';

/** Private conversations, blocks, and the event log read for catch-up. */

/** Creates the private conversation of a key unless it exists (the unique key decides a race); the new id, or none. */
export async function insertDirectConversation(em: EntityManager, directKey: string): Promise<string | undefined> {
  const [created] = await rows<{ id: string }>(
    em,
    sql`insert into conversation (id, kind, last_seq, direct_key, created_at) values (gen_random_uuid(), 'direct', 0, ${directKey}, now())
       on conflict (direct_key) do nothing returning id`,
  );
  return created?.id;
}

export async function insertDirectMembers(em: EntityManager, conversationId: string, userIds: [string, string]): Promise<void> {
  await rows(
    em,
    sql`insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (${conversationId}, ${userIds[0]}, 0, now()), (${conversationId}, ${userIds[1]}, 0, now())`,
  );
}

/** A user's private conversations, newest activity first. */
export async function directConversationIds(em: EntityManager, userId: string, limit: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select c.id from conversation c join conversation_member cm on cm.conversation_id = c.id
      where cm.user_id = ${userId} and c.kind = 'direct'
      order by coalesce(c.last_message_at, c.created_at) desc limit ${limit}`,
  );
  return found.map((r) => r.id);
}

/** Blocks (true when it was not blocked before). */
export async function insertBlock(em: EntityManager, blockerId: string, blockedId: string): Promise<boolean> {
  const changed = await rows(em, sql`insert into user_block (blocker_id, blocked_id, created_at) values (${blockerId}, ${blockedId}, now()) on conflict do nothing returning blocked_id`);
  return changed.length > 0;
}

/** Unblocks (true when it was blocked). */
export async function deleteBlock(em: EntityManager, blockerId: string, blockedId: string): Promise<boolean> {
  const changed = await rows(em, sql`delete from user_block where blocker_id = ${blockerId} and blocked_id = ${blockedId} returning blocked_id`);
  return changed.length > 0;
}

/** Which of `userIds` the blocker has blocked. */
export async function blockedAmong(em: EntityManager, blockerId: string, userIds: string[]): Promise<string[]> {
  const found = await rows<{ blocked_id: string }>(em, sql`select blocked_id from user_block where blocker_id = ${blockerId} and blocked_id in (${userIds})`);
  return found.map((r) => r.blocked_id);
}

/** The newest stored event's id (null when there is none). */
export async function newestEventId(em: EntityManager): Promise<string | null> {
  const [row] = await rows<{ id: string | null }>(em, sql`select max(id) as id from chat_event`);
  return row?.id ?? null;
}

export interface EventRow {
  id: string;
  conversation_id: string;
  type: string;
  message_id: string | null;
  user_id: string | null;
  data: { readSeq?: number } | null;
  at: Date;
}

/** Stored events after a cursor in the conversations the user is in now (per-user ones only for that user), oldest first. */
export function eventRowsAfter(em: EntityManager, userId: string, cursor: string, limit: number): Promise<EventRow[]> {
  return rows<EventRow>(
    em,
    sql`select e.id, e.conversation_id, e.type, e.message_id, e.user_id, e.data, e.at
       from chat_event e
       join conversation_member cm on cm.conversation_id = e.conversation_id and cm.user_id = ${userId}
      where e.id > ${cursor} and (e.only_user_id is null or e.only_user_id = ${userId})
      order by e.id limit ${limit}`,
  );
}
