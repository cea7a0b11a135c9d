import { Migration } from '@mikro-orm/migrations';

/** Groups, conversations, messages (mentions, edits, reactions), blocks, stored chat events, presence. */
export class Migration20261124200000Chat extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "conversation" ("id" uuid not null, "kind" text check ("kind" in ('group', 'direct')) not null, "last_seq" int not null default 0, "direct_key" varchar(80) null, "last_message_at" timestamptz null, "created_at" timestamptz not null, constraint "conversation_pkey" primary key ("id"));`);
    this.addSql(`alter table "conversation" add constraint "conversation_direct_key_unique" unique ("direct_key");`);
    this.addSql(`create table "chat_event" ("id" bigserial primary key, "conversation_id" uuid not null, "type" varchar(32) not null, "message_id" uuid null, "user_id" uuid null, "only_user_id" uuid null, "data" jsonb null, "at" timestamptz not null);`);
    this.addSql(`create index "chat_event_conversation_id_id_index" on "chat_event" ("conversation_id", "id");`);
    this.addSql(`create table "message" ("id" uuid not null, "conversation_id" uuid not null, "seq" int not null, "author_id" uuid not null, "body" text not null, "reply_to_id" uuid null, "client_message_id" varchar(64) not null, "mentions_all" boolean not null default false, "created_at" timestamptz not null, "edited_at" timestamptz null, "recalled_at" timestamptz null, constraint "message_pkey" primary key ("id"));`);
    this.addSql(`alter table "message" add constraint "message_conversation_id_seq_unique" unique ("conversation_id", "seq");`);
    this.addSql(`alter table "message" add constraint "message_author_id_client_message_id_unique" unique ("author_id", "client_message_id");`);
    this.addSql(`create table "message_reaction" ("message_id" uuid not null, "user_id" uuid not null, "emoji" varchar(32) not null, "created_at" timestamptz not null, constraint "message_reaction_pkey" primary key ("message_id", "user_id", "emoji"));`);
    this.addSql(`create table "message_mention" ("message_id" uuid not null, "user_id" uuid not null, constraint "message_mention_pkey" primary key ("message_id", "user_id"));`);
    this.addSql(`create index "message_mention_user_id_index" on "message_mention" ("user_id");`);
    this.addSql(`create table "message_edit" ("id" bigserial primary key, "message_id" uuid not null, "previous_body" text not null, "edited_at" timestamptz not null);`);
    this.addSql(`create index "message_edit_message_id_index" on "message_edit" ("message_id");`);
    this.addSql(`create table "conversation_member" ("conversation_id" uuid not null, "user_id" uuid not null, "last_read_seq" int not null default 0, "joined_at" timestamptz not null, constraint "conversation_member_pkey" primary key ("conversation_id", "user_id"));`);
    this.addSql(`create index "conversation_member_user_id_index" on "conversation_member" ("user_id");`);
    this.addSql(`create table "chat_group" ("id" uuid not null, "name" varchar(30) not null, "purpose" varchar(500) not null, "rules" text not null, "visibility" text check ("visibility" in ('listed', 'invite_only')) not null default 'listed', "owner_id" uuid not null, "conversation_id" uuid not null, "max_members" int not null default 2000, "member_count" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "chat_group_pkey" primary key ("id"));`);
    this.addSql(`create index "chat_group_name_index" on "chat_group" ("name");`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_conversation_id_unique" unique ("conversation_id");`);
    this.addSql(`create table "group_member" ("group_id" uuid not null, "user_id" uuid not null, "role" text check ("role" in ('owner', 'admin', 'member')) not null default 'member', "joined_at" timestamptz not null, "rules_accepted_at" timestamptz not null, constraint "group_member_pkey" primary key ("group_id", "user_id"));`);
    this.addSql(`create index "group_member_user_id_index" on "group_member" ("user_id");`);
    this.addSql(`create table "group_invitation" ("id" uuid not null, "group_id" uuid not null, "invitee_id" uuid not null, "inviter_id" uuid not null, "status" text check ("status" in ('pending', 'accepted', 'declined')) not null default 'pending', "created_at" timestamptz not null, "responded_at" timestamptz null, constraint "group_invitation_pkey" primary key ("id"));`);
    this.addSql(`create index "group_invitation_invitee_id_status_index" on "group_invitation" ("invitee_id", "status");`);
    this.addSql(`create unique index "group_invitation_pending_unique" on "group_invitation" ("group_id", "invitee_id") where "status" = 'pending';`);
    this.addSql(`create table "group_application" ("id" uuid not null, "group_id" uuid not null, "applicant_id" uuid not null, "message" varchar(200) null, "status" text check ("status" in ('pending', 'approved', 'rejected', 'withdrawn')) not null default 'pending', "reason" varchar(200) null, "reviewed_by_id" uuid null, "reviewed_at" timestamptz null, "created_at" timestamptz not null, constraint "group_application_pkey" primary key ("id"));`);
    this.addSql(`create index "group_application_group_id_status_index" on "group_application" ("group_id", "status");`);
    this.addSql(`create unique index "group_application_pending_unique" on "group_application" ("group_id", "applicant_id") where "status" = 'pending';`);
    this.addSql(`create table "user_block" ("blocker_id" uuid not null, "blocked_id" uuid not null, "created_at" timestamptz not null, constraint "user_block_pkey" primary key ("blocker_id", "blocked_id"));`);
    this.addSql(`alter table "chat_event" add constraint "chat_event_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message" add constraint "message_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message" add constraint "message_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "message" add constraint "message_reply_to_id_foreign" foreign key ("reply_to_id") references "message" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "message_reaction" add constraint "message_reaction_message_id_foreign" foreign key ("message_id") references "message" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message_reaction" add constraint "message_reaction_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message_mention" add constraint "message_mention_message_id_foreign" foreign key ("message_id") references "message" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message_mention" add constraint "message_mention_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "message_edit" add constraint "message_edit_message_id_foreign" foreign key ("message_id") references "message" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "conversation_member" add constraint "conversation_member_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "conversation_member" add constraint "conversation_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "group_member" add constraint "group_member_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_member" add constraint "group_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_invitation" add constraint "group_invitation_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_invitation" add constraint "group_invitation_invitee_id_foreign" foreign key ("invitee_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_invitation" add constraint "group_invitation_inviter_id_foreign" foreign key ("inviter_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_application" add constraint "group_application_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_application" add constraint "group_application_applicant_id_foreign" foreign key ("applicant_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "group_application" add constraint "group_application_reviewed_by_id_foreign" foreign key ("reviewed_by_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "user_block" add constraint "user_block_blocker_id_foreign" foreign key ("blocker_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_block" add constraint "user_block_blocked_id_foreign" foreign key ("blocked_id") references "app_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "app_user" add column "last_seen_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "app_user" drop column "last_seen_at";`);
    this.addSql(`drop table if exists "user_block", "group_application", "group_invitation", "group_member", "chat_group", "conversation_member", "message_edit", "message_mention", "message_reaction", "message", "chat_event", "conversation" cascade;`);
  }
}
