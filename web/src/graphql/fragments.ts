/**
 * Selections shared by several operations, as gql.tada fragments (a spread's fields are part of
 * the result: masking is off). One file below every feature folder, so the features' types
 * derive from here instead of importing each other.
 */
import { graphql } from './index.js';

/** An official as lists show them: real name, unit, title. */
export const UserFields = graphql(`fragment UserFields on User { id realName title loginName unit { id name } }`);

/** The fields of a message every view needs (live events leave attachments out: see MessageFiles). */
export const MessageFields = graphql(
  `fragment MessageFields on Message { id conversationId seq author { ...UserFields } body
    replyTo { id seq body recalledAt restrictedPlaceholder confidentiality author { id realName } }
    mentions { id realName } mentionsAll
    reactions { emoji count viewerReacted users { id realName } }
    createdAt editedAt recalledAt clientMessageId viewerCan { edit recall react raiseConfidentiality } confidentiality restrictedPlaceholder
    removal { reason reasonLabel notice movedToThreadId } removedBody }`,
  [UserFields],
);

/** A version as attachments select it (no uploader: the post's author shows). */
export const AttachedVersionFields = graphql(`fragment AttachedVersionFields on DocumentVersion { id documentId version name size mime createdAt downloadPath }`);

/**
 * Attachments of messages, for history pages, the send mutation and the small query after a
 * live MESSAGE_ADDED: live events leave them out, since each subscriber would resolve them with a
 * query of its own.
 */
export const MessageFiles = graphql(`fragment MessageFiles on Message { attachments { version { ...AttachedVersionFields } } }`, [AttachedVersionFields]);
export const ThreadFiles = graphql(`fragment ThreadFiles on Thread { attachments { version { ...AttachedVersionFields } } }`, [AttachedVersionFields]);
export const ReplyFiles = graphql(`fragment ReplyFiles on ThreadReply { attachments { version { ...AttachedVersionFields } } }`, [AttachedVersionFields]);
export const MeetingFiles = graphql(`fragment MeetingFiles on MeetingNotice { attachments { version { ...AttachedVersionFields } } }`, [AttachedVersionFields]);

export const NotificationFields = graphql(`fragment NotificationFields on Notification { id kind createdAt read subjectId details actor { id realName } groupName group { id name conversation { id } }
  thread { id title } reply { id floor } discussion { id topic conversation { id } } meeting { id title startsAt } announcement { id title } }`);

export const EventFields = graphql(
  `fragment EventFields on ChatEvent { id type conversationId at readSeq online user { ...UserFields } message { ...MessageFields }
    notification { ...NotificationFields } }`,
  [UserFields, MessageFields, NotificationFields],
);

export const GroupFields = graphql(`fragment GroupFields on Group { id name purpose rules visibility memberCount maxMembers createdAt owner { id realName } viewerRole
  viewerCan { post update manageMembers manageAdmins mentionAll apply leave } viewerCanExportArchive
  moderation { viewerCanModerate viewerMuted viewerMutedUntil mutedAll openReportCount } }`);

export const SummaryFields = graphql(`fragment SummaryFields on Conversation { id kind lastSeq lastReadSeq unreadCount mentionCount lastMessage { ...MessageFields } }`, [MessageFields]);

export const VersionFields = graphql(`fragment VersionFields on DocumentVersion { id documentId version name size mime createdAt downloadPath uploader { id realName } }`);

export const DocumentFields = graphql(
  `fragment DocumentFields on Document { id name size mime downloadCount createdAt updatedAt uploader { ...UserFields } folder { id name }
    latestVersion { ...VersionFields } viewerCan { addVersion delete move } }`,
  [UserFields, VersionFields],
);

export const FolderFields = graphql(`fragment FolderFields on DocumentFolder { id name parentId viewerCan { rename delete } }`);

export const RequestFields = graphql(
  `fragment RequestFields on DocumentRequest { id title details dueDate status createdAt closedAt viewerCanClose group { id name }
    requester { ...UserFields } addressee { ...UserFields }
    answers { note createdAt answerer { ...UserFields } version { ...VersionFields } } }`,
  [UserFields, VersionFields],
);

export const BoardFields = graphql(`fragment BoardFields on Board { id name position archived }`);

export const EditFields = graphql(`fragment EditFields on PostEdit { previousTitle previousBody editedAt editor { id realName } }`);

export const ThreadSummaryFields = graphql(
  `fragment ThreadSummaryFields on Thread { id title removal { reason reasonLabel notice } confidentiality createdAt lastActivityAt pinned essence locked
    viewCount replyCount lastFloor viewerFollows newReplyCount author { ...UserFields } board { id name } group { id name } }`,
  [UserFields],
);

export const ThreadFields = graphql(
  `fragment ThreadFields on Thread { ...ThreadSummaryFields body bodyHtml editedAt edits { ...EditFields } viewerCan { reply edit moderate raiseConfidentiality }
    group { id name viewerRole conversation { id } } }`,
  [ThreadSummaryFields, EditFields],
);

export const ReplyFields = graphql(
  `fragment ReplyFields on ThreadReply { id threadId floor confidentiality body bodyHtml createdAt editedAt deletedAt removal { reason reasonLabel notice }
    author { ...UserFields } quote { id floor body deletedAt removal { notice } author { id realName } } edits { ...EditFields } viewerCan { edit delete } }`,
  [UserFields, EditFields],
);

export const DiscussionFields = graphql(
  `fragment DiscussionFields on DiscussionGroup { id topic createdAt archivedAt viewerCanInvite viewerCanArchive creator { id realName } group { id name }
    conversation { id } members { ...UserFields } }`,
  [UserFields],
);

/** The signed-in official, as the shell needs them. */
export const ViewerFields = graphql(`fragment ViewerFields on User { id loginName realName title isSystemAdmin mustChangePassword unit { id name } adminUnits { id name } }`);

export const MemberFields = graphql(`fragment MemberFields on GroupMember { role joinedAt mutedUntil user { ...UserFields presence { online lastSeenAt } } }`, [UserFields]);

export const ApplicationFields = graphql(`fragment ApplicationFields on GroupApplication { id message createdAt applicant { ...UserFields } }`, [UserFields]);

export const InvitationFields = graphql(`fragment InvitationFields on GroupInvitation { id createdAt inviter { id realName } group { id name purpose rules memberCount visibility } }`);

export const UnitFields = graphql(`fragment UnitFields on OrgUnit { id name level parent { id } }`);
