import type { EntityManager } from '@mikro-orm/postgresql';
import { joinSql, rows, sql } from '../../../db/statement.js';

/** Boards' SQL: default boards, name checks and positions (the group row's lock orders changes). */

export async function insertBoards(em: EntityManager, groupId: string, names: readonly string[]): Promise<void> {
  const values = joinSql(names.map((name, i) => sql`(gen_random_uuid(), ${groupId}, ${name}, ${i + 1}, now())`), ', ');
  await rows(em, sql`insert into board (id, group_id, name, position, created_at) values ${values}`);
}

/** Locks the group row: board changes of one group run one at a time. */
export async function lockGroupForBoards(em: EntityManager, groupId: string): Promise<void> {
  await rows(em, sql`select id from chat_group where id = ${groupId} for update`);
}

/** Another board of the group with this name (`exceptId`: the board being renamed). */
export async function boardNamed(em: EntityManager, groupId: string, name: string, exceptId: string | null): Promise<{ id: string } | undefined> {
  const [row] = await rows<{ id: string }>(em, sql`select id from board where group_id = ${groupId} and name = ${name} and id <> coalesce(${exceptId}::uuid, '00000000-0000-0000-0000-000000000000')`);
  return row;
}

/** The position after the group's last board (`activeOnly`: after its last unarchived one). */
export async function nextBoardPosition(em: EntityManager, groupId: string, activeOnly: boolean): Promise<number> {
  const [{ position }] = activeOnly
    ? await rows<{ position: number }>(em, sql`select coalesce(max(position), 0) + 1 as position from board where group_id = ${groupId} and archived_at is null`)
    : await rows<{ position: number }>(em, sql`select coalesce(max(position), 0) + 1 as position from board where group_id = ${groupId}`);
  return position;
}
