import { Migration } from '@mikro-orm/migrations';

/**
 * Meeting notices (会议通知) with invitees, read receipts and answers; group announcements (群公告)
 * and bulletins with read receipts; the PostgreSQL job table of the reminder scheduler; and the
 * group setting that lets plain members issue notices.
 */
export class Migration20261125030000Meetings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "scheduled_job" ("id" bigserial primary key, "kind" varchar(40) not null, "subject_id" uuid null, "run_at" timestamptz not null, "data" jsonb null, "attempts" int not null default 0, "last_error" varchar(500) null, "done_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "scheduled_job_due_index" on "scheduled_job" ("run_at") where "done_at" is null;`);
    this.addSql(`create index "scheduled_job_subject_id_index" on "scheduled_job" ("subject_id");`);
    this.addSql(`create table "meeting_notice" ("id" uuid not null, "group_id" uuid not null, "organizer_id" uuid not null, "title" varchar(100) not null, "agenda" text not null default '', "starts_at" timestamptz not null, "ends_at" timestamptz not null, "place" varchar(200) null, "online_url" varchar(500) null, "scope" text check ("scope" in ('group', 'units', 'members')) not null default 'group', "scope_unit_ids" jsonb null, "status" text check ("status" in ('active', 'cancelled')) not null default 'active', "cancel_reason" varchar(200) null, "cancelled_at" timestamptz null, "sequence" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "meeting_notice_pkey" primary key ("id"), constraint meeting_notice_times_check check (ends_at > starts_at));`);
    this.addSql(`create index "meeting_notice_organizer_id_index" on "meeting_notice" ("organizer_id");`);
    this.addSql(`create index "meeting_notice_group_id_starts_at_index" on "meeting_notice" ("group_id", "starts_at");`);
    this.addSql(`create table "meeting_invitee" ("meeting_id" uuid not null, "user_id" uuid not null, "substitute_for_id" uuid null, "invited_at" timestamptz not null, "read_at" timestamptz null, "answer" text check ("answer" in ('attend', 'leave', 'delegate')) null, "reason" varchar(200) null, "substitute_id" uuid null, "answered_at" timestamptz null, constraint "meeting_invitee_pkey" primary key ("meeting_id", "user_id"));`);
    this.addSql(`create index "meeting_invitee_pending_index" on "meeting_invitee" ("user_id") where "answer" is null;`);
    this.addSql(`create table "announcement" ("id" uuid not null, "group_id" uuid not null, "author_id" uuid not null, "title" varchar(100) not null, "body" text not null, "bulletin_id" uuid null, "pinned_at" timestamptz null, "created_at" timestamptz not null, "edited_at" timestamptz null, constraint "announcement_pkey" primary key ("id"));`);
    this.addSql(`create index "announcement_author_id_index" on "announcement" ("author_id");`);
    this.addSql(`create index "announcement_group_id_created_at_index" on "announcement" ("group_id", "created_at");`);
    this.addSql(`create index "announcement_bulletin_id_index" on "announcement" ("bulletin_id");`);
    this.addSql(`create table "announcement_read" ("announcement_id" uuid not null, "user_id" uuid not null, "read_at" timestamptz not null, constraint "announcement_read_pkey" primary key ("announcement_id", "user_id"));`);
    this.addSql(`create index "announcement_read_user_id_index" on "announcement_read" ("user_id");`);
    this.addSql(`alter table "meeting_notice" add constraint "meeting_notice_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meeting_notice" add constraint "meeting_notice_organizer_id_foreign" foreign key ("organizer_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "meeting_invitee" add constraint "meeting_invitee_meeting_id_foreign" foreign key ("meeting_id") references "meeting_notice" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meeting_invitee" add constraint "meeting_invitee_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "meeting_invitee" add constraint "meeting_invitee_substitute_for_id_foreign" foreign key ("substitute_for_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "meeting_invitee" add constraint "meeting_invitee_substitute_id_foreign" foreign key ("substitute_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "announcement" add constraint "announcement_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "announcement" add constraint "announcement_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "announcement_read" add constraint "announcement_read_announcement_id_foreign" foreign key ("announcement_id") references "announcement" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "announcement_read" add constraint "announcement_read_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "chat_group" add column "members_may_issue_meetings" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "chat_group" drop column "members_may_issue_meetings";`);
    this.addSql(`drop table if exists "announcement_read", "announcement", "meeting_invitee", "meeting_notice", "scheduled_job" cascade;`);
  }
}
