import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConfidentialityLevel } from '../../../db/entities/index.js';
import { joinSql, rows, sql, sqlText, type Statement } from '../../../db/statement.js';
import { mayReadSql } from '../../../policies/index.js';

/** Threads' SQL: rows, edits, flags, follows, restricted audiences and the keyset pages. */

/** The thread `alias` is readable by `viewerId` (the policies' confidentiality rule). */
const threadReadableBy = (alias: string, viewerId: string): Statement =>
  mayReadSql(`${alias}.id`, `${alias}.confidentiality`, `${alias}.author_id`, `${alias}.group_id`, sql`${viewerId}`);

/** The named readers of restricted threads (or other subjects), one row per reader. */
export function audienceRows(em: EntityManager, subjectIds: string[]): Promise<Array<{ subject_id: string; user_id: string }>> {
  return rows(em, sql`select subject_id, user_id from content_audience where subject_id in (${subjectIds})`);
}

/** The named readers of one restricted thread. */
export async function threadAudience(em: EntityManager, threadId: string): Promise<string[]> {
  const audience = await rows<{ user_id: string }>(em, sql`select user_id from content_audience where subject_id = ${threadId}`);
  return audience.map((a) => a.user_id);
}

/** Whether the user is still a member and the board archived, under share locks on both rows. */
export async function memberAndBoardLocked(em: EntityManager, groupId: string, userId: string, boardId: string): Promise<{ member: boolean; archived: boolean }> {
  const [still] = await rows<{ member: boolean; archived: boolean }>(
    em,
    sql`select exists(select 1 from group_member where group_id = ${groupId} and user_id = ${userId} for share) as member,
              (select archived_at is not null from board where id = ${boardId} for share) as archived`,
  );
  return still;
}

export interface NewThread {
  groupId: string;
  boardId: string;
  authorId: string;
  title: string;
  body: string;
  searchVector: string | null;
  confidentiality: ConfidentialityLevel;
}

