import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql, sqlText } from '../../../db/statement.js';

/** The reindex's SQL: rows in batches by id, and their vectors written in one statement per batch. */

export interface SearchSource {
  table: string;
  /** Columns whose text is indexed, in order. */
  columns: string[];
  /** The first column is a title, also indexed in pinyin (content/segment.ts toTitledTsvectorLiteral). */
  titled?: boolean;
  /** Rows that must not be searchable keep no vector (column of the alias given). */
  searchable: (alias: string) => string;
}

export const SEARCH_SOURCES: SearchSource[] = [
  // Removed content (moderation) keeps no vector either: a rebuild must not make it findable again.
  { table: 'message', columns: ['body'], searchable: (a) => `${a}.recalled_at is null and ${a}.removed_at is null` },
  { table: 'thread', columns: ['title', 'body'], titled: true, searchable: (a) => `${a}.removed_at is null` },
  { table: 'thread_reply', columns: ['body'], searchable: (a) => `${a}.deleted_at is null and ${a}.removed_at is null` },
  { table: 'document', columns: ['name'], titled: true, searchable: (a) => `${a}.deleted_at is null` },
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

/** The tables whose vectors a migration marked for a rebuild (db/entities/SearchRebuild.ts), with how far each got. */
export async function pendingRebuilds(em: EntityManager): Promise<Map<string, string>> {
  const found = await rows<{ source: string; after_id: string }>(em, sql`select source, after_id from search_rebuild`);
  return new Map(found.map((r) => [r.source, r.after_id]));
}

/** Records how far the rebuild of a table got: a restart goes on after this id. */
export async function recordRebuildProgress(em: EntityManager, source: SearchSource, after: string): Promise<void> {
  await rows(em, sql`update search_rebuild set after_id = ${after} where source = ${source.table}`);
}

/** The rebuild of a table is done: from now on only missing vectors are filled. */
export async function finishRebuild(em: EntityManager, source: SearchSource): Promise<void> {
  await rows(em, sql`delete from search_rebuild where source = ${source.table}`);
}

/** Rows whose names have a pinyin key (`name_pinyin`, content/pinyin.ts namePinyinKey), and the unit name of a person. */
export interface NameSource {
  table: 'app_user' | 'chat_group';
  /** Columns of names, in order; `name` marks a person's name (read with the surname rules). */
  columns: Array<{ column: string; name?: boolean }>;
}

export const NAME_SOURCES: NameSource[] = [
  { table: 'app_user', columns: [{ column: 'real_name', name: true }, { column: 'title' }] },
  { table: 'chat_group', columns: [{ column: 'name' }] },
];

/** The next batch of rows after `after` (by id) whose pinyin key is missing, or all. */
export function namesToIndex(em: EntityManager, source: NameSource, after: string, all: boolean, batch: number) {
  return rows<Record<string, string> & { id: string }>(
    em,
    sql`select s.id, ${sqlText(source.columns.map((c) => `s.${c.column}`).join(', '))} from ${sqlText(source.table)} s
          where s.id > ${after} ${sqlText(all ? '' : 'and s.name_pinyin is null')} order by s.id limit ${batch}`,
  );
}

/** Writes the pinyin keys of the rows with these ids. */
export async function writeNameKeys(em: EntityManager, source: NameSource, ids: string[], keys: string[]): Promise<void> {
  await rows(
    em,
    sql`update ${sqlText(source.table)} t set name_pinyin = v.key
           from unnest(${`{${ids.join(',')}}`}::uuid[], ${toPgArray(keys)}::text[]) as v(id, key) where t.id = v.id`,
  );
}

/** A text[] literal: every element quoted, quotes and backslashes escaped. */
export function toPgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
