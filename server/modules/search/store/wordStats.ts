import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql } from '../../../db/statement.js';

/** The planner's statistics of the search vectors: the most common words and their shares of rows. */
export function commonWords(em: EntityManager, tables: string[]) {
  return rows<{ table: string; elem: string; freq: number }>(
    em,
    sql`select s.tablename as table, e.elem, e.freq
       from pg_stats s
       cross join lateral unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as e(elem, freq)
      where s.schemaname = current_schema() and s.attname = 'search_vector' and s.tablename in (${tables}) and e.elem is not null`,
  );
}
