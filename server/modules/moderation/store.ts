import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Moderation's SQL for the GraphQL presenters: plain rows of reported content, batched over a
 * page of reports. (Set-wide reads by ids, and a column the viewer may not see left out in SQL:
 * past the ORM's entity loading.)
 */

/** Open reports in a group. */
export async function openReportCount(em: EntityManager, groupId: string): Promise<number> {
  return Number((await em.execute<Array<{ n: string }>>(`select count(*) as n from moderation_report where group_id = ? and status = 'open'`, [groupId]))[0].n);
}

/**
 * Reported messages. A discussion group's messages are for its members only: for anyone else
 * (`viewerId` not a member) the body is null.
 */
export function reportedMessages(em: EntityManager, viewerId: string | null, ids: string[]) {
  return em.execute<Array<{ id: string; body: string | null; removed_at: Date | null; removal_reason: string | null; conversation_id: string; moved_to_thread_id: string | null }>>(
    `select m.id,
            case when d.id is null or exists (select 1 from conversation_member cm where cm.conversation_id = m.conversation_id and cm.user_id = ?) then m.body end as body,
            m.removed_at, m.removal_reason, m.conversation_id, m.moved_to_thread_id
       from message m left join discussion_group d on d.conversation_id = m.conversation_id
      where m.id in (?)`,
    [viewerId, ids],
  );
}

/** Reported threads. */
export function reportedThreads(em: EntityManager, ids: string[]) {
  return em.execute<Array<{ id: string; title: string; body: string; removed_at: Date | null; removal_reason: string | null }>>(`select id, title, body, removed_at, removal_reason from thread where id in (?)`, [ids]);
}

/** Reported replies. */
export function reportedReplies(em: EntityManager, ids: string[]) {
  return em.execute<Array<{ id: string; body: string; removed_at: Date | null; removal_reason: string | null; thread_id: string }>>(`select id, body, removed_at, removal_reason, thread_id from thread_reply where id in (?)`, [ids]);
}
