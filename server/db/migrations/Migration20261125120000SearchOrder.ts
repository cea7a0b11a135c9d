import { Migration } from '@mikro-orm/migrations';

/**
 * Search reads only the viewer's conversations. Before, a word was looked up in the whole
 * message table (GIN) and the matches outside the viewer's conversations were thrown away:
 * seconds for a common word at 1M messages (tests/bench/search.ts, BENCHMARKS.md).
 * - A GIN index over (conversation_id, search_vector) (btree_gin) finds a word's matches
 *   within one conversation directly; it also serves a word alone, so it replaces the
 *   single-column index.
 * - A btree over (conversation_id, created_at, id) lets a very common word walk a
 *   conversation newest first and stop after a page.
 * btree_gin is a trusted contrib extension (PostgreSQL 13+): the database owner may create it.
 */
export class Migration20261125120000SearchOrder extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists btree_gin;`);
    this.addSql(`drop index if exists "message_search_vector_index";`);
    this.addSql(`create index "message_conversation_id_search_vector_index" on "message" using gin ("conversation_id", "search_vector");`);
    this.addSql(`create index "message_conversation_id_created_at_id_index" on "message" ("conversation_id", "created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "message_conversation_id_created_at_id_index";`);
    this.addSql(`drop index "message_conversation_id_search_vector_index";`);
    this.addSql(`create index "message_search_vector_index" on "message" using gin ("search_vector");`);
    this.addSql(`drop extension if exists btree_gin;`);
  }
}
