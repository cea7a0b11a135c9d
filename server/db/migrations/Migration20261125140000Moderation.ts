import { Migration } from '@mikro-orm/migrations';

/**
 * Moderation (issue 5): members' reports, sanctions (warnings, mutes, kicks, bans), removal state
 * on messages, threads and replies, the per-member and whole-group mute read by the send path's
 * access query, each group's escalation rule, and the notification kinds that tell people.
 * Generated from the entities (orm.schema.getUpdateSchemaSQL) against the previous migrations.
 */
export class Migration20261125140000Moderation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "moderation_sanction" ("id" uuid not null, "group_id" uuid not null, "user_id" uuid not null, "kind" text check ("kind" in ('warning', 'mute', 'kick', 'ban')) not null, "actor_id" uuid null, "reason" text check ("reason" in ('off_topic', 'improper', 'leak_risk', 'advertising', 'other')) not null, "note" varchar(500) null, "content_type" text check ("content_type" in ('message', 'thread', 'reply')) null, "content_id" uuid null, "ends_at" timestamptz null, "revoked_at" timestamptz null, "revoked_by_id" uuid null, "revoke_reason" varchar(500) null, "created_at" timestamptz not null, constraint "moderation_sanction_pkey" primary key ("id"));`);
    this.addSql(`create index "moderation_sanction_group_id_user_id_kind_index" on "moderation_sanction" ("group_id", "user_id", "kind");`);
    this.addSql(`create index "moderation_sanction_user_id_created_at_index" on "moderation_sanction" ("user_id", "created_at");`);
    this.addSql(`create unique index "moderation_sanction_active_ban_unique" on "moderation_sanction" ("group_id", "user_id") where "kind" = 'ban' and "revoked_at" is null;`);
    this.addSql(`create table "moderation_report" ("id" uuid not null, "group_id" uuid not null, "reporter_id" uuid not null, "content_type" text check ("content_type" in ('message', 'thread', 'reply')) not null, "content_id" uuid not null, "content_author_id" uuid not null, "reason" text check ("reason" in ('off_topic', 'improper', 'leak_risk', 'advertising', 'other')) not null, "note" varchar(500) null, "status" text check ("status" in ('open', 'actioned', 'dismissed')) not null default 'open', "resolved_by_id" uuid null, "resolved_at" timestamptz null, "resolution_note" varchar(500) null, "created_at" timestamptz not null, constraint "moderation_report_pkey" primary key ("id"));`);
    this.addSql(`create index "moderation_report_group_id_status_created_at_index" on "moderation_report" ("group_id", "status", "created_at");`);
    this.addSql(`create index "moderation_report_content_index" on "moderation_report" ("content_type", "content_id");`);
    this.addSql(`alter table "moderation_report" add constraint "moderation_report_reporter_content_unique" unique ("reporter_id", "content_type", "content_id");`);
    this.addSql(`alter table "moderation_sanction" add constraint "moderation_sanction_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "moderation_sanction" add constraint "moderation_sanction_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "moderation_sanction" add constraint "moderation_sanction_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "moderation_sanction" add constraint "moderation_sanction_revoked_by_id_foreign" foreign key ("revoked_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "moderation_report" add constraint "moderation_report_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "moderation_report" add constraint "moderation_report_reporter_id_foreign" foreign key ("reporter_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "moderation_report" add constraint "moderation_report_content_author_id_foreign" foreign key ("content_author_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "moderation_report" add constraint "moderation_report_resolved_by_id_foreign" foreign key ("resolved_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "notification" drop constraint if exists "notification_kind_check";`);
    this.addSql(`alter table "message" add column "removed_at" timestamptz null, add column "removal_reason" varchar(16) null, add column "moved_to_thread_id" uuid null;`);
    this.addSql(`alter table "chat_group" add column "muted_all_until" timestamptz null, add column "warn_threshold" int not null default 3, add column "warn_window_days" int not null default 90, add column "warn_mute_minutes" int not null default 1440;`);
    this.addSql(`alter table "group_member" add column "muted_until" timestamptz null;`);
    this.addSql(`alter table "thread" add column "removed_at" timestamptz null, add column "removal_reason" varchar(16) null;`);
    this.addSql(`alter table "thread_reply" add column "removed_at" timestamptz null, add column "removal_reason" varchar(16) null;`);
    this.addSql(`alter table "notification" add constraint "notification_kind_check" check("kind" in ('thread_reply', 'mention', 'discussion_invite', 'meeting_invite', 'meeting_changed', 'meeting_cancelled', 'meeting_reminder', 'meeting_nudge', 'announcement', 'document_request', 'document_request_answered', 'content_removed', 'content_restored', 'content_moved', 'warning', 'warning_revoked', 'muted', 'unmuted', 'report_resolved'));`);
  }

  override async down(): Promise<void> {
    // Without removed_at, removed content (a leak, an improper post) would reappear: refuse instead.
    this.addSql(`do $$ begin
      if exists (select 1 from "message" where "removed_at" is not null)
         or exists (select 1 from "thread" where "removed_at" is not null)
         or exists (select 1 from "thread_reply" where "removed_at" is not null) then
        raise exception '存在已被管理员移除的内容，回滚会使其重新出现，已拒绝。请改为恢复升级前的备份';
      end if;
    end $$;`);
    this.addSql(`alter table "notification" drop constraint "notification_kind_check";`);
    this.addSql(`delete from "notification" where "kind" in ('content_removed', 'content_restored', 'content_moved', 'warning', 'warning_revoked', 'muted', 'unmuted', 'report_resolved');`);
    this.addSql(`alter table "notification" add constraint "notification_kind_check" check("kind" in ('thread_reply', 'mention', 'discussion_invite', 'meeting_invite', 'meeting_changed', 'meeting_cancelled', 'meeting_reminder', 'meeting_nudge', 'announcement', 'document_request', 'document_request_answered'));`);
    this.addSql(`alter table "thread_reply" drop column "removed_at", drop column "removal_reason";`);
    this.addSql(`alter table "thread" drop column "removed_at", drop column "removal_reason";`);
    this.addSql(`alter table "group_member" drop column "muted_until";`);
    this.addSql(`alter table "chat_group" drop column "muted_all_until", drop column "warn_threshold", drop column "warn_window_days", drop column "warn_mute_minutes";`);
    this.addSql(`alter table "message" drop column "removed_at", drop column "removal_reason", drop column "moved_to_thread_id";`);
    this.addSql(`drop table if exists "moderation_report", "moderation_sanction" cascade;`);
  }
}
