/** BBS, discussion-group, notification and search shapes, typed from graphql/fragments.ts (schema/forum.graphql and schema/search.graphql are the contract). */
import type { GroupRole } from '../chat/types.js';
import type { Attachment } from '../documents/types.js';
import type { ResultOf, SchemaEnum } from '../graphql/index.js';
import type { BoardFields, DiscussionFields, EditFields, NotificationFields, ReplyFields, ThreadFields, ThreadSummaryFields } from '../graphql/fragments.js';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

export type Board = ResultOf<typeof BoardFields>;
export type ThreadSummary = ResultOf<typeof ThreadSummaryFields>;
/** Removal by a group admin (schema/moderation.graphql ContentRemoval), as the lists and the thread page select it. */
export type RemovalRef = NonNullable<ThreadSummary['removal']>;
export type PostEdit = ResultOf<typeof EditFields>;

/** A thread as its page keeps it (the thread page selects its attachments). */
export type Thread = ResultOf<typeof ThreadFields> & { attachments?: Attachment[] };
/** A floor as the thread page keeps it (the thread page selects its attachments). */
export type Reply = ResultOf<typeof ReplyFields> & { attachments?: Attachment[] };
export type QuotedReply = NonNullable<Reply['quote']>;

export type Discussion = ResultOf<typeof DiscussionFields>;

export type NotificationKind = SchemaEnum<'NotificationKind'>;
export type Notification = ResultOf<typeof NotificationFields>;

export type SearchResultType = SchemaEnum<'SearchResultType'>;

export interface SnippetPart {
  text: string;
  match: boolean;
}

export const SEARCH_TYPE_LABELS: Record<SearchResultType, string> = {
  GROUP_MESSAGE: '群聊消息',
  DISCUSSION_MESSAGE: '讨论组消息',
  DIRECT_MESSAGE: '私聊消息',
  THREAD: '帖子',
  REPLY: '回帖',
  DOCUMENT: '文件',
};

/** Group owners and admins (and system admins who are members) manage boards and moderate threads. */
export function managesForum(role: GroupRole | null, isSystemAdmin: boolean): boolean {
  return role === 'OWNER' || role === 'ADMIN' || (!!role && isSystemAdmin);
}
