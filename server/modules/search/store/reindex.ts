import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql, sqlText } from '../../../db/statement.js';

/** The reindex's SQL: rows in batches by id, and their vectors written in one statement per batch. */

export interface SearchSource {
  table: string;
  /** Columns whose text is indexed, in order. */
  columns: string[];
  /** Rows that must not be searchable keep no vector (column of the alias given). */
  searchable: (alias: string) => string;
}

export const SEARCH_SOURCES: SearchSource[] = [
  { table: 'message', columns: ['body'], searchable: (a) => `${a}.recalled_at is null` },
  { table: 'thread', columns: ['title', 'body'], searchable: () => 'true' },
  { table: 'thread_reply', columns: ['body'], searchable: (a) => `${a}.deleted_at is null` },
  { table: 'document', columns: ['name'], searchable: (a) => `${a}.deleted_at is null` },
];

/** The next batch of searchable rows after `after` (by id): those without a vector, or all. */
export function rowsToIndex(em: EntityManager, source: SearchSource, after: string, all: boolean, batch: number) {
  return rows<Record<string, string> & { id: string }>(
    em,
    sql`select s.id, ${sqlText(source.columns.map((c) => `s.${c}`).join(', '))} from ${sqlText(source.table)} s
          where ${sqlText(source.searchable('s'))} and s.id > ${after} ${sqlText(all ? '' : 'and s.search_vector is null')}
          order by s.id limit ${batch}`,
  );
}

/** Writes the vectors (tsvector literals, as a text[] literal) of the rows with these ids. */
export async function writeVectors(em: EntityManager, source: SearchSource, ids: string[], vectors: string): Promise<void> {
  await rows(
    em,
    sql`update ${sqlText(source.table)} t set search_vector = v.vector::tsvector
           from unnest(${`{${ids.join(',')}}`}::uuid[], ${vectors}::text[]) as v(id, vector) where t.id = v.id and ${sqlText(source.searchable('t'))}`,
  );
}
