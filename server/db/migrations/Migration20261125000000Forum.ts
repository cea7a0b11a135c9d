import { Migration } from '@mikro-orm/migrations';

/**
 * The group BBS (boards, threads, floors, edits, follows), notifications, discussion groups, and
 * jieba-segmented search vectors with GIN indexes on messages, threads and replies.
 */
export class Migration20261125000000Forum extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "discussion_group" ("id" uuid not null, "group_id" uuid not null, "conversation_id" uuid not null, "topic" varchar(30) not null, "creator_id" uuid not null, "created_at" timestamptz not null, "archived_at" timestamptz null, constraint "discussion_group_pkey" primary key ("id"));`);
    this.addSql(`create index "discussion_group_group_id_index" on "discussion_group" ("group_id");`);
    this.addSql(`alter table "discussion_group" add constraint "discussion_group_conversation_id_unique" unique ("conversation_id");`);
    this.addSql(`create table "board" ("id" uuid not null, "group_id" uuid not null, "name" varchar(20) not null, "position" int not null default 0, "archived_at" timestamptz null, "created_at" timestamptz not null, constraint "board_pkey" primary key ("id"));`);
    this.addSql(`alter table "board" add constraint "board_group_id_name_unique" unique ("group_id", "name");`);
    this.addSql(`create table "thread" ("id" uuid not null, "group_id" uuid not null, "board_id" uuid not null, "author_id" uuid not null, "title" varchar(100) not null, "body" text not null, "created_at" timestamptz not null, "edited_at" timestamptz null, "last_activity_at" timestamptz not null, "pinned_at" timestamptz null, "essence" boolean not null default false, "locked_at" timestamptz null, "view_count" int not null default 0, "reply_count" int not null default 0, "last_floor" int not null default 0, "search_vector" tsvector null, constraint "thread_pkey" primary key ("id"));`);
    this.addSql(`create index "thread_author_id_index" on "thread" ("author_id");`);
    this.addSql(`create index "thread_board_order_index" on "thread" ("board_id", ("pinned_at" is not null) desc, "last_activity_at" desc, "id" desc);`);
    this.addSql(`create index "thread_group_id_last_activity_at_index" on "thread" ("group_id", "last_activity_at");`);
    this.addSql(`create index "thread_search_vector_index" on "thread" using gin ("search_vector");`);
    this.addSql(`create table "thread_reply" ("id" uuid not null, "thread_id" uuid not null, "floor" int not null, "author_id" uuid not null, "body" text not null, "quote_id" uuid null, "created_at" timestamptz not null, "edited_at" timestamptz null, "deleted_at" timestamptz null, "search_vector" tsvector null, constraint "thread_reply_pkey" primary key ("id"));`);
    this.addSql(`create index "thread_reply_author_id_index" on "thread_reply" ("author_id");`);
    this.addSql(`create index "thread_reply_search_vector_index" on "thread_reply" using gin ("search_vector");`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_thread_id_floor_unique" unique ("thread_id", "floor");`);
    this.addSql(`create table "thread_follow" ("thread_id" uuid not null, "user_id" uuid not null, "last_seen_floor" int not null default 0, "created_at" timestamptz not null, constraint "thread_follow_pkey" primary key ("thread_id", "user_id"));`);
    this.addSql(`create index "thread_follow_user_id_index" on "thread_follow" ("user_id");`);
    this.addSql(`create table "post_edit" ("id" bigserial primary key, "thread_id" uuid not null, "reply_id" uuid null, "previous_title" varchar(100) null, "previous_body" text not null, "editor_id" uuid not null, "edited_at" timestamptz not null);`);
    this.addSql(`create index "post_edit_thread_id_index" on "post_edit" ("thread_id");`);
    this.addSql(`create index "post_edit_reply_id_index" on "post_edit" ("reply_id");`);
    this.addSql(`create table "notification" ("id" bigserial primary key, "user_id" uuid not null, "kind" text check ("kind" in ('thread_reply', 'mention', 'discussion_invite')) not null, "actor_id" uuid not null, "group_id" uuid not null, "thread_id" uuid null, "reply_id" uuid null, "conversation_id" uuid null, "created_at" timestamptz not null, "read_at" timestamptz null);`);
    this.addSql(`create index "notification_user_id_id_index" on "notification" ("user_id", "id");`);
    this.addSql(`create index "notification_unread_index" on "notification" ("user_id") where "read_at" is null;`);
    this.addSql(`alter table "discussion_group" add constraint "discussion_group_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "discussion_group" add constraint "discussion_group_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "discussion_group" add constraint "discussion_group_creator_id_foreign" foreign key ("creator_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "board" add constraint "board_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread" add constraint "thread_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread" add constraint "thread_board_id_foreign" foreign key ("board_id") references "board" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread" add constraint "thread_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_thread_id_foreign" foreign key ("thread_id") references "thread" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "thread_reply" add constraint "thread_reply_quote_id_foreign" foreign key ("quote_id") references "thread_reply" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "thread_follow" add constraint "thread_follow_thread_id_foreign" foreign key ("thread_id") references "thread" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "thread_follow" add constraint "thread_follow_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "post_edit" add constraint "post_edit_thread_id_foreign" foreign key ("thread_id") references "thread" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "post_edit" add constraint "post_edit_reply_id_foreign" foreign key ("reply_id") references "thread_reply" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "post_edit" add constraint "post_edit_editor_id_foreign" foreign key ("editor_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "notification" add constraint "notification_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_thread_id_foreign" foreign key ("thread_id") references "thread" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_reply_id_foreign" foreign key ("reply_id") references "thread_reply" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notification" add constraint "notification_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "conversation" drop constraint if exists "conversation_kind_check";`);
    this.addSql(`alter table "conversation" add constraint "conversation_kind_check" check("kind" in ('group', 'direct', 'discussion'));`);
    this.addSql(`alter table "message" add column "search_vector" tsvector null;`);
    this.addSql(`create index "message_search_vector_index" on "message" using gin ("search_vector");`);
    // Every existing group gets the default boards a new group gets.
    this.addSql(`insert into "board" ("id", "group_id", "name", "position", "created_at")
      select gen_random_uuid(), g.id, b.name, b.position, now() from "chat_group" g
      cross join (values ('经验交流', 1), ('政策法规', 2), ('资料共享', 3)) as b(name, position)
      on conflict do nothing;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification", "post_edit", "thread_follow", "thread_reply", "thread", "board", "discussion_group" cascade;`);
    this.addSql(`drop index "message_search_vector_index";`);
    this.addSql(`alter table "message" drop column "search_vector";`);
    // Discussion conversations (and their messages) go with their groups: the older check does not allow them.
    this.addSql(`delete from "conversation" where "kind" = 'discussion';`);
    this.addSql(`alter table "conversation" drop constraint "conversation_kind_check";`);
    this.addSql(`alter table "conversation" add constraint "conversation_kind_check" check("kind" in ('group', 'direct'));`);
  }
}
