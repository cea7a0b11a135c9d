import type { DomainContext } from '../context.js';
import { commonWords } from './store/wordStats.js';

/** The tables whose search_vector search reads. */
export type SearchTable = 'message' | 'thread' | 'thread_reply';
const TABLES: SearchTable[] = ['message', 'thread', 'thread_reply'];
/** Statistics change only with ANALYZE (autovacuum): re-read them now and then, not per search. */
const REFRESH_MS = 10 * 60_000;

interface TableWords {
  /** Share of rows holding each of the most common words (PostgreSQL's most_common_elems). */
  share: Map<string, number>;
  /** What a word outside that list is assumed to have: half the least common listed share. */
  other: number;
}

let cache: { at: number; tables: Map<string, TableWords> } | null = null;
let loading: Promise<Map<string, TableWords>> | null = null;

async function load(em: DomainContext['em']): Promise<Map<string, TableWords>> {
  const rows = await commonWords(em, TABLES);
  const tables = new Map<string, TableWords>();
  for (const row of rows) {
    const entry = tables.get(row.table) ?? { share: new Map(), other: 1 };
    entry.share.set(row.elem, Number(row.freq));
    entry.other = Math.min(entry.other, Number(row.freq) / 2);
    tables.set(row.table, entry);
  }
  return tables;
}

/**
 * The estimated share of a table's rows that hold each word, from the statistics PostgreSQL's
 * planner uses; 0 while the table has no statistics (a new or small database): every word then
 * counts as rare.
 */
export async function wordShares(em: DomainContext['em'], table: SearchTable, words: string[]): Promise<number[]> {
  if (!cache || Date.now() - cache.at > REFRESH_MS) {
    loading ??= load(em).finally(() => (loading = null));
    const tables = await loading;
    cache = { at: Date.now(), tables };
  }
  const entry = cache.tables.get(table);
  return words.map((word) => (entry ? entry.share.get(word) ?? entry.other : 0));
}

/** Forgets the statistics read so far (after an ANALYZE that should count at once). */
export function forgetWordShares(): void {
  cache = null;
}
