import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql, sqlText } from '../../../db/statement.js';

/** Announcements' SQL: rows, pins, read receipts (counting current members only) and pages. */

export async function insertAnnouncement(em: EntityManager, a: { groupId: string; authorId: string; title: string; body: string; bulletinId: string | null }): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into announcement (id, group_id, author_id, title, body, bulletin_id, pinned_at, created_at) values (gen_random_uuid(), ${a.groupId}, ${a.authorId}, ${a.title}, ${a.body}, ${a.bulletinId}, now(), now()) returning id`,
  );
  return id;
}

/** The author's own read receipt. */
export async function insertAuthorRead(em: EntityManager, announcementId: string, userId: string): Promise<void> {
  await rows(em, sql`insert into announcement_read (announcement_id, user_id, read_at) values (${announcementId}, ${userId}, now())`);
}

/** A reader's receipt (the first reading counts). */
export async function insertRead(em: EntityManager, announcementId: string, userId: string): Promise<void> {
  await rows(em, sql`insert into announcement_read (announcement_id, user_id, read_at) values (${announcementId}, ${userId}, now()) on conflict do nothing`);
}

export async function updateAnnouncementText(em: EntityManager, id: string, title: string, body: string): Promise<void> {
  await rows(em, sql`update announcement set title = ${title}, body = ${body}, edited_at = now() where id = ${id}`);
}

/** Pins or unpins; false when it already was so. */
export async function changeAnnouncementPinned(em: EntityManager, id: string, pinned: boolean): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update announcement set pinned_at = ${sqlText(pinned ? 'now()' : 'null')} where id = ${id} and pinned_at is ${sqlText(pinned ? '' : 'not')} null returning id`,
  );
  return changed.length > 0;
}

export type AnnouncementCursor = [pinned: string, created: string, id: string];

/** A group's announcements, pinned first (latest pinned first), then newest; `limit` keys after the cursor. */
export function announcementKeys(em: EntityManager, groupId: string, pinnedOnly: boolean, cursor: AnnouncementCursor | null, limit: number): Promise<Array<{ id: string; pinned: string; created: string }>> {
  const after = cursor ? sql`and (coalesce(a.pinned_at, '-infinity'), a.created_at, a.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::timestamptz, ${cursor[2]}::uuid)` : sqlText('');
  return rows(
    em,
    sql`select a.id, coalesce(a.pinned_at, '-infinity')::text as pinned, a.created_at::text as created from announcement a
      where a.group_id = ${groupId} ${sqlText(pinnedOnly ? 'and a.pinned_at is not null' : '')}
        ${after}
      order by coalesce(a.pinned_at, '-infinity') desc, a.created_at desc, a.id desc limit ${limit}`,
  );
}

export function receiptCountRows(em: EntityManager, ids: string[]): Promise<Array<{ id: string; read_count: string; member_count: number }>> {
  return rows(
    em,
    sql`select a.id, (select count(*) from announcement_read r join group_member gm on gm.group_id = a.group_id and gm.user_id = r.user_id where r.announcement_id = a.id) as read_count,
            g.member_count
       from announcement a join chat_group g on g.id = a.group_id where a.id in (${ids})`,
  );
}

/** Current members who read the announcement, in reading order. */
export function readerRows(em: EntityManager, groupId: string, announcementId: string): Promise<Array<{ user_id: string; read_at: Date }>> {
  return rows(em, sql`select r.user_id, r.read_at from announcement_read r join group_member gm on gm.group_id = ${groupId} and gm.user_id = r.user_id where r.announcement_id = ${announcementId} order by r.read_at, r.user_id`);
}

/** Which of the announcements the user has read. */
export async function readAmong(em: EntityManager, userId: string, ids: string[]): Promise<string[]> {
  const read = await rows<{ announcement_id: string }>(em, sql`select announcement_id from announcement_read where user_id = ${userId} and announcement_id in (${ids})`);
  return read.map((r) => r.announcement_id);
}
