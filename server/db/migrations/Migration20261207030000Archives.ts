import { Migration } from '@mikro-orm/migrations';

/**
 * Archive exports (档案导出): one row per requested ZIP of a group's records or of one
 * official's own data, built by a scheduled job (docs/archives.md). The table SQL is generated
 * from the entity (schema diff against the migrations before).
 */
export class Migration20261207030000Archives extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "archive_export" ("id" uuid not null, "requester_id" uuid not null, "kind" text check ("kind" in ('group', 'personal')) not null, "group_id" uuid null, "range_from" timestamptz null, "range_to" timestamptz null, "status" text check ("status" in ('queued', 'running', 'done', 'failed')) not null default 'queued', "progress" int not null default 0, "storage_key" varchar(80) null, "size" bigint null, "error" varchar(500) null, "created_at" timestamptz not null, "finished_at" timestamptz null, "expires_at" timestamptz not null, constraint "archive_export_pkey" primary key ("id"));`);
    this.addSql(`create index "archive_export_group_id_index" on "archive_export" ("group_id");`);
    this.addSql(`create index "archive_export_requester_id_created_at_index" on "archive_export" ("requester_id", "created_at");`);
    this.addSql(`alter table "archive_export" add constraint "archive_export_requester_id_foreign" foreign key ("requester_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "archive_export" add constraint "archive_export_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    // Without the table nothing would ever delete the stored ZIPs (restricted content): refuse while any exists.
    this.addSql(`do $$ begin
      if exists (select 1 from "archive_export" where "storage_key" is not null) then
        raise exception '仍有已生成的档案导出文件，回滚后将无法清理，已拒绝。请先删除这些档案导出（或等待其过期）';
      end if;
    end $$;`);
    this.addSql(`drop table if exists "archive_export" cascade;`);
    // The job rows this feature queued have no handler once it is gone.
    this.addSql(`delete from "scheduled_job" where "kind" in ('archive.export', 'archive.expire');`);
  }
}
