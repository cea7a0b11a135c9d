/** Chat shapes as the UI selects them (schema/chat.graphql is the contract), and the shared field lists. */
import type { Attachment } from '../documents/types.js';
import type { Notification } from '../forum/types.js';
import type { UnitRef } from '../types.js';

export type GroupRole = 'OWNER' | 'ADMIN' | 'MEMBER';
export type GroupVisibility = 'LISTED' | 'INVITE_ONLY';
export type ConversationKind = 'GROUP' | 'DIRECT' | 'DISCUSSION';

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

/** An official as chat shows them: real name, unit, title. */
export interface ChatUser {
  id: string;
  realName: string;
  title: string;
  loginName?: string;
  unit: UnitRef;
  presence?: Presence | null;
}

export interface UserRef {
  id: string;
  realName: string;
}

export interface Reaction {
  emoji: string;
  count: number;
  viewerReacted: boolean;
  users: UserRef[];
}

export interface QuotedMessage {
  id: string;
  seq: number;
  /** Null once recalled. */
  body: string | null;
  recalledAt?: string | null;
  restrictedPlaceholder?: boolean;
  confidentiality?: 'NORMAL' | 'INTERNAL' | 'RESTRICTED';
  /** Null for a restricted placeholder. */
  author: UserRef | null;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  /** Null only for a restricted placeholder (restrictedPlaceholder). */
  author: ChatUser | null;
  body: string | null;
  replyTo: QuotedMessage | null;
  mentions: UserRef[];
  mentionsAll: boolean;
  reactions: Reaction[];
  createdAt: string;
  editedAt: string | null;
  recalledAt: string | null;
  clientMessageId: string | null;
  viewerCan: { edit: boolean; recall: boolean; react: boolean };
  /** Files attached (selected with history pages and the send mutation; live events leave it undefined until fetched after the event). */
  attachments?: Attachment[];
  /** 保密标识: NORMAL, INTERNAL or RESTRICTED. */
  confidentiality: 'NORMAL' | 'INTERNAL' | 'RESTRICTED';
  /** A stand-in for a restricted message the viewer may not read (id, seq, time only). */
  restrictedPlaceholder: boolean;
  /** Removed by a group admin: the tombstone (moderation). */
  removal?: ContentRemoval | null;
  /** The removed text, for the group's admins only. */
  removedBody?: string | null;
}

export interface ContentRemoval {
  reason: string;
  reasonLabel: string;
  notice: string;
  movedToThreadId: string | null;
}

export interface GroupAbilities {
  post: boolean;
  update: boolean;
  manageMembers: boolean;
  manageAdmins: boolean;
  mentionAll: boolean;
  apply: boolean;
  leave: boolean;
}

export interface GroupInfo {
  id: string;
  name: string;
  purpose: string;
  rules: string;
  visibility: GroupVisibility;
  memberCount: number;
  maxMembers: number;
  createdAt: string;
  owner: UserRef;
  viewerRole: GroupRole | null;
  viewerCan: GroupAbilities;
  moderation?: { viewerCanModerate: boolean; viewerMuted: boolean; viewerMutedUntil: string | null; mutedAll: boolean; openReportCount: number };
}

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  lastSeq: number;
  lastReadSeq: number;
  unreadCount: number;
  mentionCount: number;
  lastMessage: Message | null;
}

export interface GroupMember {
  user: ChatUser;
  role: GroupRole;
  joinedAt: string;
  /** 禁言 until then (moderation); null when not muted. */
  mutedUntil?: string | null;
}

export interface Application {
  id: string;
  message: string | null;
  createdAt: string;
  applicant: ChatUser;
}

export interface Invitation {
  id: string;
  createdAt: string;
  inviter: UserRef;
  group: Pick<GroupInfo, 'id' | 'name' | 'purpose' | 'rules' | 'memberCount' | 'visibility'>;
}

/** The server's event types (type-only import: nothing of the server enters the bundle). */
export type { ChatEventType } from '../../../server/modules/core/realtime.js';
import type { ChatEventType } from '../../../server/modules/core/realtime.js';

export interface ChatEvent {
  id: string | null;
  type: ChatEventType;
  conversationId: string | null;
  at: string;
  message: Message | null;
  user: ChatUser | null;
  readSeq: number | null;
  online: boolean | null;
  /** NOTIFICATION: the new notification for the viewer. */
  notification?: Notification | null;
}

export const ROLE_LABELS: Record<GroupRole, string> = { OWNER: '群主', ADMIN: '管理员', MEMBER: '成员' };
export const VISIBILITY_LABELS: Record<GroupVisibility, string> = { LISTED: '公开（可搜索、可申请）', INVITE_ONLY: '仅限邀请' };

export const USER_FIELDS = `id realName title loginName unit { id name }`;
export const MESSAGE_FIELDS = `id conversationId seq author { ${USER_FIELDS} } body
  replyTo { id seq body recalledAt restrictedPlaceholder confidentiality author { id realName } }
  mentions { id realName } mentionsAll
  reactions { emoji count viewerReacted users { id realName } }
  createdAt editedAt recalledAt clientMessageId viewerCan { edit recall react } confidentiality restrictedPlaceholder
  removal { reason reasonLabel notice movedToThreadId } removedBody`;
/**
 * Attachments of messages, for history pages, the send mutation and the small query after a
 * live MESSAGE_ADDED: live events leave them out, since each subscriber would resolve them with a
 * query of its own (see documents/types ATTACHMENT_FIELDS).
 */
export const MESSAGE_ATTACHMENT_FIELDS = `attachments { version { id documentId version name size mime createdAt downloadPath } }`;
export const EVENT_FIELDS = `id type conversationId at readSeq online user { ${USER_FIELDS} } message { ${MESSAGE_FIELDS} }
  notification { id kind createdAt read subjectId actor { id realName } group { id name } thread { id title } reply { id floor } discussion { id topic conversation { id } } }`;
export const GROUP_FIELDS = `id name purpose rules visibility memberCount maxMembers createdAt owner { id realName } viewerRole
  viewerCan { post update manageMembers manageAdmins mentionAll apply leave }
  moderation { viewerCanModerate viewerMuted viewerMutedUntil mutedAll openReportCount }`;
export const SUMMARY_FIELDS = `id kind lastSeq lastReadSeq unreadCount mentionCount lastMessage { ${MESSAGE_FIELDS} }`;
