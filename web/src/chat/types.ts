/** Chat shapes, typed from the selections in graphql/fragments.ts (schema/chat.graphql is the contract). */
import type { ResultOf, SchemaEnum } from '../graphql/index.js';
import type { ApplicationFields, EventFields, GroupFields, InvitationFields, MemberFields, MessageFields, MessageFiles, SummaryFields, UserFields } from '../graphql/fragments.js';

export type GroupRole = SchemaEnum<'GroupRole'>;
export type GroupVisibility = SchemaEnum<'GroupVisibility'>;
export type ConversationKind = SchemaEnum<'ConversationKind'>;
export type ChatEventType = SchemaEnum<'ChatEventType'>;

export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

/** An official as chat shows them: real name, unit, title (some lists add their presence). */
export type ChatUser = ResultOf<typeof UserFields> & { presence?: Presence | null };

export interface UserRef {
  id: string;
  realName: string;
}

/**
 * A message as the views keep it: live events leave attachments out (undefined until fetched
 * after the event); history pages and the send mutation select them.
 */
export type Message = ResultOf<typeof MessageFields> & Partial<ResultOf<typeof MessageFiles>>;
export type Reaction = Message['reactions'][number];
export type ContentRemoval = NonNullable<Message['removal']>;

export type GroupInfo = ResultOf<typeof GroupFields>;
export type GroupAbilities = GroupInfo['viewerCan'];

export type ConversationSummary = ResultOf<typeof SummaryFields>;

export type GroupMember = ResultOf<typeof MemberFields>;
export type Application = ResultOf<typeof ApplicationFields>;
export type Invitation = ResultOf<typeof InvitationFields>;

export type ChatEvent = ResultOf<typeof EventFields>;

export const ROLE_LABELS: Record<GroupRole, string> = { OWNER: '群主', ADMIN: '管理员', MEMBER: '成员' };
export const VISIBILITY_LABELS: Record<GroupVisibility, string> = { LISTED: '公开（可搜索、可申请）', INVITE_ONLY: '仅限邀请' };
