import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationKind } from '../../db/entities/index.js';
import { badInput } from '../../errors.js';
import { requireActor, type DomainContext } from '../context.js';
import { pageSize, decodeTypedCursor, toPage, type Page, type PageArgs } from '../pagination.js';
import type { OutgoingEvent } from '../core/realtime.js';
import { insertNotifications, markRead, notificationPage, notificationsByIds, type NotificationRow } from './store.js';

export { markSubjectReadForAll, markThreadNotificationsRead, unreadNotificationCount, type NotificationRow } from './store.js';

interface NewNotifications {
  kind: NotificationKind;
  userIds: string[];
  actorId: string;
  groupId: string;
  threadId?: string | null;
  replyId?: string | null;
  conversationId?: string | null;
  subjectId?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * Writes notifications in the caller's transaction and returns one live event per recipient,
 * to publish after commit. The actor is never notified of their own doing.
 */
export async function notify(em: EntityManager, n: NewNotifications): Promise<OutgoingEvent[]> {
  const userIds = [...new Set(n.userIds)].filter((id) => id !== n.actorId);
  if (!userIds.length) return [];
  const rows = await insertNotifications(
    em,
    { kind: n.kind, actorId: n.actorId, groupId: n.groupId, threadId: n.threadId ?? null, replyId: n.replyId ?? null, conversationId: n.conversationId ?? null, subjectId: n.subjectId ?? null, data: n.data ?? null },
    userIds,
  );
  return rows.map((row) => ({
    event: { id: null, type: 'NOTIFICATION', conversationId: null, at: new Date(row.created_at), notificationId: String(row.id) },
    recipients: [row.user_id],
  }));
}

/**
 * The live event telling people some of their notifications changed without a new one (read for
 * them, or about something withdrawn): their clients ask for the unread count (and invitations) again.
 */
export function notificationsChanged(userIds: string[]): OutgoingEvent[] {
  const recipients = [...new Set(userIds)];
  return recipients.length ? [{ event: { id: null, type: 'NOTIFICATIONS_CHANGED', conversationId: null, at: new Date() }, recipients }] : [];
}

export async function loadNotifications(em: EntityManager, ids: string[]): Promise<Map<string, NotificationRow>> {
  if (!ids.length) return new Map();
  const rows = await notificationsByIds(em, ids);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function listNotifications(ctx: DomainContext, args: PageArgs & { unreadOnly?: boolean | null }): Promise<Page<NotificationRow>> {
  const actor = requireActor(ctx);
  const size = pageSize(args.first);
  const cursor = decodeTypedCursor(args.after, ['digits']);
  const rows = await notificationPage(ctx.em, actor.userId, !!args.unreadOnly, cursor ? String(cursor[0]) : null, size + 1);
  return toPage(rows, size, (r) => [r.id]);
}

/** Marks the given notifications (or all) read; answers how many changed. */
export async function markNotificationsRead(ctx: DomainContext, ids: unknown[] | null | undefined): Promise<number> {
  const actor = requireActor(ctx);
  if (ids && (!ids.length || ids.length > 500 || !ids.every((id) => /^\d{1,18}$/.test(String(id))))) throw badInput('通知编号无效', 'ids');
  return markRead(ctx.em, actor.userId, ids ? ids.map(String) : null);
}
