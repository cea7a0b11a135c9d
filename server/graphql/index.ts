import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ROOT } from '../paths.js';
import mercurius, { type IResolvers, type MercuriusLoaders } from 'mercurius';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Deps } from '../modules/context.js';
import { refuseControlCharactersInVariables } from './controlCharacters.js';
import { validationRules } from './rules.js';
import { refuseNonDocuments } from './requestShape.js';
import { gateUntilPasswordChanged } from './passwordChange.js';
import { buildContext } from './context.js';
import { errorFormatter } from './errors.js';
import { noteOutcome, observeGraphQL } from './observe.js';
import { orgUnitLoaders, orgUnitResolvers } from './presenters/orgUnit.js';
import { userLoaders, userResolvers } from './presenters/user.js';
import { accountMutations, accountQueries } from './resolvers/accounts.js';
import { orgMutations, orgQueries } from './resolvers/org.js';
import { chatMutations, chatQueries, chatSubscriptions } from './resolvers/chat.js';
import { forumMutations, forumQueries } from './resolvers/forum.js';
import { groupMutations, groupQueries } from './resolvers/groups.js';
import { notificationMutations, notificationQueries } from './resolvers/notifications.js';
import { searchQueries } from './resolvers/search.js';
import { boardResolvers, conversationForumResolvers, discussionLoaders, discussionResolvers, groupForumResolvers, notificationLoaders, notificationResolvers, postEditLoaders, replyLoaders, replyResolvers, threadLoaders, threadResolvers } from './presenters/forum.js';
import { meetingMutations, meetingQueries } from './resolvers/meetings.js';
import { announcementLoaders, announcementResolvers, groupMeetingResolvers, invitationLoaders as meetingInvitationLoaders, invitationResolvers as meetingInvitationResolvers, meetingLoaders, meetingResolvers, notificationMeetingLoaders } from './presenters/meetings.js';
import { searchResultLoaders, searchResultResolvers } from './presenters/search.js';
import { attachmentLoaders, conversationDocumentResolvers, documentLoaders, documentResolvers, folderResolvers, groupDocumentResolvers, requestLoaders, requestResolvers, versionLoaders, versionResolvers } from './presenters/documents.js';
import { documentMutations, documentQueries } from './resolvers/documents.js';
import { applicationLoaders, applicationResolvers, chatEventResolvers, conversationLoaders, conversationResolvers, groupLoaders, groupResolvers, invitationLoaders, memberLoaders, memberResolvers, messageResolvers, userChatLoaders } from './presenters/chat.js';
import { subscriptionOptions } from './subscriptions.js';
import { moderationMutations, moderationQueries } from './resolvers/moderation.js';
import {
  auditEntryLoaders, auditEntryResolvers, groupModerationResolvers, memberModerationResolvers, messageModerationLoaders, messageModerationResolvers, queueResolvers,
  removedContentLoaders, removedContentResolvers, replyModerationResolvers, reportLoaders, reportResolvers, sanctionLoaders, sanctionResolvers, threadModerationResolvers,
} from './presenters/moderation.js';
import { SharedLane } from './sharedSubscriptions.js';
import type { MQEmitter } from 'mqemitter';
import type { RealtimeHub } from '../realtime/hub.js';
import { DateTime } from './scalars.js';
import { confidentialityMutations, confidentialityQueries } from './resolvers/confidentiality.js';
import { archiveExportResolvers, archiveMutations, archiveQueries, groupArchiveResolvers } from './resolvers/archives.js';

const schemaDir = path.join(ROOT, 'schema');

/** The public contract: every schema/*.graphql file, in name order. */
export function loadSchema(): string {
  return fs
    .readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => fs.readFileSync(path.join(schemaDir, f), 'utf8'))
    .join('\n');
}

