import { ChatGroup, Document, DocumentFolder, DocumentRequest, DocumentVersion, StoredObject } from '../../db/entities/index.js';
import type { ConversationAccess } from '../../modules/groups/subjects.js';
import { requireActor } from '../../modules/context.js';
import { libraryForActor } from '../../modules/documents/access.js';
import { documentNamedIn, listDocuments, listFolders, versionsOf, type DocumentSort } from '../../modules/documents/library.js';
import { groupRequests } from '../../modules/documents/requests.js';
import { DocumentAccess, FolderAccess, LibraryAccess } from '../../modules/documents/subjects.js';
import type { MessageView } from '../../modules/chat/messageViews.js';
import { emptyPage, type PageArgs } from '../../modules/pagination.js';
import { nullIfNotFound } from '../../errors.js';
import { abilities, can, DOCUMENT_ABILITIES, FOLDER_ABILITIES, noAbilities } from '../../policies/index.js';
import type { GraphQLContext } from '../context.js';
import { attachmentsOf as attachmentsFor, requestAnswerRows, type AttachmentOwner } from '../../modules/documents/store.js';
import { groupsById, usersById } from './chat.js';
import { viewerAccess } from '../viewerAccess.js';
import { connection } from './connection.js';

type Ctx = GraphQLContext;
type Batch<T> = Array<{ obj: T }>;

/**
 * The viewer's access to a library; null when they may not read it. A group's comes from the
 * request's access loader; a private conversation's or discussion's is cached here per request.
 */
const conversationLibraryCache = new WeakMap<object, Map<string, Promise<LibraryAccess | null>>>();
async function library(ctx: Ctx, target: { groupId?: string | null; conversationId?: string | null }): Promise<LibraryAccess | null> {
  const actor = requireActor(ctx.domain);
  if (target.groupId) {
    const group = await viewerAccess(ctx.domain).visible(target.groupId);
    const access = group && new LibraryAccess(group, null);
    return access && can(actor, 'read', access) ? access : null;
  }
  let cache = conversationLibraryCache.get(ctx.domain);
  if (!cache) conversationLibraryCache.set(ctx.domain, (cache = new Map()));
  let access = cache.get(target.conversationId!);
  if (!access) cache.set(target.conversationId!, (access = libraryForActor(ctx.domain.em, actor, target).catch(nullIfNotFound)));
  return access;
}

/** Object rows (size, type, hash) of many versions in one query. */
async function objectsOf(ctx: Ctx, versions: DocumentVersion[]): Promise<Map<string, StoredObject>> {
  const ids = [...new Set(versions.map((v) => v.object.id))];
  const objects = ids.length ? await ctx.domain.em.find(StoredObject, { id: ids }) : [];
  return new Map(objects.map((o) => [o.id, o]));
}

async function latestVersions(ctx: Ctx, documents: Document[]): Promise<Map<string, DocumentVersion>> {
  const versions = documents.length
    ? await ctx.domain.em.find(DocumentVersion, { $or: documents.map((d) => ({ document: d.id, version: d.latestVersion })) })
    : [];
  return new Map(versions.map((v) => [v.document.id, v]));
}

export const documentResolvers = {
  conversationId: (d: Document) => d.conversation?.id ?? null,
  versions: (d: Document, _: unknown, ctx: Ctx) => versionsOf(ctx.domain.em, d.id),
  viewerCan: async (d: Document, _: unknown, ctx: Ctx) => {
    const access = await library(ctx, d.group ? { groupId: d.group.id } : { conversationId: d.conversation!.id });
    return access ? abilities(ctx.domain.actor, new DocumentAccess(d, access), DOCUMENT_ABILITIES) : noAbilities(DOCUMENT_ABILITIES);
  },
};

