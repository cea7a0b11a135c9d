import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql.js';
import { PERSON_COLUMNS, personJoin, type PersonRow } from '../accounts/people.js';
import { MESSAGE_ROW_COLUMNS, READER_COLUMNS, type MessageRow } from './messageViews.js';

/**
 * Chat's SQL for the GraphQL presenters: plain rows, batched over a page of groups or
 * conversations. (Set-wide reads by ids in one statement each: past the ORM's entity loading.)
 */

/** The last message of each conversation with its author, as message rows (one prepared statement). */
export function lastMessageRows(em: EntityManager, conversationIds: string[]): Promise<Array<MessageRow & PersonRow>> {
  return query<MessageRow & PersonRow>(
    em,
    'jiaoliu_last_messages_v2',
    `select ${MESSAGE_ROW_COLUMNS}, ${READER_COLUMNS}, ${PERSON_COLUMNS}
       from conversation c join message m on m.conversation_id = c.id and m.seq = c.last_seq ${personJoin('m.author_id')}
      where c.id = any($1::uuid[])`,
    [conversationIds],
  );
}

/** The group of each conversation: a group's own chat, or a discussion's parent group. */
export function groupsOfConversations(em: EntityManager, conversationIds: string[]): Promise<Array<{ conversation_id: string; group_id: string }>> {
  return em.execute<Array<{ conversation_id: string; group_id: string }>>(
    `select c.id as conversation_id, coalesce(g.id, d.group_id) as group_id from conversation c
       left join chat_group g on g.conversation_id = c.id left join discussion_group d on d.conversation_id = c.id
      where c.id in (?)`,
    [conversationIds],
  );
}

/** Which of the conversations `userId` is a member of. */
export async function memberConversations(em: EntityManager, userId: string, conversationIds: string[]): Promise<string[]> {
  const rows = await em.execute<Array<{ conversation_id: string }>>(`select conversation_id from conversation_member where user_id = ? and conversation_id in (?)`, [userId, conversationIds]);
  return rows.map((r) => r.conversation_id);
}

/** The members of many conversations, each conversation's in the order they joined. */
export function conversationMemberRows(em: EntityManager, conversationIds: string[]): Promise<Array<{ conversation_id: string; user_id: string }>> {
  return em.execute<Array<{ conversation_id: string; user_id: string }>>(
    `select conversation_id, user_id from conversation_member where conversation_id in (?) order by joined_at, user_id`,
    [conversationIds],
  );
}
