import { Migration } from '@mikro-orm/migrations';

/**
 * Search in time order walks every scope of the viewer newest first in one merge (Merge Append),
 * which needs each scope's rows ordered by (created_at, id): messages have that index already
 * (SearchOrder); a group's replies and threads get it here.
 */
export class Migration20261125180000SearchMerge extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "thread_reply_group_id_created_at_id_index" on "thread_reply" ("group_id", "created_at", "id");`);
    this.addSql(`create index "thread_group_id_created_at_id_index" on "thread" ("group_id", "created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "thread_group_id_created_at_id_index";`);
    this.addSql(`drop index "thread_reply_group_id_created_at_id_index";`);
  }
}
