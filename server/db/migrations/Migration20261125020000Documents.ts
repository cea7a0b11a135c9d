import { Migration } from '@mikro-orm/migrations';

/** Files: stored objects (deduplicated per library), documents with versions and folders, attachments, document requests. */
export class Migration20261125020000Documents extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "stored_object" ("id" uuid not null, "group_id" uuid null, "conversation_id" uuid null, "sha256" varchar(64) not null, "size" bigint not null, "mime" varchar(100) not null, "storage_key" varchar(80) not null, "created_at" timestamptz not null, constraint "stored_object_pkey" primary key ("id"), constraint stored_object_one_library_check check (num_nonnulls(group_id, conversation_id) = 1));`);
    this.addSql(`alter table "stored_object" add constraint "stored_object_storage_key_unique" unique ("storage_key");`);
    this.addSql(`create unique index "stored_object_group_sha256_unique" on "stored_object" ("group_id", "sha256") where "group_id" is not null;`);
    this.addSql(`create unique index "stored_object_conversation_sha256_unique" on "stored_object" ("conversation_id", "sha256") where "conversation_id" is not null;`);
    this.addSql(`create table "document_request" ("id" uuid not null, "group_id" uuid not null, "requester_id" uuid not null, "addressee_id" uuid null, "title" varchar(100) not null, "details" varchar(1000) null, "due_date" date null, "status" text check ("status" in ('open', 'fulfilled', 'closed')) not null default 'open', "created_at" timestamptz not null, "closed_at" timestamptz null, constraint "document_request_pkey" primary key ("id"));`);
    this.addSql(`create index "document_request_addressee_id_index" on "document_request" ("addressee_id");`);
    this.addSql(`create index "document_request_group_id_status_index" on "document_request" ("group_id", "status");`);
    this.addSql(`create table "document_folder" ("id" uuid not null, "group_id" uuid not null, "parent_id" uuid null, "name" varchar(50) not null, "created_by_id" uuid not null, "created_at" timestamptz not null, constraint "document_folder_pkey" primary key ("id"));`);
    this.addSql(`create unique index "document_folder_name_unique" on "document_folder" ("group_id", coalesce("parent_id", '00000000-0000-0000-0000-000000000000'::uuid), "name");`);
    this.addSql(`create table "document" ("id" uuid not null, "group_id" uuid null, "conversation_id" uuid null, "folder_id" uuid null, "name" varchar(200) not null, "uploader_id" uuid not null, "latest_version" int not null default 1, "download_count" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, "deleted_by_id" uuid null, "search_vector" tsvector null, constraint "document_pkey" primary key ("id"), constraint document_one_library_check check (num_nonnulls(group_id, conversation_id) = 1));`);
    this.addSql(`create index "document_conversation_id_index" on "document" ("conversation_id");`);
    this.addSql(`create index "document_group_id_folder_id_index" on "document" ("group_id", "folder_id");`);
    this.addSql(`create index "document_search_vector_index" on "document" using gin ("search_vector");`);
    this.addSql(`create table "document_version" ("id" uuid not null, "document_id" uuid not null, "version" int not null, "object_id" uuid not null, "name" varchar(200) not null, "uploader_id" uuid not null, "created_at" timestamptz not null, constraint "document_version_pkey" primary key ("id"));`);
    this.addSql(`create index "document_version_object_id_index" on "document_version" ("object_id");`);
    this.addSql(`alter table "document_version" add constraint "document_version_document_id_version_unique" unique ("document_id", "version");`);
    this.addSql(`create table "document_request_answer" ("id" bigserial primary key, "request_id" uuid not null, "version_id" uuid not null, "answerer_id" uuid not null, "note" varchar(500) null, "created_at" timestamptz not null);`);
    this.addSql(`create index "document_request_answer_request_id_index" on "document_request_answer" ("request_id");`);
    this.addSql(`create table "attachment" ("id" bigserial primary key, "version_id" uuid not null, "message_id" uuid null, "thread_id" uuid null, "reply_id" uuid null, "created_at" timestamptz not null, constraint attachment_one_owner_check check (num_nonnulls(message_id, thread_id, reply_id) = 1));`);
    this.addSql(`create index "attachment_version_id_index" on "attachment" ("version_id");`);
    this.addSql(`create index "attachment_message_id_index" on "attachment" ("message_id");`);
    this.addSql(`create index "attachment_thread_id_index" on "attachment" ("thread_id");`);
    this.addSql(`create index "attachment_reply_id_index" on "attachment" ("reply_id");`);
    this.addSql(`alter table "stored_object" add constraint "stored_object_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "stored_object" add constraint "stored_object_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_request" add constraint "document_request_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_request" add constraint "document_request_requester_id_foreign" foreign key ("requester_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document_request" add constraint "document_request_addressee_id_foreign" foreign key ("addressee_id") references "app_user" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "document_folder" add constraint "document_folder_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_folder" add constraint "document_folder_parent_id_foreign" foreign key ("parent_id") references "document_folder" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_folder" add constraint "document_folder_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document" add constraint "document_group_id_foreign" foreign key ("group_id") references "chat_group" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document" add constraint "document_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document" add constraint "document_folder_id_foreign" foreign key ("folder_id") references "document_folder" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "document" add constraint "document_uploader_id_foreign" foreign key ("uploader_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document" add constraint "document_deleted_by_id_foreign" foreign key ("deleted_by_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document_version" add constraint "document_version_document_id_foreign" foreign key ("document_id") references "document" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_version" add constraint "document_version_object_id_foreign" foreign key ("object_id") references "stored_object" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document_version" add constraint "document_version_uploader_id_foreign" foreign key ("uploader_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document_request_answer" add constraint "document_request_answer_request_id_foreign" foreign key ("request_id") references "document_request" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "document_request_answer" add constraint "document_request_answer_version_id_foreign" foreign key ("version_id") references "document_version" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "document_request_answer" add constraint "document_request_answer_answerer_id_foreign" foreign key ("answerer_id") references "app_user" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "attachment" add constraint "attachment_version_id_foreign" foreign key ("version_id") references "document_version" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "attachment" add constraint "attachment_message_id_foreign" foreign key ("message_id") references "message" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "attachment" add constraint "attachment_thread_id_foreign" foreign key ("thread_id") references "thread" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "attachment" add constraint "attachment_reply_id_foreign" foreign key ("reply_id") references "thread_reply" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "attachment", "document_request_answer", "document_version", "document", "document_folder", "document_request", "stored_object" cascade;`);
  }
}
