import type { EntityManager } from '@mikro-orm/postgresql';
import { toTsvectorLiteral } from '../content/segment.js';

/**
 * Fills search vectors that are missing (rows written before search existed, or by an older
 * version), or rebuilds all of them after the segmentation changed. Works in batches by id,
 * each batch its own short transaction, so a live server keeps serving. Text without any word
 * gets an empty vector, so it is not picked up again.
 */
interface Source {
  table: string;
  /** Columns whose text is indexed, in order. */
  columns: string[];
  /** Rows that must not be searchable keep no vector (column of the alias given). */
  searchable: (alias: string) => string;
}

const SOURCES: Source[] = [
  { table: 'message', columns: ['body'], searchable: (a) => `${a}.recalled_at is null` },
  { table: 'thread', columns: ['title', 'body'], searchable: () => 'true' },
  { table: 'thread_reply', columns: ['body'], searchable: (a) => `${a}.deleted_at is null` },
  { table: 'document', columns: ['name'], searchable: (a) => `${a}.deleted_at is null` },
];

export async function reindexSearch(em: EntityManager, options: { all?: boolean; batch?: number; log?: (line: string) => void } = {}): Promise<number> {
  const batch = options.batch ?? 2000;
  let total = 0;
  for (const source of SOURCES) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await em.execute<Array<Record<string, string> & { id: string }>>(
        `select s.id, ${source.columns.map((c) => `s.${c}`).join(', ')} from ${source.table} s
          where ${source.searchable('s')} and s.id > ? ${options.all ? '' : 'and s.search_vector is null'}
          order by s.id limit ?`,
        [after, batch],
      );
      if (!rows.length) break;
      const vectors = rows.map((row) => {
        const texts = source.columns.map((c) => (c === 'name' ? String(row[c]).replace(/\.[^.]+$/, '') : String(row[c] ?? '')));
        return toTsvectorLiteral(...texts) ?? '';
      });
      await em.execute(
        `update ${source.table} t set search_vector = v.vector::tsvector
           from unnest(?::uuid[], ?::text[]) as v(id, vector) where t.id = v.id and ${source.searchable('t')}`,
        [`{${rows.map((r) => r.id).join(',')}}`, toPgArray(vectors)],
      );
      total += rows.length;
      after = rows[rows.length - 1].id;
      options.log?.(`${source.table}: ${total}`);
    }
  }
  return total;
}

/** A text[] literal: every element quoted, quotes and backslashes escaped. */
function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
