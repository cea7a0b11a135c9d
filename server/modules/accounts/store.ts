import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Accounts' SQL for the realtime hub and the User presenter: presence (last seen, who shares a
 * group with whom) and the session check after a bus outage. Plain rows; callers decide.
 * (Set-wide statements over ids: past what the ORM's unit of work does in one round trip.)
 */

/** Stamps last seen on people who went offline (one statement for any number). */
export async function stampLastSeen(em: EntityManager, userIds: string[], at: Date): Promise<void> {
  await em.execute(`update app_user set last_seen_at = ? where id in (?)`, [at, userIds]);
}

/** For each of `userIds` (`about`), everyone else who shares a group with them. */
export function coMembersOf(em: EntityManager, userIds: string[]): Promise<Array<{ about: string; user_id: string }>> {
  return em.execute<Array<{ about: string; user_id: string }>>(
    `select distinct a.user_id as about, b.user_id from group_member a join group_member b on b.group_id = a.group_id where a.user_id in (?) and b.user_id <> a.user_id`,
    [userIds],
  );
}

/** Which of `userIds` share a group with `viewerId` (the viewer too, when a member of any group). */
export async function coMembersAmong(em: EntityManager, viewerId: string, userIds: string[]): Promise<string[]> {
  const rows = await em.execute<Array<{ user_id: string }>>(
    `select distinct b.user_id from group_member a join group_member b on b.group_id = a.group_id where a.user_id = ? and b.user_id in (?)`,
    [viewerId, userIds],
  );
  return rows.map((r) => r.user_id);
}

/** Which of `sessionIds` are still valid (the conditions of resolveSession): unexpired, young enough, of an active person. */
export async function liveSessionIds(em: EntityManager, sessionIds: string[], maxDays: number): Promise<string[]> {
  const rows = await em.execute<Array<{ id: string }>>(
    `select s.id from session s join app_user u on u.id = s.user_id
      where s.id in (?) and s.expires_at > now() and s.created_at > now() - make_interval(days => ?) and u.status = 'active'`,
    [sessionIds, maxDays],
  );
  return rows.map((r) => r.id);
}