export const documentLoaders = {
  group: async (queries: Batch<Document>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group?.id).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.group ? byId.get(q.obj.group.id) ?? null : null));
  },
  folder: async (queries: Batch<Document>, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.folder?.id).filter((id): id is string => !!id))];
    const folders = ids.length ? await ctx.domain.em.find(DocumentFolder, { id: ids }) : [];
    const byId = new Map(folders.map((f) => [f.id, f]));
    return queries.map((q) => (q.obj.folder ? byId.get(q.obj.folder.id) ?? null : null));
  },
  uploader: async (queries: Batch<Document>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.uploader.id));
    return queries.map((q) => byId.get(q.obj.uploader.id));
  },
  latestVersion: async (queries: Batch<Document>, ctx: Ctx) => {
    const latest = await latestVersions(ctx, queries.map((q) => q.obj));
    return queries.map((q) => latest.get(q.obj.id));
  },
  size: async (queries: Batch<Document>, ctx: Ctx) => {
    const latest = await latestVersions(ctx, queries.map((q) => q.obj));
    const objects = await objectsOf(ctx, [...latest.values()]);
    return queries.map((q) => Number(objects.get(latest.get(q.obj.id)!.object.id)!.size));
  },
  mime: async (queries: Batch<Document>, ctx: Ctx) => {
    const latest = await latestVersions(ctx, queries.map((q) => q.obj));
    const objects = await objectsOf(ctx, [...latest.values()]);
    return queries.map((q) => objects.get(latest.get(q.obj.id)!.object.id)!.mime);
  },
};

export const versionResolvers = {
  documentId: (v: DocumentVersion) => v.document.id,
  downloadPath: (v: DocumentVersion) => `/files/${v.id}`,
};

export const versionLoaders = {
  size: async (queries: Batch<DocumentVersion>, ctx: Ctx) => {
    const objects = await objectsOf(ctx, queries.map((q) => q.obj));
    return queries.map((q) => Number(objects.get(q.obj.object.id)!.size));
  },
  mime: async (queries: Batch<DocumentVersion>, ctx: Ctx) => {
    const objects = await objectsOf(ctx, queries.map((q) => q.obj));
    return queries.map((q) => objects.get(q.obj.object.id)!.mime);
  },
  sha256: async (queries: Batch<DocumentVersion>, ctx: Ctx) => {
    const objects = await objectsOf(ctx, queries.map((q) => q.obj));
    return queries.map((q) => objects.get(q.obj.object.id)!.sha256);
  },
  uploader: async (queries: Batch<DocumentVersion>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.uploader.id));
    return queries.map((q) => byId.get(q.obj.uploader.id));
  },
};

export const folderResolvers = {
  parentId: (f: DocumentFolder) => f.parent?.id ?? null,
  viewerCan: async (f: DocumentFolder, _: unknown, ctx: Ctx) => {
    const access = await library(ctx, { groupId: f.group.id });
    return access ? abilities(ctx.domain.actor, new FolderAccess(f, access), FOLDER_ABILITIES) : noAbilities(FOLDER_ABILITIES);
  },
};

/** Attachments of a page of messages, threads, replies or meetings (documents/store.ts: one prepared statement). */
const attachmentsOf = (ctx: Ctx, column: AttachmentOwner, ids: string[]) => attachmentsFor(ctx.domain.em, column, ids);

export const attachmentLoaders = {
  message: {
    attachments: async (queries: Batch<MessageView>, ctx: Ctx) => {
      // A recalled or removed message, or a restricted one the viewer may not read (placeholder), shows nothing of what it carried.
      const byMessage = await attachmentsOf(ctx, 'message', queries.filter((q) => !q.obj.recalledAt && !q.obj.removedAt && !q.obj.placeholder).map((q) => q.obj.id));
      return queries.map((q) => byMessage.get(q.obj.id) ?? []);
    },
  },
  thread: {
    attachments: async (queries: Batch<{ id: string }>, ctx: Ctx) => {
      const byThread = await attachmentsOf(ctx, 'thread', queries.map((q) => q.obj.id));
      return queries.map((q) => byThread.get(q.obj.id) ?? []);
    },
  },
  meeting: {
    // Meeting notices are presented as the viewer's access to them ({ meeting, … }).
    attachments: async (queries: Batch<{ meeting: { id: string } }>, ctx: Ctx) => {
      const byMeeting = await attachmentsOf(ctx, 'meeting', queries.map((q) => q.obj.meeting.id));
      return queries.map((q) => byMeeting.get(q.obj.meeting.id) ?? []);
    },
  },
  reply: {
    attachments: async (queries: Batch<{ id: string; deletedAt: Date | null }>, ctx: Ctx) => {
      const byReply = await attachmentsOf(ctx, 'reply', queries.filter((q) => !q.obj.deletedAt).map((q) => q.obj.id));
      return queries.map((q) => byReply.get(q.obj.id) ?? []);
    },
  },
};

