import { Migration } from '@mikro-orm/migrations';

/** Accounts, the org-unit tree, sessions, login throttling and the append-only audit log. */
export class Migration20261124000000Initial extends Migration {
  override async up(): Promise<void> {
    // Chinese names sort by pinyin in the directory.
    this.addSql(`create collation if not exists "pinyin" (provider = icu, locale = 'zh-u-co-pinyin');`);
    this.addSql(`create table "org_unit" ("id" uuid not null, "name" varchar(100) not null, "level" text check ("level" in ('province', 'city', 'county')) not null, "parent_id" uuid null, "path" text not null, "sort_order" int not null default 0, "created_at" timestamptz not null, constraint "org_unit_pkey" primary key ("id"));`);
    this.addSql(`alter table "org_unit" add constraint "org_unit_name_unique" unique ("name");`);
    this.addSql(`create index "org_unit_parent_id_index" on "org_unit" ("parent_id");`);
    this.addSql(`create index "org_unit_path_index" on "org_unit" ("path");`);
    this.addSql(`alter table "org_unit" add constraint "org_unit_parent_id_foreign" foreign key ("parent_id") references "org_unit" ("id") on update cascade on delete restrict;`);

    this.addSql(`create table "app_user" ("id" uuid not null, "login_name" varchar(32) not null, "real_name" varchar(60) not null, "unit_id" uuid not null, "title" varchar(60) not null, "phone" varchar(20) null, "status" text check ("status" in ('pending', 'active', 'rejected', 'disabled')) not null default 'pending', "status_reason" varchar(200) null, "application_note" varchar(200) null, "is_system_admin" boolean not null default false, "password_hash" text not null, "reviewed_by_id" uuid null, "reviewed_at" timestamptz null, "password_changed_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_login_name_unique" unique ("login_name");`);
    this.addSql(`create index "app_user_real_name_index" on "app_user" ("real_name");`);
    this.addSql(`create index "app_user_unit_id_index" on "app_user" ("unit_id");`);
    this.addSql(`create index "app_user_status_index" on "app_user" ("status");`);
    this.addSql(`create index "app_user_directory_index" on "app_user" ("real_name" collate "pinyin", "id") where "status" = 'active';`);
    this.addSql(`alter table "app_user" add constraint "app_user_unit_id_foreign" foreign key ("unit_id") references "org_unit" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "app_user" add constraint "app_user_reviewed_by_id_foreign" foreign key ("reviewed_by_id") references "app_user" ("id") on update cascade on delete set null;`);

    this.addSql(`create table "unit_admin" ("user_id" uuid not null, "unit_id" uuid not null, constraint "unit_admin_pkey" primary key ("user_id", "unit_id"));`);
    this.addSql(`alter table "unit_admin" add constraint "unit_admin_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "unit_admin" add constraint "unit_admin_unit_id_foreign" foreign key ("unit_id") references "org_unit" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "session" ("id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(64) null, "user_agent" varchar(300) null, constraint "session_pkey" primary key ("id"));`);
    this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "login_attempt" ("id" bigserial primary key, "login_name" varchar(300) not null, "ip" varchar(64) not null, "succeeded" boolean not null, "at" timestamptz not null);`);
    this.addSql(`create index "login_attempt_login_name_at_index" on "login_attempt" ("login_name", "at");`);
    this.addSql(`create index "login_attempt_ip_at_index" on "login_attempt" ("ip", "at");`);

    this.addSql(`create table "audit_log" ("id" bigserial primary key, "at" timestamptz not null, "actor_id" uuid null, "action" varchar(64) not null, "target_type" varchar(32) not null, "target_id" varchar(64) not null, "unit_id" uuid null, "reason" varchar(500) null, "before" jsonb null, "after" jsonb null, "ip" varchar(64) null);`);
    this.addSql(`create index "audit_log_target_index" on "audit_log" ("target_type", "target_id");`);
    this.addSql(`create index "audit_log_unit_id_at_index" on "audit_log" ("unit_id", "at");`);
    // The audit log is append-only whatever the application does.
    this.addSql(`create function "audit_log_append_only"() returns trigger language plpgsql as $$ begin raise exception 'audit_log is append-only'; end $$;`);
    this.addSql(`create trigger "audit_log_no_update_delete" before update or delete on "audit_log" for each row execute function "audit_log_append_only"();`);
    this.addSql(`create trigger "audit_log_no_truncate" before truncate on "audit_log" for each statement execute function "audit_log_append_only"();`);
  }

  /** Back to an empty database (every later migration rolled back first). */
  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_log", "login_attempt", "session", "unit_admin", "app_user", "org_unit" cascade;`);
    this.addSql(`drop function if exists "audit_log_append_only"();`);
    this.addSql(`drop collation if exists "pinyin";`);
  }
}
