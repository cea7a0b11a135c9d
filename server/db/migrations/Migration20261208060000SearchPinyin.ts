import { Migration } from '@mikro-orm/migrations';

/**
 * Pinyin in search (docs/search.md): people's and groups' names get a pinyin key (null until
 * computed), and the vectors of thread titles and file names are rebuilt with their pinyin. Both
 * are computed in the application (pinyin-pro), not in SQL: the migration leaves them empty and
 * the reindex run at start (or `npm run search:reindex`) fills them in batches.
 */
export class Migration20261208060000SearchPinyin extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "name_pinyin" text null;`);
    this.addSql(`alter table "chat_group" add column "name_pinyin" text null;`);
    // Titles are indexed in pinyin now: an empty vector is rebuilt by the reindex.
    this.addSql(`update "thread" set "search_vector" = null where "search_vector" is not null;`);
    this.addSql(`update "document" set "search_vector" = null where "search_vector" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "chat_group" drop column "name_pinyin";`);
    this.addSql(`alter table "app_user" drop column "name_pinyin";`);
    // The older version indexes titles without pinyin: its reindex at start rebuilds these.
    this.addSql(`update "thread" set "search_vector" = null where "search_vector" is not null;`);
    this.addSql(`update "document" set "search_vector" = null where "search_vector" is not null;`);
  }
}
