import { requireActor, type DomainContext } from '../context.js';
import type { StoredEventRef } from '../core/realtime.js';

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
  const [row] = await ctx.em.execute<Array<{ id: string | null }>>(`select max(id) as id from chat_event`);
  return String(row?.id ?? 0);
}

/**
 * Stored events after a cursor, in conversations the viewer is in now (per-user ones only for
 * that user). A cursor that is not ours (garbage, or ahead of the log) asks for a resync.
 */
export async function eventsAfter(ctx: DomainContext, after: unknown): Promise<CatchUp> {
  const actor = requireActor(ctx);
  const cursor = String(after ?? '');
  const [{ max }] = await ctx.em.execute<Array<{ max: string | null }>>(`select max(id) as max from chat_event`);
  const newest = BigInt(max ?? 0);
  if (!/^\d{1,19}$/.test(cursor) || BigInt(cursor) > newest) return { events: [], cursor: String(newest), hasMore: false, resyncRequired: true };
  const rows = await ctx.em.execute<Array<{ id: string; conversation_id: string; type: string; message_id: string | null; user_id: string | null; data: { readSeq?: number } | null; at: Date }>>(
    `select e.id, e.conversation_id, e.type, e.message_id, e.user_id, e.data, e.at
       from chat_event e
       join conversation_member cm on cm.conversation_id = e.conversation_id and cm.user_id = ?
      where e.id > ? and (e.only_user_id is null or e.only_user_id = ?)
      order by e.id limit ?`,
    [actor.userId, cursor, actor.userId, PAGE + 1],
  );
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
