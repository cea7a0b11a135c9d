import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotificationKind } from '../../db/entities/index.js';
import { rows, sql, sqlText } from '../../db/statement.js';
import { mayReadSql, notificationShownSql } from '../../policies/index.js';

/** Notifications' SQL: one insert per batch of recipients (unnest), and lists filtered in SQL. */

const COLUMNS = sqlText(`n.id::text as id, n.kind, n.actor_id as "actorId", n.group_id as "groupId", n.thread_id as "threadId", n.reply_id as "replyId",
  n.conversation_id as "conversationId", n.subject_id as "subjectId", n.data, n.created_at as "createdAt", n.read_at as "readAt"`);

/** The notifications a person is shown: the policy's rule (policies/groups.ts `notificationShownSql`)... */
const SHOWN = sql`${notificationShownSql()}
  -- ... and about threads they may still read (a thread raised to restricted vanishes for the rest).
  and (n.thread_id is null or exists (select 1 from thread t where t.id = n.thread_id and ${mayReadSql('t.id', 't.confidentiality', 't.author_id', 't.group_id', 'n.user_id')}))`;

export interface NewNotification {
  kind: NotificationKind;
  actorId: string;
  groupId: string;
  threadId: string | null;
  replyId: string | null;
  conversationId: string | null;
  subjectId: string | null;
  data: Record<string, unknown> | null;
}

/** A stored notification as lists show it. */
export interface NotificationRow extends NewNotification {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}

/** One notification per recipient. */
export function insertNotifications(em: EntityManager, n: NewNotification, userIds: string[]) {
  return rows<{ id: string; user_id: string; created_at: Date }>(
    em,
    sql`insert into notification (user_id, kind, actor_id, group_id, thread_id, reply_id, conversation_id, subject_id, data, created_at)
     select u, ${n.kind}, ${n.actorId}, ${n.groupId}, ${n.threadId}, ${n.replyId}, ${n.conversationId}, ${n.subjectId}, ${n.data ? JSON.stringify(n.data) : null}, now() from unnest(${`{${userIds.join(',')}}`}::uuid[]) as u
     returning id, user_id, created_at`,
  );
}

export function notificationsByIds(em: EntityManager, ids: string[]) {
  return rows<NotificationRow>(em, sql`select ${COLUMNS} from notification n where n.id in (${ids})`);
}

/** A page (plus one row) of a person's notifications they may still see, newest first. */
export function notificationPage(em: EntityManager, userId: string, unreadOnly: boolean, beforeId: string | null, limit: number) {
  return rows<NotificationRow>(
    em,
    sql`select ${COLUMNS} from notification n
      where n.user_id = ${userId} and ${SHOWN} ${sqlText(unreadOnly ? 'and n.read_at is null' : '')} ${beforeId ? sql`and n.id < ${beforeId}` : sqlText('')}
      order by n.id desc limit ${limit}`,
  );
}

export async function unreadNotificationCount(em: EntityManager, userId: string): Promise<number> {
  const [row] = await rows<{ count: string }>(em, sql`select count(*) as count from notification n where n.user_id = ${userId} and n.read_at is null and ${SHOWN}`);
  return Number(row.count);
}

/** Marks a person's notifications read (the given ones, or all); answers how many changed. */
export async function markRead(em: EntityManager, userId: string, ids: string[] | null): Promise<number> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update notification set read_at = now() where user_id = ${userId} and read_at is null ${ids ? sql`and id in (${ids})` : sqlText('')} returning id`,
  );
  return changed.length;
}

/** Opening a thread reads the notifications about it. */
export async function markThreadNotificationsRead(em: EntityManager, userId: string, threadId: string): Promise<void> {
  await rows(em, sql`update notification set read_at = now() where user_id = ${userId} and thread_id = ${threadId} and read_at is null`);
}

/** Everyone's notifications of one kind about one subject are read (e.g. an application once decided). */
export async function markSubjectReadForAll(em: EntityManager, kind: NotificationKind, subjectIds: string | string[]): Promise<string[]> {
  const ids = typeof subjectIds === 'string' ? [subjectIds] : subjectIds;
  if (!ids.length) return [];
  const changed = await rows<{ user_id: string }>(em, sql`update notification set read_at = now() where kind = ${kind} and subject_id in (${ids}) and read_at is null returning user_id`);
  return [...new Set(changed.map((r) => r.user_id))];
}