export async function registerGraphQL(app: FastifyInstance, orm: MikroORM, deps: Deps, hub: RealtimeHub, emitter: object): Promise<void> {
  const resolvers: IResolvers = {
    DateTime,
    Query: { ok: () => true, ...accountQueries, ...orgQueries, ...groupQueries, ...chatQueries, ...forumQueries, ...searchQueries, ...notificationQueries, ...documentQueries, ...meetingQueries, ...confidentialityQueries, ...moderationQueries, ...archiveQueries },
    Mutation: { noop: () => null, ...accountMutations, ...orgMutations, ...groupMutations, ...chatMutations, ...notificationMutations, ...forumMutations, ...documentMutations, ...meetingMutations, ...confidentialityMutations, ...moderationMutations, ...archiveMutations },
    Subscription: chatSubscriptions,
    User: userResolvers,
    OrgUnit: orgUnitResolvers,
    Group: { ...groupResolvers, ...groupForumResolvers, ...groupDocumentResolvers, ...groupMeetingResolvers, ...groupModerationResolvers, ...groupArchiveResolvers },
    ArchiveExport: archiveExportResolvers,
    Conversation: { ...conversationResolvers, ...conversationForumResolvers, ...conversationDocumentResolvers },
    Document: documentResolvers,
    DocumentVersion: versionResolvers,
    DocumentFolder: folderResolvers,
    DocumentRequest: requestResolvers,
    Message: { ...messageResolvers, ...messageModerationResolvers },
    Board: boardResolvers,
    Thread: { ...threadResolvers, ...threadModerationResolvers },
    ThreadReply: { ...replyResolvers, ...replyModerationResolvers },
    DiscussionGroup: discussionResolvers,
    Notification: notificationResolvers,
    SearchResult: searchResultResolvers,
    ChatEvent: chatEventResolvers,
    GroupMember: { ...memberResolvers, ...memberModerationResolvers },
    ModerationQueue: queueResolvers,
    ModerationReport: reportResolvers,
    Sanction: sanctionResolvers,
    RemovedContent: removedContentResolvers,
    AuditLogEntry: auditEntryResolvers,
    GroupApplication: applicationResolvers,
    MeetingNotice: meetingResolvers,
    MeetingInvitation: meetingInvitationResolvers,
    Announcement: announcementResolvers,
  };
  const loaders = {
    User: { ...userLoaders, ...userChatLoaders },
    OrgUnit: orgUnitLoaders,
    Group: groupLoaders,
    Conversation: conversationLoaders,
    GroupMember: memberLoaders,
    GroupApplication: applicationLoaders,
    GroupInvitation: invitationLoaders,
    Thread: { ...threadLoaders, ...attachmentLoaders.thread },
    PostEdit: postEditLoaders,
    DiscussionGroup: discussionLoaders,
    Document: documentLoaders,
    DocumentVersion: versionLoaders,
    DocumentRequest: requestLoaders,
    Message: { ...attachmentLoaders.message, ...messageModerationLoaders },
    ModerationReport: reportLoaders,
    Sanction: sanctionLoaders,
    RemovedContent: removedContentLoaders,
    AuditLogEntry: auditEntryLoaders,
    ThreadReply: { ...replyLoaders, ...attachmentLoaders.reply },
    Notification: { ...notificationLoaders, ...notificationMeetingLoaders },
    MeetingNotice: { ...meetingLoaders, ...attachmentLoaders.meeting },
    MeetingInvitation: meetingInvitationLoaders,
    Announcement: announcementLoaders,
    SearchResult: searchResultLoaders,
  } as unknown as MercuriusLoaders;
  const { maxDepth } = deps.config.graphql;
  const lane = new SharedLane({
    emitter: emitter as MQEmitter,
    viewerlessContext: () => ({ domain: { em: null, actor: null, ip: '', userAgent: null, deps }, app }),
    formatErrors: (result) => errorFormatter(result as Parameters<typeof errorFormatter>[0], app.log),
  });
  app.decorate('sharedLane', lane);
  await app.register(mercurius, {
    schema: loadSchema(),
    resolvers,
    loaders,
    path: '/graphql',
    graphiql: !deps.config.production,
    queryDepth: maxDepth,
    validationRules: validationRules(deps.config),
    allowBatchedQueries: false,
    csrfPrevention: {
      allowedContentTypes: ['application/json', 'application/graphql'],
      // mercurius checks the WebSocket upgrade (GET /graphql) too. Browsers forbid pages to set
      // Sec-* headers, so Sec-WebSocket-Key proves a real handshake, whose Origin is checked.
      requiredHeaders: ['x-mercurius-operation-name', 'mercurius-require-preflight', 'sec-websocket-key'],
    },
    context: (request, reply) => buildContext(orm, deps, request, reply),
    subscription: subscriptionOptions(orm, deps, hub, emitter, lane) as never,
    errorFormatter: (execution, context) => noteOutcome(context, errorFormatter(execution, context.reply?.log ?? app.log)),
  });
  observeGraphQL(app);
  refuseControlCharactersInVariables(app);
  refuseNonDocuments(app);
  gateUntilPasswordChanged(app);
}
