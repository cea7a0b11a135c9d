import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { User } from './User.js';
import type { ConfidentialityLevel } from './Confidentiality.js';

/** A stream of messages: a group's conversation, or a private one between two officials. */
export class Conversation {
  id: string = randomUUID();
  kind!: 'group' | 'direct' | 'discussion';
  /** Seq of the newest message; the next message takes lastSeq + 1 under this row's lock. */
  lastSeq = 0;
  /** For direct conversations: "<smaller user id>:<larger user id>", unique. */
  directKey: string | null = null;
  lastMessageAt: Date | null = null;
  createdAt: Date = new Date();
}

export const ConversationSchema = new EntitySchema<Conversation>({
  class: Conversation,
  tableName: 'conversation',
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { enum: true, items: ['group', 'direct', 'discussion'] },
    lastSeq: { type: 'integer', default: 0 },
    directKey: { type: 'string', length: 80, nullable: true, unique: 'conversation_direct_key_unique' },
    lastMessageAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/** Membership of a conversation, with the member's read cursor. Mirrors group membership for groups. */
export class ConversationMember {
  conversation!: Ref<Conversation>;
  user!: Ref<User>;
  lastReadSeq = 0;
  joinedAt: Date = new Date();
}

export const ConversationMemberSchema = new EntitySchema<ConversationMember>({
  class: ConversationMember,
  tableName: 'conversation_member',
  properties: {
    conversation: { kind: 'm:1', entity: () => Conversation, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade', index: 'conversation_member_user_id_index' },
    lastReadSeq: { type: 'integer', default: 0 },
    joinedAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export type GroupVisibility = 'listed' | 'invite_only';
export type GroupRole = 'owner' | 'admin' | 'member';

/** A work group: purpose (宗旨), rules (群规), members, one conversation. */
export class ChatGroup {
  id: string = randomUUID();
  name!: string;
  purpose!: string;
  rules!: string;
  visibility: GroupVisibility = 'listed';
  owner!: Ref<User>;
  conversation!: Ref<Conversation>;
  maxMembers = 2000;
  memberCount = 0;
  /** Whether plain members may issue meeting notices (admins always may). */
  membersMayIssueMeetings = false;
  /** 全员禁言: plain members may not post until then (far future = until lifted). */
  mutedAllUntil: Date | null = null;
  /** Escalation: this many active warnings within warnWindowDays mute the member for warnMuteMinutes. */
  warnThreshold = 3;
  warnWindowDays = 90;
  warnMuteMinutes = 1440;
  /** Replies in the group's BBS so far: each reply's group_seq, taken under this row's lock. */
  lastReplySeq = 0;
  /** Pinyin of the name, for search: set by the services that write the name (content/pinyin.ts groupPinyinKey); null until computed (the reindex fills it). */
  namePinyin: string | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const ChatGroupSchema = new EntitySchema<ChatGroup>({
  class: ChatGroup,
  tableName: 'chat_group',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 30, index: 'chat_group_name_index' },
    purpose: { type: 'string', length: 500 },
    rules: { type: 'text' },
    visibility: { enum: true, items: ['listed', 'invite_only'] },
    owner: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    conversation: { kind: '1:1', entity: () => Conversation, ref: true, owner: true, deleteRule: 'restrict' },
    maxMembers: { type: 'integer', default: 2000 },
    memberCount: { type: 'integer', default: 0 },
    membersMayIssueMeetings: { type: 'boolean', default: false },
    mutedAllUntil: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    warnThreshold: { type: 'integer', default: 3 },
    warnWindowDays: { type: 'integer', default: 90 },
    warnMuteMinutes: { type: 'integer', default: 1440 },
    lastReplySeq: { type: 'integer', default: 0 },
    namePinyin: { type: 'text', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() },
  },
});

export class GroupMember {
  group!: Ref<ChatGroup>;
  user!: Ref<User>;
  role: GroupRole = 'member';
  joinedAt: Date = new Date();
  /** When this member accepted the group rules (on joining). */
  rulesAcceptedAt: Date = new Date();
  /** 禁言: may read but not post, react or reply until then (far future = until lifted). */
  mutedUntil: Date | null = null;
}

export const GroupMemberSchema = new EntitySchema<GroupMember>({
  class: GroupMember,
  tableName: 'group_member',
  properties: {
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade', index: 'group_member_user_id_index' },
    role: { enum: true, items: ['owner', 'admin', 'member'] },
    joinedAt: { type: 'datetime', columnType: 'timestamptz' },
    rulesAcceptedAt: { type: 'datetime', columnType: 'timestamptz' },
    mutedUntil: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

export type ApplicationStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export class GroupApplication {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  applicant!: Ref<User>;
  message: string | null = null;
  status: ApplicationStatus = 'pending';
  reason: string | null = null;
  reviewedBy: Ref<User> | null = null;
  reviewedAt: Date | null = null;
  createdAt: Date = new Date();
}

export const GroupApplicationSchema = new EntitySchema<GroupApplication>({
  class: GroupApplication,
  tableName: 'group_application',
  indexes: [
    { name: 'group_application_group_id_status_index', properties: ['group', 'status'] },
    {
      name: 'group_application_pending_unique',
      expression: `create unique index "group_application_pending_unique" on "group_application" ("group_id", "applicant_id") where "status" = 'pending'`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    applicant: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    message: { type: 'string', length: 200, nullable: true },
    status: { enum: true, items: ['pending', 'approved', 'rejected', 'withdrawn'] },
    reason: { type: 'string', length: 200, nullable: true },
    reviewedBy: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    reviewedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export type InvitationStatus = 'pending' | 'accepted' | 'declined';

export class GroupInvitation {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  invitee!: Ref<User>;
  inviter!: Ref<User>;
  status: InvitationStatus = 'pending';
  createdAt: Date = new Date();
  respondedAt: Date | null = null;
}

export const GroupInvitationSchema = new EntitySchema<GroupInvitation>({
  class: GroupInvitation,
  tableName: 'group_invitation',
  indexes: [
    { name: 'group_invitation_invitee_id_status_index', properties: ['invitee', 'status'] },
    {
      name: 'group_invitation_pending_unique',
      expression: `create unique index "group_invitation_pending_unique" on "group_invitation" ("group_id", "invitee_id") where "status" = 'pending'`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    invitee: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    inviter: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    status: { enum: true, items: ['pending', 'accepted', 'declined'] },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    respondedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

/** A message. A recalled message keeps its body for the audit but never shows it again. */
export class Message {
  id: string = randomUUID();
  conversation!: Ref<Conversation>;
  seq!: number;
  author!: Ref<User>;
  body!: string;
  replyTo: Ref<Message> | null = null;
  clientMessageId!: string;
  mentionsAll = false;
  createdAt: Date = new Date();
  editedAt: Date | null = null;
  recalledAt: Date | null = null;
  /** 保密标识: normal, internal or restricted (readers in content_audience); only ever raised. */
  confidentiality: ConfidentialityLevel = 'normal';
  /** Removed by a group admin (moderation): members see a tombstone with the reason. */
  removedAt: Date | null = null;
  removalReason: string | null = null;
  /** An off-topic message moved to the BBS: the thread it became. */
  movedToThreadId: string | null = null;
  /** jieba-segmented tsvector, written by SQL only. */
  searchVector?: string | null;
}

export const MessageSchema = new EntitySchema<Message>({
  class: Message,
  tableName: 'message',
  indexes: [
    // Search (btree_gin): a word's matches within one block of 256 consecutive messages of a
    // conversation (seq >> 8), so that search reads a conversation's newest blocks first and stops
    // when a page is full; the same index finds the word in the whole conversation, or alone.
    {
      name: 'message_search_block_index',
      expression: 'create index "message_search_block_index" on "message" using gin ("conversation_id", (uuid_hash_extended("conversation_id", 0) # ("seq" >> 8)), "search_vector")',
    },
    // A conversation newest first (ties by id).
    { name: 'message_conversation_id_created_at_id_index', properties: ['conversation', 'createdAt', 'id'] },
  ],
  uniques: [
    { name: 'message_conversation_id_seq_unique', properties: ['conversation', 'seq'] },
    { name: 'message_author_id_client_message_id_unique', properties: ['author', 'clientMessageId'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    conversation: { kind: 'm:1', entity: () => Conversation, ref: true, deleteRule: 'cascade' },
    seq: { type: 'integer' },
    author: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict' },
    body: { type: 'text' },
    replyTo: { kind: 'm:1', entity: () => Message, ref: true, nullable: true, deleteRule: 'set null' },
    clientMessageId: { type: 'string', length: 64 },
    mentionsAll: { type: 'boolean', default: false },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    editedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    recalledAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    confidentiality: { enum: true, items: ['normal', 'internal', 'restricted'], default: 'normal' },
    removedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    removalReason: { type: 'string', length: 16, nullable: true },
    movedToThreadId: { type: 'uuid', nullable: true },
    // Written by the application (jieba segmentation) with the body; cleared on recall.
    searchVector: { type: 'unknown', columnType: 'tsvector', nullable: true, lazy: true },
  },
});

export class MessageMention {
  message!: Ref<Message>;
  user!: Ref<User>;
}

export const MessageMentionSchema = new EntitySchema<MessageMention>({
  class: MessageMention,
  tableName: 'message_mention',
  properties: {
    message: { kind: 'm:1', entity: () => Message, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade', index: 'message_mention_user_id_index' },
  },
});

/** The text a message had before each edit, kept for the audit. */
export class MessageEdit {
  id!: string;
  message!: Ref<Message>;
  previousBody!: string;
  editedAt: Date = new Date();
}

export const MessageEditSchema = new EntitySchema<MessageEdit>({
  class: MessageEdit,
  tableName: 'message_edit',
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    message: { kind: 'm:1', entity: () => Message, ref: true, deleteRule: 'cascade', index: 'message_edit_message_id_index' },
    previousBody: { type: 'text' },
    editedAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export class MessageReaction {
  message!: Ref<Message>;
  user!: Ref<User>;
  emoji!: string;
  createdAt: Date = new Date();
}

export const MessageReactionSchema = new EntitySchema<MessageReaction>({
  class: MessageReaction,
  tableName: 'message_reaction',
  properties: {
    message: { kind: 'm:1', entity: () => Message, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade' },
    emoji: { type: 'string', length: 32, primary: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/** The blocker receives no private messages from the blocked. */
export class UserBlock {
  blocker!: Ref<User>;
  blocked!: Ref<User>;
  createdAt: Date = new Date();
}

export const UserBlockSchema = new EntitySchema<UserBlock>({
  class: UserBlock,
  tableName: 'user_block',
  properties: {
    blocker: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade' },
    blocked: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade' },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/**
 * A stored realtime event, written in the same transaction as the change. Its id is the
 * catch-up cursor. `onlyUser` marks per-user events (read state) that only that user may see.
 */
export class ChatEventRow {
  id!: string;
  conversation!: Ref<Conversation>;
  type!: string;
  messageId: string | null = null;
  userId: string | null = null;
  onlyUserId: string | null = null;
  data: Record<string, unknown> | null = null;
  at: Date = new Date();
}

export const ChatEventSchema = new EntitySchema<ChatEventRow>({
  class: ChatEventRow,
  tableName: 'chat_event',
  indexes: [{ name: 'chat_event_conversation_id_id_index', properties: ['conversation', 'id'] }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    conversation: { kind: 'm:1', entity: () => Conversation, ref: true, deleteRule: 'cascade' },
    type: { type: 'string', length: 32 },
    messageId: { type: 'uuid', nullable: true },
    userId: { type: 'uuid', nullable: true },
    onlyUserId: { type: 'uuid', nullable: true },
    data: { type: 'json', nullable: true },
    at: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const chatEntities = [
  ConversationSchema,
  ConversationMemberSchema,
  ChatGroupSchema,
  GroupMemberSchema,
  GroupApplicationSchema,
  GroupInvitationSchema,
  MessageSchema,
  MessageMentionSchema,
  MessageEditSchema,
  MessageReactionSchema,
  UserBlockSchema,
  ChatEventSchema,
];
