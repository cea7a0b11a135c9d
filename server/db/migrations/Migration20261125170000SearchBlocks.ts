import { Migration } from '@mikro-orm/migrations';

/**
 * Search reads each of the viewer's scopes newest first and stops when a page is full
 * (tests/bench/search.ts, BENCHMARKS.md). A GIN index over (scope, block, words) finds a word
 * within one block of consecutive rows of a scope (the block key is the scope's hash XOR the block
 * number, so that each scope's blocks are keys of their own and a probe reads short lists), so search probes the newest blocks one by one
 * instead of reading every match of a common word in a large group to sort them by time; the
 * same index finds the word in a whole scope, or alone, so it replaces the older indexes.
 * - messages: blocks of 256 consecutive seqs of a conversation (seq >> 8);
 * - threads and replies: a new identity column, search_seq, numbers rows in insertion order over
 *   the whole table (existing rows by time); blocks of 1,024 threads and 4,096 replies. Replies
 *   carry their thread's group so that they are searched per group like threads, not per thread.
 */
export class Migration20261125170000SearchBlocks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "message_conversation_id_search_vector_index";`);
    this.addSql(`create index "message_search_block_index" on "message" using gin ("conversation_id", (uuid_hash_extended("conversation_id", 0) # ("seq" >> 8)), "search_vector");`);

    this.addSql(`drop index "thread_search_vector_index";`);
    this.addSql(`alter table "thread" add column "search_seq" bigserial;`);
    this.addSql(`update "thread" t set "search_seq" = v.n from (select "id", row_number() over (order by "created_at", "id") as n from "thread") v where v."id" = t."id";`);
    this.addSql(`select setval(pg_get_serial_sequence('thread', 'search_seq'), coalesce((select max("search_seq") from "thread"), 0) + 1, false);`);
    this.addSql(`create index "thread_search_block_index" on "thread" using gin ("group_id", (uuid_hash_extended("group_id", 0) # ("search_seq" >> 10)), "search_vector");`);
    this.addSql(`create index "thread_group_id_search_seq_index" on "thread" ("group_id", "search_seq");`);

    this.addSql(`drop index "thread_reply_search_vector_index";`);
    this.addSql(`alter table "thread_reply" add column "group_id" uuid null;`);
    this.addSql(`update "thread_reply" r set "group_id" = t."group_id" from "thread" t where t."id" = r."thread_id";`);
    this.addSql(`alter table "thread_reply" alter column "group_id" set not null;`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread_reply" add column "search_seq" bigserial;`);
    this.addSql(`update "thread_reply" r set "search_seq" = v.n from (select "id", row_number() over (order by "created_at", "id") as n from "thread_reply") v where v."id" = r."id";`);
    this.addSql(`select setval(pg_get_serial_sequence('thread_reply', 'search_seq'), coalesce((select max("search_seq") from "thread_reply"), 0) + 1, false);`);
    this.addSql(`create index "thread_reply_search_block_index" on "thread_reply" using gin ("group_id", (uuid_hash_extended("group_id", 0) # ("search_seq" >> 12)), "search_vector");`);
    this.addSql(`create index "thread_reply_group_id_search_seq_index" on "thread_reply" ("group_id", "search_seq");`);
  }
}
