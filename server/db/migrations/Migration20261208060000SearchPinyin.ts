import { Migration } from '@mikro-orm/migrations';

/**
 * Pinyin in search (docs/search.md): people's and groups' names get a pinyin key (null until
 * computed), and the vectors of thread titles and file names are rebuilt with their pinyin. Both
 * are computed in the application (pinyin-pro), not in SQL: the reindex run at start (or
 * `npm run search:reindex`) does it in batches. The old vectors stay until then, so search keeps
 * finding threads and files (without pinyin) meanwhile: a `search_rebuild` row tells the reindex
 * which tables to rebuild, and how far it got.
 */
export class Migration20261208060000SearchPinyin extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "name_pinyin" text null;`);
    this.addSql(`alter table "chat_group" add column "name_pinyin" text null;`);
    this.addSql(`create table "search_rebuild" ("source" varchar(40) not null, "after_id" uuid not null default '00000000-0000-0000-0000-000000000000', constraint "search_rebuild_pkey" primary key ("source"));`);
    // Only a database with titles needs the rebuild (a new one has none yet).
    this.addSql(`insert into "search_rebuild" ("source") select 'thread' where exists (select 1 from "thread");`);
    this.addSql(`insert into "search_rebuild" ("source") select 'document' where exists (select 1 from "document");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "search_rebuild";`);
    this.addSql(`alter table "chat_group" drop column "name_pinyin";`);
    this.addSql(`alter table "app_user" drop column "name_pinyin";`);
    // Vectors stay: the older version searches them as before (the pinyin words of titles only
    // add matches for queries in Latin letters), and emptying them would hide every thread and file.
  }
}
