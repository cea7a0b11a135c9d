import { Migration } from '@mikro-orm/migrations';

/**
 * Search reads each of the viewer's scopes newest first and stops when a page is full
 * (tests/bench/search.ts, BENCHMARKS.md). A GIN index over (scope, block, words) finds a word
 * within one block of 256 consecutive rows of a scope (the block key is the scope's hash XOR the
 * block number, so that each scope's blocks are keys of their own and a probe reads short
 * lists), so search probes the newest blocks one by one instead of reading every match of a
 * common word in a large group to sort them by time; the same index finds the word in a whole
 * scope, or alone, so it replaces the older indexes.
 * - messages: blocks of a conversation's seqs (seq >> 8);
 * - replies carry their thread's group and a number within it (group_seq, taken from
 *   chat_group.last_reply_seq; existing replies numbered by time), so that they are searched per
 *   group like messages per conversation, not thread by thread;
 * - threads, few per group, are looked up per group (GIN over group and words).
 */
export class Migration20261125170000SearchBlocks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index "message_conversation_id_search_vector_index";`);
    this.addSql(`create index "message_search_block_index" on "message" using gin ("conversation_id", (uuid_hash_extended("conversation_id", 0) # ("seq" >> 8)), "search_vector");`);

    this.addSql(`drop index "thread_search_vector_index";`);
    this.addSql(`create index "thread_group_id_search_vector_index" on "thread" using gin ("group_id", "search_vector");`);

    this.addSql(`alter table "chat_group" add column "last_reply_seq" int not null default 0;`);
    this.addSql(`drop index "thread_reply_search_vector_index";`);
    this.addSql(`alter table "thread_reply" add column "group_id" uuid null, add column "group_seq" int null;`);
    this.addSql(`update "thread_reply" r set "group_id" = v."group_id", "group_seq" = v.n
                   from (select r2."id", t."group_id", row_number() over (partition by t."group_id" order by r2."created_at", r2."id") as n
                           from "thread_reply" r2 join "thread" t on t."id" = r2."thread_id") v
                  where v."id" = r."id";`);
    this.addSql(`update "chat_group" g set "last_reply_seq" = v.n from (select "group_id", max("group_seq") as n from "thread_reply" group by "group_id") v where v."group_id" = g."id";`);
    this.addSql(`alter table "thread_reply" alter column "group_id" set not null, alter column "group_seq" set not null;`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_group_id_group_seq_unique" unique ("group_id", "group_seq");`);
    this.addSql(`create index "thread_reply_search_block_index" on "thread_reply" using gin ("group_id", (uuid_hash_extended("group_id", 0) # ("group_seq" >> 8)), "search_vector");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "thread_reply_search_block_index";`);
    this.addSql(`alter table "thread_reply" drop constraint "thread_reply_group_id_group_seq_unique";`);
    this.addSql(`alter table "thread_reply" drop column "group_id", drop column "group_seq";`);
    this.addSql(`create index "thread_reply_search_vector_index" on "thread_reply" using gin ("search_vector");`);
    this.addSql(`alter table "chat_group" drop column "last_reply_seq";`);
    this.addSql(`drop index "thread_group_id_search_vector_index";`);
    this.addSql(`create index "thread_search_vector_index" on "thread" using gin ("search_vector");`);
    this.addSql(`drop index "message_search_block_index";`);
    this.addSql(`create index "message_conversation_id_search_vector_index" on "message" using gin ("conversation_id", "search_vector");`);
  }
}
