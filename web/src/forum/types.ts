/** BBS, discussion-group, notification and search shapes as the UI selects them (schema/forum.graphql and schema/search.graphql are the contract). */
import type { Confidentiality } from '../confidentiality/levels.js';
import { USER_FIELDS, type ChatUser, type GroupRole, type UserRef } from '../chat/types.js';
import type { AttachedVersion, Attachment } from '../documents/types.js';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

export interface Board {
  id: string;
  name: string;
  position: number;
  archived: boolean;
}

/** Removal by a group admin (schema/moderation.graphql ContentRemoval), as the lists and the thread page select it. */
export interface RemovalRef {
  reason: string;
  reasonLabel: string;
  /** What members see instead, e.g. 该帖子因「跑题」已被管理员移除. */
  notice: string;
}

export interface ThreadSummary {
  id: string;
  /** For members, the removal notice when an admin removed the thread. */
  title: string;
  /** Set when an admin removed the thread. */
  removal?: RemovalRef | null;
  /** 保密标识. */
  confidentiality: Confidentiality;
  author: ChatUser;
  board: { id: string; name: string };
  group: { id: string; name: string };
  createdAt: string;
  lastActivityAt: string;
  pinned: boolean;
  essence: boolean;
  locked: boolean;
  viewCount: number;
  replyCount: number;
  lastFloor: number;
  viewerFollows: boolean;
  newReplyCount: number;
}

export interface PostEdit {
  previousTitle: string | null;
  previousBody: string;
  editor: UserRef;
  editedAt: string;
}

export interface Thread extends ThreadSummary {
  body: string;
  bodyHtml: string;
  editedAt: string | null;
  edits: PostEdit[];
  viewerCan: { reply: boolean; edit: boolean; moderate: boolean };
  group: { id: string; name: string; viewerRole: GroupRole | null; conversation: { id: string } | null };
  /** Selected by the thread page only. */
  attachments?: Attachment[];
}

export interface QuotedReply {
  id: string;
  floor: number;
  body: string | null;
  deletedAt: string | null;
  removal?: { notice: string } | null;
  author: UserRef;
}

export interface Reply {
  id: string;
  threadId: string;
  floor: number;
  /** 保密标识 of the floor (a floor of a restricted thread is as restricted as the thread). */
  confidentiality: Confidentiality;
  author: ChatUser;
  body: string | null;
  bodyHtml: string | null;
  quote: QuotedReply | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /** Set when an admin removed the floor: members get a null body, moderators keep it. */
  removal?: RemovalRef | null;
  edits: PostEdit[];
  viewerCan: { edit: boolean; delete: boolean };
  /** Selected by the thread page only. */
  attachments?: Attachment[];
}

export interface Discussion {
  id: string;
  topic: string;
  createdAt: string;
  archivedAt: string | null;
  viewerCanInvite: boolean;
  viewerCanArchive: boolean;
  creator: UserRef;
  group: { id: string; name: string };
  conversation: { id: string };
  members: ChatUser[];
}

export type NotificationKind =
  | 'THREAD_REPLY'
  | 'MENTION'
  | 'DISCUSSION_INVITE'
  | 'MEETING_INVITE'
  | 'MEETING_CHANGED'
  | 'MEETING_CANCELLED'
  | 'MEETING_REMINDER'
  | 'MEETING_NUDGE'
  | 'ANNOUNCEMENT'
  | 'DOCUMENT_REQUEST'
  | 'DOCUMENT_REQUEST_ANSWERED'
  | 'CONTENT_REMOVED'
  | 'CONTENT_RESTORED'
  | 'CONTENT_MOVED'
  | 'WARNING'
  | 'WARNING_REVOKED'
  | 'MUTED'
  | 'UNMUTED'
  | 'REPORT_RESOLVED';

export interface Notification {
  id: string;
  kind: NotificationKind;
  actor: UserRef;
  group: { id: string; name: string };
  thread: { id: string; title: string } | null;
  reply: { id: string; floor: number } | null;
  discussion: { id: string; topic: string; conversation: { id: string } } | null;
  /** The meeting notice, announcement or document request concerned. */
  subjectId?: string | null;
  createdAt: string;
  read: boolean;
}

export type SearchResultType = 'GROUP_MESSAGE' | 'DISCUSSION_MESSAGE' | 'DIRECT_MESSAGE' | 'THREAD' | 'REPLY' | 'DOCUMENT';

export interface SnippetPart {
  text: string;
  match: boolean;
}

export interface SearchResult {
  type: SearchResultType;
  id: string;
  author: ChatUser;
  createdAt: string;
  group: { id: string; name: string } | null;
  conversationId: string | null;
  seq: number | null;
  thread: { id: string; title: string } | null;
  floor: number | null;
  title: SnippetPart[] | null;
  snippet: SnippetPart[];
  /** DOCUMENT: the file (its name is the snippet). */
  document?: { id: string; name: string; folder: { id: string; name: string } | null; latestVersion: AttachedVersion } | null;
}

export const SEARCH_TYPE_LABELS: Record<SearchResultType, string> = {
  GROUP_MESSAGE: '群聊消息',
  DISCUSSION_MESSAGE: '讨论组消息',
  DIRECT_MESSAGE: '私聊消息',
  THREAD: '帖子',
  REPLY: '回帖',
  DOCUMENT: '文件',
};

export const BOARD_FIELDS = `id name position archived`;
export const REMOVAL_FIELDS = `reason reasonLabel notice`;
export const THREAD_SUMMARY_FIELDS = `id title removal { ${REMOVAL_FIELDS} } confidentiality createdAt lastActivityAt pinned essence locked viewCount replyCount lastFloor viewerFollows newReplyCount
  author { ${USER_FIELDS} } board { id name } group { id name }`;
export const EDIT_FIELDS = `previousTitle previousBody editedAt editor { id realName }`;
export const THREAD_FIELDS = `${THREAD_SUMMARY_FIELDS} body bodyHtml editedAt edits { ${EDIT_FIELDS} } viewerCan { reply edit moderate }
  group { id name viewerRole conversation { id } }`;
export const REPLY_FIELDS = `id threadId floor confidentiality body bodyHtml createdAt editedAt deletedAt removal { ${REMOVAL_FIELDS} } author { ${USER_FIELDS} }
  quote { id floor body deletedAt removal { notice } author { id realName } } edits { ${EDIT_FIELDS} } viewerCan { edit delete }`;
export const DISCUSSION_FIELDS = `id topic createdAt archivedAt viewerCanInvite viewerCanArchive creator { id realName } group { id name }
  conversation { id } members { ${USER_FIELDS} }`;
export const NOTIFICATION_FIELDS = `id kind createdAt read subjectId actor { id realName } group { id name } thread { id title } reply { id floor }
  discussion { id topic conversation { id } }`;

/** Group owners and admins (and system admins who are members) manage boards and moderate threads. */
export function managesForum(role: GroupRole | null, isSystemAdmin: boolean): boolean {
  return role === 'OWNER' || role === 'ADMIN' || (!!role && isSystemAdmin);
}