export async function insertThread(em: EntityManager, t: NewThread): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into thread (id, group_id, board_id, author_id, title, body, created_at, last_activity_at, search_vector, confidentiality)
       values (gen_random_uuid(), ${t.groupId}, ${t.boardId}, ${t.authorId}, ${t.title}, ${t.body}, now(), now(), ${t.searchVector}::tsvector, ${t.confidentiality}) returning id`,
  );
  return id;
}

export async function insertThreadAudience(em: EntityManager, threadId: string, userIds: string[]): Promise<void> {
  await rows(em, sql`insert into content_audience (subject_id, user_id, kind) select ${threadId}, u, 'thread' from unnest(${`{${userIds.join(',')}}`}::uuid[]) as u`);
}

/** The author follows a new thread from its first floor. */
export async function insertAuthorFollow(em: EntityManager, threadId: string, userId: string): Promise<void> {
  await rows(em, sql`insert into thread_follow (thread_id, user_id, last_seen_floor, created_at) values (${threadId}, ${userId}, 0, now())`);
}

/** A normal thread becomes internal (a sensitive-content warning was acknowledged). */
export async function raiseThreadToInternal(em: EntityManager, threadId: string): Promise<void> {
  await rows(em, sql`update thread set confidentiality = 'internal' where id = ${threadId} and confidentiality = 'normal'`);
}

export async function lockThreadText(em: EntityManager, threadId: string): Promise<{ title: string; body: string; locked_at: Date | null }> {
  const [current] = await rows<{ title: string; body: string; locked_at: Date | null }>(em, sql`select title, body, locked_at from thread where id = ${threadId} for update`);
  return current;
}

export async function insertThreadEdit(em: EntityManager, threadId: string, previous: { title: string; body: string }, editorId: string): Promise<void> {
  await rows(em, sql`insert into post_edit (thread_id, previous_title, previous_body, editor_id, edited_at) values (${threadId}, ${previous.title}, ${previous.body}, ${editorId}, now())`);
}

export async function updateThreadText(em: EntityManager, threadId: string, title: string, body: string, searchVector: string | null): Promise<void> {
  await rows(em, sql`update thread set title = ${title}, body = ${body}, edited_at = now(), search_vector = ${searchVector}::tsvector where id = ${threadId}`);
}

export type ThreadFlag = 'pinned' | 'essence' | 'locked';
const FLAG_COLUMNS: Record<ThreadFlag, { column: string; on: string; off: string; isOn: string }> = {
  pinned: { column: 'pinned_at', on: 'now()', off: 'null', isOn: 'pinned_at is not null' },
  essence: { column: 'essence', on: 'true', off: 'false', isOn: 'essence' },
  locked: { column: 'locked_at', on: 'now()', off: 'null', isOn: 'locked_at is not null' },
};

/** Sets or clears a flag; false when it already was so. */
export async function changeThreadFlag(em: EntityManager, threadId: string, flag: ThreadFlag, value: boolean): Promise<boolean> {
  const spec = FLAG_COLUMNS[flag];
  const changed = await rows<{ id: string }>(
    em,
    sql`update thread set ${sqlText(spec.column)} = ${sqlText(value ? spec.on : spec.off)} where id = ${threadId} and ${sqlText(value ? 'not' : '')} (${sqlText(spec.isOn)}) returning id`,
  );
  return changed.length > 0;
}

export async function countThreadView(em: EntityManager, threadId: string): Promise<void> {
  await rows(em, sql`update thread set view_count = view_count + 1 where id = ${threadId}`);
}

/** The follower has seen every floor so far. */
export async function markFollowerUpToDate(em: EntityManager, threadId: string, userId: string): Promise<void> {
  await rows(em, sql`update thread_follow f set last_seen_floor = t.last_floor from thread t where t.id = f.thread_id and f.thread_id = ${threadId} and f.user_id = ${userId}`);
}

/** Follows from the thread's current last floor (nothing when already following). */
export async function followThread(em: EntityManager, threadId: string, userId: string): Promise<void> {
  await rows(em, sql`insert into thread_follow (thread_id, user_id, last_seen_floor, created_at) select id, ${userId}, last_floor, now() from thread where id = ${threadId} on conflict do nothing`);
}

export async function unfollowThread(em: EntityManager, threadId: string, userId: string): Promise<void> {
  await rows(em, sql`delete from thread_follow where thread_id = ${threadId} and user_id = ${userId}`);
}

/** A page key: `pinned` is the first sort column (pinned, or for 我的帖子: has new replies). */
export interface ThreadKeyRow {
  id: string;
  pinned: number;
  activity: string;
}

export type ThreadCursor = [pinned: number, activity: string, id: string];

export interface ThreadListScope {
  /** A board's threads, or (without) the group's threads on its unarchived boards. */
  boardId?: string;
  groupId: string;
  viewerId: string;
  includeRemoved: boolean;
  essenceOnly: boolean;
}

/** Pinned first, then by last activity, newest first; `limit` keys after the cursor. */
export function threadKeys(em: EntityManager, scope: ThreadListScope, cursor: ThreadCursor | null, limit: number): Promise<ThreadKeyRow[]> {
  const where = [scope.boardId ? sql`t.board_id = ${scope.boardId}` : sql`t.group_id = ${scope.groupId}`, threadReadableBy('t', scope.viewerId)];
  if (!scope.boardId) where.push(sql`exists (select 1 from board b where b.id = t.board_id and b.archived_at is null)`);
  if (!scope.includeRemoved) where.push(sql`t.removed_at is null`);
  if (scope.essenceOnly) where.push(sql`t.essence`);
  if (cursor) where.push(sql`((t.pinned_at is not null)::int, t.last_activity_at, t.id) < (${cursor[0]}, ${cursor[1]}::timestamptz, ${cursor[2]}::uuid)`);
  return rows(
    em,
    sql`select t.id, (t.pinned_at is not null)::int as pinned, t.last_activity_at::text as activity
       from thread t where ${joinSql(where, ' and ')}
      order by (t.pinned_at is not null) desc, t.last_activity_at desc, t.id desc limit ${limit}`,
  );
}

/** 我的帖子: followed threads in groups the user still belongs to, those with new replies first. */
export function followedThreadKeys(em: EntityManager, userId: string, cursor: ThreadCursor | null, limit: number): Promise<ThreadKeyRow[]> {
  const after = cursor ? sql`and ((t.last_floor > f.last_seen_floor)::int, t.last_activity_at, t.id) < (${cursor[0]}, ${cursor[1]}::timestamptz, ${cursor[2]}::uuid)` : sqlText('');
  return rows(
    em,
    sql`select t.id, (t.last_floor > f.last_seen_floor)::int as pinned, t.last_activity_at::text as activity
       from thread_follow f
       join thread t on t.id = f.thread_id
       join group_member gm on gm.group_id = t.group_id and gm.user_id = f.user_id
      where f.user_id = ${userId} and ${threadReadableBy('t', userId)} and (t.removed_at is null or gm.role <> 'member') ${after}
      order by (t.last_floor > f.last_seen_floor) desc, t.last_activity_at desc, t.id desc limit ${limit}`,
  );
}

/** The user's last seen floor of each followed thread among `threadIds`. */
export function followRows(em: EntityManager, userId: string, threadIds: string[]): Promise<Array<{ thread_id: string; last_seen_floor: number }>> {
  return rows(em, sql`select thread_id, last_seen_floor from thread_follow where user_id = ${userId} and thread_id in (${threadIds})`);
}
