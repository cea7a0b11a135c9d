import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { ChatGroup, Conversation } from './Chat.js';
import { User } from './User.js';
import type { ConfidentialityLevel } from './Confidentiality.js';

/**
 * The group BBS: boards (版块) hold threads; a thread's replies are numbered floors. Titles and
 * bodies are stored as written (Markdown source) and rendered safely when read. Search vectors
 * are written by the application (jieba segmentation) in the same transaction as the text.
 */
export class Board {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  name!: string;
  /** Display order within the group, ascending. */
  position = 0;
  archivedAt: Date | null = null;
  createdAt: Date = new Date();
}

export const BoardSchema = new EntitySchema<Board>({
  class: Board,
  tableName: 'board',
  uniques: [{ name: 'board_group_id_name_unique', properties: ['group', 'name'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    name: { type: 'string', length: 20 },
    position: { type: 'integer', default: 0 },
    archivedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export class Thread {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  board!: Ref<Board>;
  author!: Ref<User>;
  title!: string;
  body!: string;
  createdAt: Date = new Date();
  editedAt: Date | null = null;
  lastActivityAt: Date = new Date();
  pinnedAt: Date | null = null;
  essence = false;
  lockedAt: Date | null = null;
  viewCount = 0;
  /** Replies not deleted. */
  replyCount = 0;
  /** Floor number of the newest reply; the next reply takes lastFloor + 1 under this row's lock. */
  lastFloor = 0;
  /** 保密标识 of the thread; a restricted thread (and all its floors) is for its readers only. */
  confidentiality: ConfidentialityLevel = 'normal';
  /** Removed by a group admin (moderation): hidden from members, kept for admins and the audit. */
  removedAt: Date | null = null;
  removalReason: string | null = null;
  /** jieba-segmented tsvector, written by SQL only. */
  searchVector?: string | null;
}

export const ThreadSchema = new EntitySchema<Thread>({
  class: Thread,
  tableName: 'thread',
  indexes: [
    {
      name: 'thread_board_order_index',
      expression: 'create index "thread_board_order_index" on "thread" ("board_id", ("pinned_at" is not null) desc, "last_activity_at" desc, "id" desc)',
    },
    { name: 'thread_group_id_last_activity_at_index', properties: ['group', 'lastActivityAt'] },
    // A group's threads newest first by time: search's merged walk (one child per group).
    { name: 'thread_group_id_created_at_id_index', properties: ['group', 'createdAt', 'id'] },
    // Search within the viewer's groups (btree_gin): a word's matches in one group (a group holds few threads).
    { name: 'thread_group_id_search_vector_index', expression: 'create index "thread_group_id_search_vector_index" on "thread" using gin ("group_id", "search_vector")' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    board: { kind: 'm:1', entity: () => Board, ref: true, deleteRule: 'cascade' },
    author: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict', index: 'thread_author_id_index' },
    title: { type: 'string', length: 100 },
    body: { type: 'text' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    editedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    lastActivityAt: { type: 'datetime', columnType: 'timestamptz' },
    pinnedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    essence: { type: 'boolean', default: false },
    lockedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    viewCount: { type: 'integer', default: 0 },
    replyCount: { type: 'integer', default: 0 },
    lastFloor: { type: 'integer', default: 0 },
    confidentiality: { enum: true, items: ['normal', 'internal', 'restricted'], default: 'normal' },
    removedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    removalReason: { type: 'string', length: 16, nullable: true },
    searchVector: { type: 'unknown', columnType: 'tsvector', nullable: true, lazy: true },
  },
});

/** A numbered reply (楼). Deleting leaves a tombstone so that floor numbers hold. */
export class ThreadReply {
  id: string = randomUUID();
  thread!: Ref<Thread>;
  /** The thread's group, kept on the reply so that search reads a group's replies directly. */
  group!: Ref<ChatGroup>;
  floor!: number;
  author!: Ref<User>;
  body!: string;
  quote: Ref<ThreadReply> | null = null;
  createdAt: Date = new Date();
  editedAt: Date | null = null;
  deletedAt: Date | null = null;
  /** 保密标识 of this floor; a restricted floor keeps its number as a placeholder for others. */
  confidentiality: ConfidentialityLevel = 'normal';
  /** Removed by a group admin (moderation): a tombstone with the reason for members. */
  removedAt: Date | null = null;
  removalReason: string | null = null;
  /** jieba-segmented tsvector, written by SQL only. */
  searchVector?: string | null;
  /** The reply's number within its group (chat_group.last_reply_seq), for search's blocks. */
  groupSeq!: number;
}

export const ThreadReplySchema = new EntitySchema<ThreadReply>({
  class: ThreadReply,
  tableName: 'thread_reply',
  uniques: [
    { name: 'thread_reply_thread_id_floor_unique', properties: ['thread', 'floor'] },
    // Also a group's replies newest first (search's walk for a common word).
    { name: 'thread_reply_group_id_group_seq_unique', properties: ['group', 'groupSeq'] },
  ],
  indexes: [
    // A group's replies newest first by time: search's merged walk (one child per group).
    { name: 'thread_reply_group_id_created_at_id_index', properties: ['group', 'createdAt', 'id'] },
    // Search within the viewer's groups (btree_gin): a word's matches in one block of 256
    // consecutive replies of a group, so that search probes a group's newest blocks first.
    {
      name: 'thread_reply_search_block_index',
      expression: 'create index "thread_reply_search_block_index" on "thread_reply" using gin ("group_id", (uuid_hash_extended("group_id", 0) # ("group_seq" >> 8)), "search_vector")',
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    thread: { kind: 'm:1', entity: () => Thread, ref: true, deleteRule: 'cascade' },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    floor: { type: 'integer' },
    author: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict', index: 'thread_reply_author_id_index' },
    body: { type: 'text' },
    quote: { kind: 'm:1', entity: () => ThreadReply, ref: true, nullable: true, deleteRule: 'set null' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    editedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    deletedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    confidentiality: { enum: true, items: ['normal', 'internal', 'restricted'], default: 'normal' },
    removedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    removalReason: { type: 'string', length: 16, nullable: true },
    searchVector: { type: 'unknown', columnType: 'tsvector', nullable: true, lazy: true },
    groupSeq: { type: 'integer' },
  },
});

/** The text a thread or reply had before an edit (kept for the record). */
export class PostEdit {
  id!: string;
  thread!: Ref<Thread>;
  reply: Ref<ThreadReply> | null = null;
  previousTitle: string | null = null;
  previousBody!: string;
  editor!: Ref<User>;
  editedAt: Date = new Date();
}

export const PostEditSchema = new EntitySchema<PostEdit>({
  class: PostEdit,
  tableName: 'post_edit',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    thread: { kind: 'm:1', entity: () => Thread, ref: true, deleteRule: 'cascade', index: 'post_edit_thread_id_index' },
    reply: { kind: 'm:1', entity: () => ThreadReply, ref: true, nullable: true, deleteRule: 'cascade', index: 'post_edit_reply_id_index' },
    previousTitle: { type: 'string', length: 100, nullable: true },
    previousBody: { type: 'text' },
    editor: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    editedAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/** A member following a thread (their own automatically); lastSeenFloor gives new-reply counts. */
export class ThreadFollow {
  thread!: Ref<Thread>;
  user!: Ref<User>;
  lastSeenFloor = 0;
  createdAt: Date = new Date();
}

export const ThreadFollowSchema = new EntitySchema<ThreadFollow>({
  class: ThreadFollow,
  tableName: 'thread_follow',
  properties: {
    thread: { kind: 'm:1', entity: () => Thread, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade', index: 'thread_follow_user_id_index' },
    lastSeenFloor: { type: 'integer', default: 0 },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const NOTIFICATION_KINDS = [
  'thread_reply',
  'mention',
  'discussion_invite',
  'meeting_invite',
  'meeting_changed',
  'meeting_cancelled',
  'meeting_reminder',
  'meeting_nudge',
  'announcement',
  'document_request',
  'document_request_answered',
  'content_removed',
  'content_restored',
  'content_moved',
  'warning',
  'warning_revoked',
  'muted',
  'unmuted',
  'report_resolved',
  'group_application',
  'application_approved',
  'application_rejected',
  'group_invitation',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Something for one user to look at: a reply in a followed thread, a mention, an invitation to a discussion group. */
export class Notification {
  id!: string;
  user!: Ref<User>;
  kind!: NotificationKind;
  actor!: Ref<User>;
  group!: Ref<ChatGroup>;
  thread: Ref<Thread> | null = null;
  reply: Ref<ThreadReply> | null = null;
  conversation: Ref<Conversation> | null = null;
  /** For meetings, announcements and document requests: the id of the thing (its module resolves it). */
  subjectId: string | null = null;
  /** Details for the reader, e.g. what changed in a meeting notice. */
  data: Record<string, unknown> | null = null;
  createdAt: Date = new Date();
  readAt: Date | null = null;
}

export const NotificationSchema = new EntitySchema<Notification>({
  class: Notification,
  tableName: 'notification',
  indexes: [
    { name: 'notification_user_id_id_index', properties: ['user', 'id'] },
    { name: 'notification_unread_index', expression: 'create index "notification_unread_index" on "notification" ("user_id") where "read_at" is null' },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    user: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    kind: { enum: true, items: [...NOTIFICATION_KINDS] },
    actor: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    thread: { kind: 'm:1', entity: () => Thread, ref: true, nullable: true, deleteRule: 'cascade' },
    reply: { kind: 'm:1', entity: () => ThreadReply, ref: true, nullable: true, deleteRule: 'cascade' },
    conversation: { kind: 'm:1', entity: () => Conversation, ref: true, nullable: true, deleteRule: 'cascade' },
    subjectId: { type: 'uuid', nullable: true },
    data: { type: 'json', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    readAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

/** A discussion group (讨论组): a conversation for one topic among some members of a group. */
export class DiscussionGroup {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  conversation!: Ref<Conversation>;
  topic!: string;
  creator!: Ref<User>;
  createdAt: Date = new Date();
  /** Archived discussions are read-only. */
  archivedAt: Date | null = null;
}

export const DiscussionGroupSchema = new EntitySchema<DiscussionGroup>({
  class: DiscussionGroup,
  tableName: 'discussion_group',
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade', index: 'discussion_group_group_id_index' },
    conversation: { kind: '1:1', entity: () => Conversation, ref: true, owner: true, deleteRule: 'restrict', unique: 'discussion_group_conversation_id_unique' },
    topic: { type: 'string', length: 30 },
    creator: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    archivedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

export const forumEntities = [BoardSchema, ThreadSchema, ThreadReplySchema, PostEditSchema, ThreadFollowSchema, NotificationSchema, DiscussionGroupSchema];
