import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { ChatGroup, Conversation, Message } from './Chat.js';
import { Thread, ThreadReply } from './Forum.js';
import { MeetingNotice } from './Meetings.js';
import { User } from './User.js';

/**
 * Files. Bytes live in object storage under a random key (stored_object); identical content
 * within one library (a group, or a private conversation) is stored once. A document is a
 * named entry of a library with versions; messages, threads and replies attach versions.
 */
export class StoredObject {
  id: string = randomUUID();
  group: Ref<ChatGroup> | null = null;
  conversation: Ref<Conversation> | null = null;
  sha256!: string;
  size!: number;
  mime!: string;
  storageKey!: string;
  createdAt: Date = new Date();
}

export const StoredObjectSchema = new EntitySchema<StoredObject>({
  class: StoredObject,
  tableName: 'stored_object',
  checks: [{ name: 'stored_object_one_library_check', expression: 'num_nonnulls(group_id, conversation_id) = 1' }],
  indexes: [
    { name: 'stored_object_group_sha256_unique', expression: 'create unique index "stored_object_group_sha256_unique" on "stored_object" ("group_id", "sha256") where "group_id" is not null' },
    { name: 'stored_object_conversation_sha256_unique', expression: 'create unique index "stored_object_conversation_sha256_unique" on "stored_object" ("conversation_id", "sha256") where "conversation_id" is not null' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, nullable: true, deleteRule: 'cascade' },
    conversation: { kind: 'm:1', entity: () => Conversation, ref: true, nullable: true, deleteRule: 'cascade' },
    sha256: { type: 'string', length: 64 },
    size: { type: 'bigint' },
    mime: { type: 'string', length: 100 },
    storageKey: { type: 'string', length: 80, unique: 'stored_object_storage_key_unique' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export class DocumentFolder {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  parent: Ref<DocumentFolder> | null = null;
  name!: string;
  createdBy!: Ref<User>;
  createdAt: Date = new Date();
}

export const DocumentFolderSchema = new EntitySchema<DocumentFolder>({
  class: DocumentFolder,
  tableName: 'document_folder',
  indexes: [
    {
      name: 'document_folder_name_unique',
      expression: `create unique index "document_folder_name_unique" on "document_folder" ("group_id", coalesce("parent_id", '00000000-0000-0000-0000-000000000000'::uuid), "name")`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    parent: { kind: 'm:1', entity: () => DocumentFolder, ref: true, nullable: true, deleteRule: 'cascade' },
    name: { type: 'string', length: 50 },
    createdBy: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export class Document {
  id: string = randomUUID();
  /** The library: a group's, or a private conversation's (files sent in a 私聊). */
  group: Ref<ChatGroup> | null = null;
  conversation: Ref<Conversation> | null = null;
  folder: Ref<DocumentFolder> | null = null;
  /** Display name of the newest version (the original file name). */
  name!: string;
  uploader!: Ref<User>;
  latestVersion = 1;
  downloadCount = 0;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
  deletedAt: Date | null = null;
  deletedBy: Ref<User> | null = null;
  /** jieba-segmented name, for search. */
  searchVector?: string | null;
}

export const DocumentSchema = new EntitySchema<Document>({
  class: Document,
  tableName: 'document',
  checks: [{ name: 'document_one_library_check', expression: 'num_nonnulls(group_id, conversation_id) = 1' }],
  indexes: [
    { name: 'document_group_id_folder_id_index', properties: ['group', 'folder'] },
    { name: 'document_search_vector_index', expression: 'create index "document_search_vector_index" on "document" using gin ("search_vector")' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, nullable: true, deleteRule: 'cascade' },
    conversation: { kind: 'm:1', entity: () => Conversation, ref: true, nullable: true, deleteRule: 'cascade', index: 'document_conversation_id_index' },
    folder: { kind: 'm:1', entity: () => DocumentFolder, ref: true, nullable: true, deleteRule: 'set null' },
    name: { type: 'string', length: 200 },
    uploader: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    latestVersion: { type: 'integer', default: 1 },
    downloadCount: { type: 'integer', default: 0 },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz' },
    deletedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    deletedBy: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'restrict' },
    searchVector: { type: 'unknown', columnType: 'tsvector', nullable: true, lazy: true },
  },
});

export class DocumentVersion {
  id: string = randomUUID();
  document!: Ref<Document>;
  version!: number;
  object!: Ref<StoredObject>;
  name!: string;
  uploader!: Ref<User>;
  createdAt: Date = new Date();
}

export const DocumentVersionSchema = new EntitySchema<DocumentVersion>({
  class: DocumentVersion,
  tableName: 'document_version',
  uniques: [{ name: 'document_version_document_id_version_unique', properties: ['document', 'version'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    document: { kind: 'm:1', entity: () => Document, ref: true, deleteRule: 'cascade' },
    version: { type: 'integer' },
    object: { kind: 'm:1', entity: () => StoredObject, ref: true, deleteRule: 'restrict', index: 'document_version_object_id_index' },
    name: { type: 'string', length: 200 },
    uploader: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/** A document version attached to a message, a thread, a reply or a meeting notice (exactly one of them). */
export class Attachment {
  id!: string;
  version!: Ref<DocumentVersion>;
  message: Ref<Message> | null = null;
  thread: Ref<Thread> | null = null;
  reply: Ref<ThreadReply> | null = null;
  meeting: Ref<MeetingNotice> | null = null;
  createdAt: Date = new Date();
}

export const AttachmentSchema = new EntitySchema<Attachment>({
  class: Attachment,
  tableName: 'attachment',
  checks: [{ name: 'attachment_one_owner_check', expression: 'num_nonnulls(message_id, thread_id, reply_id, meeting_id) = 1' }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    version: { kind: 'm:1', entity: () => DocumentVersion, ref: true, deleteRule: 'restrict', index: 'attachment_version_id_index' },
    message: { kind: 'm:1', entity: () => Message, ref: true, nullable: true, deleteRule: 'cascade', index: 'attachment_message_id_index' },
    thread: { kind: 'm:1', entity: () => Thread, ref: true, nullable: true, deleteRule: 'cascade', index: 'attachment_thread_id_index' },
    reply: { kind: 'm:1', entity: () => ThreadReply, ref: true, nullable: true, deleteRule: 'cascade', index: 'attachment_reply_id_index' },
    meeting: { kind: 'm:1', entity: () => MeetingNotice, ref: true, nullable: true, deleteRule: 'cascade', index: 'attachment_meeting_id_index' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export type DocumentRequestStatus = 'open' | 'fulfilled' | 'closed';

/** 资料寻找: a member asks the group, or one official in it, for a document. */
export class DocumentRequest {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  requester!: Ref<User>;
  addressee: Ref<User> | null = null;
  title!: string;
  details: string | null = null;
  dueDate: string | null = null;
  status: DocumentRequestStatus = 'open';
  createdAt: Date = new Date();
  closedAt: Date | null = null;
}

export const DocumentRequestSchema = new EntitySchema<DocumentRequest>({
  class: DocumentRequest,
  tableName: 'document_request',
  indexes: [{ name: 'document_request_group_id_status_index', properties: ['group', 'status'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    requester: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    addressee: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null', index: 'document_request_addressee_id_index' },
    title: { type: 'string', length: 100 },
    details: { type: 'string', length: 1000, nullable: true },
    dueDate: { type: 'date', nullable: true },
    status: { enum: true, items: ['open', 'fulfilled', 'closed'], default: 'open' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    closedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

/** An answer to a document request: a document version, with a note. */
export class DocumentRequestAnswer {
  id!: string;
  request!: Ref<DocumentRequest>;
  version!: Ref<DocumentVersion>;
  answerer!: Ref<User>;
  note: string | null = null;
  createdAt: Date = new Date();
}

export const DocumentRequestAnswerSchema = new EntitySchema<DocumentRequestAnswer>({
  class: DocumentRequestAnswer,
  tableName: 'document_request_answer',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    request: { kind: 'm:1', entity: () => DocumentRequest, ref: true, deleteRule: 'cascade', index: 'document_request_answer_request_id_index' },
    version: { kind: 'm:1', entity: () => DocumentVersion, ref: true, deleteRule: 'restrict' },
    answerer: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    note: { type: 'string', length: 500, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const documentEntities = [StoredObjectSchema, DocumentFolderSchema, DocumentSchema, DocumentVersionSchema, AttachmentSchema, DocumentRequestSchema, DocumentRequestAnswerSchema];
