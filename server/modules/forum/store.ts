import type { EntityManager } from '@mikro-orm/postgresql';

/** Forum's SQL for the GraphQL presenters: plain rows, batched over a page. (Set-wide reads by ids: past the ORM's entity loading.) */

/** The named readers of restricted threads (or other subjects), one row per reader. */
export function audienceRows(em: EntityManager, subjectIds: string[]): Promise<Array<{ subject_id: string; user_id: string }>> {
  return em.execute<Array<{ subject_id: string; user_id: string }>>(`select subject_id, user_id from content_audience where subject_id in (?)`, [subjectIds]);
}
