import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationKind } from '../../db/entities/index.js';
import { badInput } from '../../errors.js';
import { requireActor, type DomainContext } from '../context.js';
import { pageSize, decodeTypedCursor, toPage, type Page, type PageArgs } from '../pagination.js';
import type { OutgoingEvent } from '../core/realtime.js';
import { mayReadSql } from '../../policies/index.js';

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
  const rows = await em.execute<Array<{ id: string; user_id: string; created_at: Date }>>(
    `insert into notification (user_id, kind, actor_id, group_id, thread_id, reply_id, conversation_id, subject_id, data, created_at)
     select u, ?, ?, ?, ?, ?, ?, ?, ?, now() from unnest(?::uuid[]) as u
     returning id, user_id, created_at`,
    [n.kind, n.actorId, n.groupId, n.threadId ?? null, n.replyId ?? null, n.conversationId ?? null, n.subjectId ?? null, n.data ? JSON.stringify(n.data) : null, `{${userIds.join(',')}}`],
  );
  return rows.map((row) => ({
    event: { id: null, type: 'NOTIFICATION', conversationId: null, at: new Date(row.created_at), notificationId: String(row.id) },
    recipients: [row.user_id],
  }));
}

export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  actorId: string;
  groupId: string;
  threadId: string | null;
  replyId: string | null;
  conversationId: string | null;
  subjectId: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
  readAt: Date | null;
}

const columns = `n.id::text as id, n.kind, n.actor_id as "actorId", n.group_id as "groupId", n.thread_id as "threadId", n.reply_id as "replyId",
  n.conversation_id as "conversationId", n.subject_id as "subjectId", n.data, n.created_at as "createdAt", n.read_at as "readAt"`;

/**
 * Only notifications about groups the viewer still belongs to are shown: leaving a group hides
 * what it said about its threads.
 */
const stillMember = `exists (select 1 from group_member gm where gm.group_id = n.group_id and gm.user_id = n.user_id)
  -- ... and about threads they may still read (a thread raised to restricted vanishes for the rest).
  and (n.thread_id is null or exists (select 1 from thread t where t.id = n.thread_id and ${mayReadSql('t.id', 't.confidentiality', 't.author_id', 't.group_id', 'n.user_id')}))`;

export async function loadNotifications(em: EntityManager, ids: string[]): Promise<Map<string, NotificationRow>> {
  if (!ids.length) return new Map();
  const rows = await em.execute<NotificationRow[]>(`select ${columns} from notification n where n.id in (?)`, [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function listNotifications(ctx: DomainContext, args: PageArgs & { unreadOnly?: boolean | null }): Promise<Page<NotificationRow>> {
  const actor = requireActor(ctx);
  const size = pageSize(args.first);
  const cursor = decodeTypedCursor(args.after, ['digits']);
  const rows = await ctx.em.execute<NotificationRow[]>(
    `select ${columns} from notification n
      where n.user_id = ? and ${stillMember} ${args.unreadOnly ? 'and n.read_at is null' : ''} ${cursor ? 'and n.id < ?' : ''}
      order by n.id desc limit ?`,
    [actor.userId, ...(cursor ? [String(cursor[0])] : []), size + 1],
  );
  return toPage(rows, size, (r) => [r.id]);
}

export async function unreadNotificationCount(em: EntityManager, userId: string): Promise<number> {
  const [row] = await em.execute<Array<{ count: string }>>(`select count(*) as count from notification n where n.user_id = ? and n.read_at is null and ${stillMember}`, [userId]);
  return Number(row.count);
}

/** Marks the given notifications (or all) read; answers how many changed. */
export async function markNotificationsRead(ctx: DomainContext, ids: unknown[] | null | undefined): Promise<number> {
  const actor = requireActor(ctx);
  if (ids && (!ids.length || ids.length > 500 || !ids.every((id) => /^\d{1,18}$/.test(String(id))))) throw badInput('通知编号无效', 'ids');
  const changed = await ctx.em.execute<Array<{ id: string }>>(
    `update notification set read_at = now() where user_id = ? and read_at is null ${ids ? 'and id in (?)' : ''} returning id`,
    ids ? [actor.userId, ids.map(String)] : [actor.userId],
  );
  return changed.length;
}

/** Opening a thread reads the notifications about it. */
export async function markThreadNotificationsRead(em: EntityManager, userId: string, threadId: string): Promise<void> {
  await em.execute(`update notification set read_at = now() where user_id = ? and thread_id = ? and read_at is null`, [userId, threadId]);
}
