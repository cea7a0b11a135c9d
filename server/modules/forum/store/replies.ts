import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConfidentialityLevel } from '../../../db/entities/index.js';
import { rows, sql, sqlText } from '../../../db/statement.js';
import { mayReadSql } from '../../../policies/index.js';

/** Replies' SQL: floors under the thread's row lock, edits, deletion, and who hears of a reply. */

/** content/levels.ts's read rule for the thread `t` and the user in `column` (fixed column text, no values). */
const threadReadableByColumn = (column: string) => mayReadSql('t.id', 't.confidentiality', 't.author_id', 't.group_id', column);

export async function quotedReply(em: EntityManager, replyId: string, threadId: string): Promise<{ deleted_at: Date | null; removed_at: Date | null } | undefined> {
  const [quoted] = await rows<{ deleted_at: Date | null; removed_at: Date | null }>(em, sql`select deleted_at, removed_at from thread_reply where id = ${replyId} and thread_id = ${threadId}`);
  return quoted;
}

/** Takes the thread's next floor under its row lock; undefined when the thread is locked. */
export async function takeNextFloor(em: EntityManager, threadId: string): Promise<number | undefined> {
  const [next] = await rows<{ last_floor: number }>(
    em,
    sql`update thread set last_floor = last_floor + 1, reply_count = reply_count + 1, last_activity_at = now()
        where id = ${threadId} and locked_at is null returning last_floor`,
  );
  return next?.last_floor;
}

export async function memberAndBoardArchived(em: EntityManager, groupId: string, userId: string, boardId: string): Promise<{ member: boolean; archived: boolean }> {
  const [still] = await rows<{ member: boolean; archived: boolean }>(
    em,
    sql`select exists(select 1 from group_member where group_id = ${groupId} and user_id = ${userId}) as member,
              exists(select 1 from board where id = ${boardId} and archived_at is not null) as archived`,
  );
  return still;
}

export interface NewReply {
  groupId: string;
  threadId: string;
  floor: number;
  authorId: string;
  body: string;
  quoteId: string | null;
  searchVector: string | null;
  confidentiality: ConfidentialityLevel;
}

export async function insertReply(em: EntityManager, r: NewReply): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    // The reply's number within the group (search reads a group's replies in blocks of them), and
    // its time read after that row lock was granted, so that number order is time order.
    sql`with g as (update chat_group set last_reply_seq = last_reply_seq + 1 where id = ${r.groupId} returning last_reply_seq)
       insert into thread_reply (id, thread_id, group_id, group_seq, floor, author_id, body, quote_id, created_at, search_vector, confidentiality)
       select gen_random_uuid(), ${r.threadId}, ${r.groupId}, g.last_reply_seq, ${r.floor}, ${r.authorId}, ${r.body}, ${r.quoteId}, clock_timestamp(), ${r.searchVector}::tsvector, ${r.confidentiality} from g returning id`,
  );
  return id;
}

export async function markFloorSeen(em: EntityManager, threadId: string, userId: string, floor: number): Promise<void> {
  await rows(em, sql`update thread_follow set last_seen_floor = ${floor} where thread_id = ${threadId} and user_id = ${userId}`);
}

/** The members among `userIds` who may read the thread now. */
export async function membersWhoMayRead(em: EntityManager, threadId: string, groupId: string, userIds: string[]): Promise<string[]> {
  const readers = await rows<{ user_id: string }>(
    em,
    sql`select gm.user_id from group_member gm join thread t on t.id = ${threadId}
        where gm.group_id = ${groupId} and gm.user_id in (${userIds.length ? userIds : ['00000000-0000-0000-0000-000000000000']}) and ${threadReadableByColumn('gm.user_id')}`,
  );
  return readers.map((r) => r.user_id);
}

/** The thread's followers who are members and may read it now. */
export async function followersWhoMayRead(em: EntityManager, groupId: string, threadId: string): Promise<string[]> {
  const followers = await rows<{ user_id: string }>(
    em,
    sql`select f.user_id from thread_follow f join group_member gm on gm.group_id = ${groupId} and gm.user_id = f.user_id join thread t on t.id = f.thread_id
        where f.thread_id = ${threadId} and ${threadReadableByColumn('f.user_id')}`,
  );
  return followers.map((f) => f.user_id);
}

/** A normal reply becomes internal (a sensitive-content warning was acknowledged). */
export async function raiseReplyToInternal(em: EntityManager, replyId: string): Promise<void> {
  await rows(em, sql`update thread_reply set confidentiality = 'internal' where id = ${replyId} and confidentiality = 'normal'`);
}

export async function lockReplyText(em: EntityManager, replyId: string): Promise<{ body: string; deleted_at: Date | null }> {
  const [current] = await rows<{ body: string; deleted_at: Date | null }>(em, sql`select body, deleted_at from thread_reply where id = ${replyId} for update`);
  return current;
}

export async function insertReplyEdit(em: EntityManager, threadId: string, replyId: string, previousBody: string, editorId: string): Promise<void> {
  await rows(em, sql`insert into post_edit (thread_id, reply_id, previous_body, editor_id, edited_at) values (${threadId}, ${replyId}, ${previousBody}, ${editorId}, now())`);
}

export async function updateReplyText(em: EntityManager, replyId: string, body: string, searchVector: string | null): Promise<void> {
  await rows(em, sql`update thread_reply set body = ${body}, edited_at = now(), search_vector = ${searchVector}::tsvector where id = ${replyId}`);
}

/** Deletes a reply's text (the floor stays); false when it already was deleted. */
export async function markReplyDeleted(em: EntityManager, replyId: string): Promise<boolean> {
  const changed = await rows<{ id: string }>(em, sql`update thread_reply set deleted_at = now(), search_vector = null where id = ${replyId} and deleted_at is null returning id`);
  return changed.length > 0;
}

export async function uncountReply(em: EntityManager, threadId: string): Promise<void> {
  await rows(em, sql`update thread set reply_count = reply_count - 1 where id = ${threadId}`);
}
