import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql } from '../../db/statement.js';
import type { ChatEventType } from './realtime.js';

/** The shared core's SQL: the chat event log and conversation membership. */

export interface NewEventRow {
  conversationId: string;
  type: ChatEventType;
  messageId: string | null;
  userId: string | null;
  onlyUserId: string | null;
  /** JSON text, or null. */
  data: string | null;
}

/** Stores an event (in the caller's transaction); its id and time. */
export async function insertChatEvent(em: EntityManager, event: NewEventRow): Promise<{ id: string; at: Date }> {
  const [row] = await rows<{ id: string; at: Date }>(
    em,
    sql`insert into chat_event (conversation_id, type, message_id, user_id, only_user_id, data, at)
     values (${event.conversationId}, ${event.type}, ${event.messageId}, ${event.userId}, ${event.onlyUserId}, ${event.data}, now()) returning id, at`,
  );
  return row;
}

export async function conversationMemberIds(em: EntityManager, conversationId: string): Promise<string[]> {
  const found = await rows<{ user_id: string }>(em, sql`select user_id from conversation_member where conversation_id = ${conversationId}`);
  return found.map((r) => r.user_id);
}
