import { Migration } from '@mikro-orm/migrations';

/**
 * Confidentiality flags (保密标识) and sensitive-content rules (保密提醒), issue 5.
 * - `confidentiality` on message, thread and thread_reply: 'normal' | 'internal' | 'restricted'.
 * - `content_audience`: the members named on a restricted message, thread or reply.
 * - `sensitive_rule`: system-level (group_id null) and per-group terms and pattern overrides.
 * - Two SQL functions used by every read path (history, search, unread counts, notifications):
 *   `jl_conversation_group(conversation)` is the group a group or discussion conversation belongs
 *   to (null for private chats), and `jl_may_read(subject, level, author, group, viewer)` says
 *   whether a viewer may read a piece of content: anything not restricted, or its author, a
 *   named reader, or a current owner/admin of the group. Both are plain SQL (inlined by the
 *   planner); the level test comes first so that unrestricted rows cost nothing more.
 * The table and column SQL is generated from the entities (schema diff against the migrations before).
 */
export class Migration20261125150000Confidentiality extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "content_audience" ("subject_id" uuid not null, "user_id" uuid not null, "kind" text check ("kind" in ('message', 'thread', 'reply')) not null, constraint "content_audience_pkey" primary key ("subject_id", "user_id"));`);
    this.addSql(`create index "content_audience_user_id_index" on "content_audience" ("user_id");`);

    this.addSql(`create table "sensitive_rule" ("id" uuid not null, "group_id" uuid null, "kind" text check ("kind" in ('term', 'pattern')) not null, "value" varchar(30) not null, "action" text check ("action" in ('warn', 'block')) not null default 'warn', "created_by_id" uuid null, "created_at" timestamptz not null, constraint "sensitive_rule_pkey" primary key ("id"));`);
    this.addSql(`create index "sensitive_rule_group_id_index" on "sensitive_rule" ("group_id");`);
    this.addSql(`create unique index "sensitive_rule_scope_unique" on "sensitive_rule" (coalesce("group_id", '00000000-0000-0000-0000-000000000000'::uuid), "kind", "value");`);

    this.addSql(`alter table "content_audience" add constraint "content_audience_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sensitive_rule" add constraint "sensitive_rule_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "sensitive_rule" add constraint "sensitive_rule_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "message" add column "confidentiality" text check ("confidentiality" in ('normal', 'internal', 'restricted')) not null default 'normal';`);
    this.addSql(`alter table "thread" add column "confidentiality" text check ("confidentiality" in ('normal', 'internal', 'restricted')) not null default 'normal';`);
    this.addSql(`alter table "thread_reply" add column "confidentiality" text check ("confidentiality" in ('normal', 'internal', 'restricted')) not null default 'normal';`);

    this.addSql(`create or replace function jl_conversation_group(p_conversation uuid) returns uuid language sql stable as $$
      select coalesce((select g.id from chat_group g where g.conversation_id = p_conversation),
                      (select d.group_id from discussion_group d where d.conversation_id = p_conversation))
    $$;`);
    this.addSql(`create or replace function jl_may_read(p_subject uuid, p_level text, p_author uuid, p_group uuid, p_viewer uuid) returns boolean language sql stable as $$
      select p_level <> 'restricted' or p_author = p_viewer
          or exists (select 1 from content_audience a where a.subject_id = p_subject and a.user_id = p_viewer)
          or exists (select 1 from group_member gm where gm.group_id = p_group and gm.user_id = p_viewer and gm.role in ('owner', 'admin'))
    $$;`);
  }

  override async down(): Promise<void> {
    // Without the columns restricted content would be readable by the whole group: refuse instead.
    this.addSql(`do $$ begin
      if exists (select 1 from "message" where "confidentiality" = 'restricted')
         or exists (select 1 from "thread" where "confidentiality" = 'restricted')
         or exists (select 1 from "thread_reply" where "confidentiality" = 'restricted') then
        raise exception '存在受限（restricted）内容，回滚会使其对全群可见，已拒绝。请改为恢复升级前的备份';
      end if;
    end $$;`);
    this.addSql(`drop function if exists jl_may_read(uuid, text, uuid, uuid, uuid);`);
    this.addSql(`drop function if exists jl_conversation_group(uuid);`);
    this.addSql(`alter table "thread_reply" drop column "confidentiality";`);
    this.addSql(`alter table "thread" drop column "confidentiality";`);
    this.addSql(`alter table "message" drop column "confidentiality";`);
    this.addSql(`drop table if exists "sensitive_rule", "content_audience" cascade;`);
  }
}
