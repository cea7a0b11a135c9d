import { requireActor, type DomainContext } from '../context.js';
import type { StoredEventRef } from '../core/realtime.js';
import { eventRowsAfter, newestEventId } from './store/conversations.js';

const PAGE = 500;

export interface CatchUp {
  events: StoredEventRef[];
  cursor: string;
  hasMore: boolean;
  resyncRequired: boolean;
}

/** The newest event id: a client subscribes, then keeps this to catch up after a drop. */
export async function currentCursor(ctx: DomainContext): Promise<string> {
  requireActor(ctx);
  return String((await newestEventId(ctx.em)) ?? 0);
}

/**
 * Stored events after a cursor, in conversations the viewer is in now (per-user ones only for
 * that user). A cursor that is not ours (garbage, or ahead of the log) asks for a resync.
 */
export async function eventsAfter(ctx: DomainContext, after: unknown): Promise<CatchUp> {
  const actor = requireActor(ctx);
  const cursor = String(after ?? '');
  const newest = BigInt((await newestEventId(ctx.em)) ?? 0);
  if (!/^\d{1,19}$/.test(cursor) || BigInt(cursor) > newest) return { events: [], cursor: String(newest), hasMore: false, resyncRequired: true };
  const rows = await eventRowsAfter(ctx.em, actor.userId, cursor, PAGE + 1);
  const hasMore = rows.length > PAGE;
  const page = rows.slice(0, PAGE);
  return {
    events: page.map((r) => ({
      id: String(r.id),
      type: r.type as StoredEventRef['type'],
      conversationId: r.conversation_id,
      at: new Date(r.at),
      messageId: r.message_id,
      userId: r.user_id,
      readSeq: r.data?.readSeq ?? null,
    })),
    cursor: page.length ? String(page[page.length - 1].id) : cursor,
    hasMore,
    resyncRequired: false,
  };
}
