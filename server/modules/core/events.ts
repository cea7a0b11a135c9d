import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainContext } from '../context.js';
import type { ChatEventType, OutgoingEvent, StoredEventRef } from './realtime.js';
import { conversationMemberIds, insertChatEvent } from './store.js';

interface NewEvent {
  conversationId: string;
  type: ChatEventType;
  messageId?: string | null;
  userId?: string | null;
  /** Per-user events (read state) are stored for, and delivered to, this user only. */
  onlyUserId?: string | null;
  readSeq?: number | null;
}

/**
 * Stores an event in the caller's transaction and returns it with its recipients: the
 * conversation's members as of this moment in the transaction (plus `alsoTo`, e.g. the member
 * just removed, who must learn of it), or only `onlyUserId`. Publish the result after commit.
 */
export async function recordEvent(em: EntityManager, event: NewEvent, alsoTo: string[] = []): Promise<OutgoingEvent> {
  const row = await insertChatEvent(em, {
    conversationId: event.conversationId,
    type: event.type,
    messageId: event.messageId ?? null,
    userId: event.userId ?? null,
    onlyUserId: event.onlyUserId ?? null,
    data: event.readSeq === undefined || event.readSeq === null ? null : JSON.stringify({ readSeq: event.readSeq }),
  });
  const recipients = event.onlyUserId ? [event.onlyUserId] : await conversationMemberIds(em, event.conversationId);
  const stored: StoredEventRef = {
    id: String(row.id),
    type: event.type,
    conversationId: event.conversationId,
    at: new Date(row.at),
    messageId: event.messageId ?? null,
    userId: event.userId ?? null,
    readSeq: event.readSeq ?? null,
  };
  return { event: stored, recipients: [...new Set([...recipients, ...alsoTo])] };
}

/**
 * Runs `work` in one transaction; the events it returns are published only after the commit.
 * A client never hears of a row that was rolled back.
 */
export async function inTransaction<T>(
  em: EntityManager,
  publish: (events: OutgoingEvent[]) => Promise<void>,
  work: (tem: EntityManager, emit: (event: OutgoingEvent) => void) => Promise<T>,
): Promise<T> {
  const queued: OutgoingEvent[] = [];
  const result = await em.transactional((tem) => work(tem, (event) => queued.push(event)));
  if (queued.length) await publish(queued);
  return result;
}

/** What inTransaction publishes with after commit: the request's realtime publisher. */
export const publisherOf =
  (ctx: DomainContext) =>
  (events: OutgoingEvent[]): Promise<void> =>
    ctx.deps.realtime.publish(events);