export const groupDocumentResolvers = {
  documents: async (g: ChatGroup, args: PageArgs & { folderId?: string; sort?: DocumentSort }, ctx: Ctx) => {
    const access = await library(ctx, { groupId: g.id });
    return connection(access ? await listDocuments(ctx.domain.em, access, args) : emptyPage());
  },
  documentFolders: async (g: ChatGroup, args: { parentId?: string }, ctx: Ctx) => {
    const access = await library(ctx, { groupId: g.id });
    return access ? listFolders(ctx.domain.em, access, args.parentId) : [];
  },
  documentNamed: async (g: ChatGroup, args: { name: string; folderId?: string }, ctx: Ctx) => {
    const access = await library(ctx, { groupId: g.id });
    return access ? documentNamedIn(ctx.domain.em, access, args.folderId, args.name) : null;
  },
  documentRequests: async (g: ChatGroup, args: { includeClosed?: boolean }, ctx: Ctx) => {
    const access = await library(ctx, { groupId: g.id });
    return access?.group ? groupRequests(ctx.domain.em, access.group, !!args.includeClosed) : [];
  },
};

export const conversationDocumentResolvers = {
  documents: async (c: ConversationAccess, args: PageArgs & { sort?: DocumentSort }, ctx: Ctx) => {
    if (c.conversation.kind === 'group') return connection(emptyPage());
    const access = await library(ctx, { conversationId: c.conversation.id });
    return connection(access ? await listDocuments(ctx.domain.em, access, args) : emptyPage());
  },
  documentNamed: async (c: ConversationAccess, args: { name: string }, ctx: Ctx) => {
    if (c.conversation.kind === 'group') return null;
    const access = await library(ctx, { conversationId: c.conversation.id });
    return access ? documentNamedIn(ctx.domain.em, access, null, args.name) : null;
  },
};

export const requestResolvers = {
  status: (r: DocumentRequest) => r.status.toUpperCase(),
  answers: async (r: DocumentRequest, _: unknown, ctx: Ctx) => {
    const rows = await requestAnswerRows(ctx.domain.em, r.id);
    const versions = rows.length ? await ctx.domain.em.find(DocumentVersion, { id: rows.map((a) => a.version_id) }) : [];
    const versionById = new Map(versions.map((v) => [v.id, v]));
    const people = await usersById(ctx, rows.map((a) => a.answerer_id));
    return rows.map((a) => ({ answerer: people.get(a.answerer_id), version: versionById.get(a.version_id), note: a.note, createdAt: new Date(a.created_at) }));
  },
  // A closed request takes no more closing (the service answers CONFLICT).
  viewerCanClose: (r: DocumentRequest, _: unknown, ctx: Ctx) => r.status === 'open' && can(ctx.domain.actor, 'close', r),
};

export const requestLoaders = {
  group: async (queries: Batch<DocumentRequest>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    return queries.map((q) => byId.get(q.obj.group.id));
  },
  requester: async (queries: Batch<DocumentRequest>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.requester.id));
    return queries.map((q) => byId.get(q.obj.requester.id));
  },
  addressee: async (queries: Batch<DocumentRequest>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.addressee?.id).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.addressee ? byId.get(q.obj.addressee.id) ?? null : null));
  },
};

