import type { EntityManager } from '@mikro-orm/postgresql';
import { namePinyinKey } from '../content/pinyin.js';
import { toTitledTsvectorLiteral, toTsvectorLiteral } from '../content/segment.js';
import {
  finishRebuild,
  NAME_SOURCES,
  namesToIndex,
  pendingRebuilds,
  recordRebuildProgress,
  rowsToIndex,
  SEARCH_SOURCES,
  toPgArray,
  writeNameKeys,
  writeVectors,
} from './store/reindex.js';

/**
 * Fills search vectors that are missing (rows written before search existed), rebuilds those of
 * the tables a migration marked as out of date (db/entities/SearchRebuild.ts: their old vectors
 * serve search until then), or rebuilds all of them after the segmentation changed; then the
 * pinyin keys of people's and groups' names the same way. Works in batches by id, each batch its
 * own short transaction, so a live server keeps serving. Text without any word gets an empty
 * vector, so it is not picked up again.
 */
export async function reindexSearch(em: EntityManager, options: { all?: boolean; batch?: number; log?: (line: string) => void } = {}): Promise<number> {
  const batch = options.batch ?? 2000;
  let total = 0;
  const rebuilds = await pendingRebuilds(em);
  for (const source of SEARCH_SOURCES) {
    // A table a migration marked is rebuilt whole, from where an interrupted run stopped.
    const marked = rebuilds.get(source.table);
    const all = !!options.all || marked !== undefined;
    let after = (!options.all && marked) || '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await rowsToIndex(em, source, after, all, batch);
      if (!rows.length) break;
      const vectors = rows.map((row) => {
        const texts = source.columns.map((c) => (c === 'name' ? String(row[c]).replace(/\.[^.]+$/, '') : String(row[c] ?? '')));
        return (source.titled ? toTitledTsvectorLiteral(texts[0], ...texts.slice(1)) : toTsvectorLiteral(...texts)) ?? '';
      });
      await writeVectors(em, source, rows.map((r) => r.id), toPgArray(vectors));
      total += rows.length;
      after = rows[rows.length - 1].id;
      // Written after the batch: a crash in between only rebuilds that batch again.
      if (marked !== undefined) await recordRebuildProgress(em, source, after);
      options.log?.(`${source.table}: ${total}`);
    }
    if (marked !== undefined) await finishRebuild(em, source);
  }
  for (const source of NAME_SOURCES) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await namesToIndex(em, source, after, !!options.all, batch);
      if (!rows.length) break;
      const keys = rows.map((row) => namePinyinKey(source.columns.map((c) => ({ text: String(row[c.column] ?? ''), name: c.name }))));
      await writeNameKeys(em, source, rows.map((r) => r.id), keys);
      total += rows.length;
      after = rows[rows.length - 1].id;
      options.log?.(`${source.table}: ${total}`);
    }
  }
  return total;
}
