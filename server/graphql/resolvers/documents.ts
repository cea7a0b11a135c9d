import { requireActor } from '../../modules/context.js';
import { documentForActor } from '../../modules/documents/access.js';
import { createFolder, deleteDocument, deleteFolder, moveDocument, renameFolder } from '../../modules/documents/library.js';
import { libraryForActor } from '../../modules/documents/access.js';
import { answerDocumentRequest, closeDocumentRequest, requestDocument, requestsForMe } from '../../modules/documents/requests.js';
import { can } from '../../policies/index.js';
import { notFound } from '../../errors.js';
import type { GraphQLContext } from '../context.js';

type Ctx = GraphQLContext;

export const documentQueries = {
  document: async (_: unknown, args: { id: string }, { domain }: Ctx) => {
    const access = await documentForActor(domain.em, requireActor(domain), args.id);
    if (!can(domain.actor, 'download', access)) throw notFound('文件');
    return access.document;
  },
  myDocumentRequests: (_: unknown, __: unknown, { domain }: Ctx) => requestsForMe(domain),
  uploadLimits: (_: unknown, __: unknown, { domain }: Ctx) => {
    requireActor(domain);
    return { maxFileBytes: domain.deps.config.storage.maxUploadBytes };
  },
};

export const documentMutations = {
  createDocumentFolder: async (_: unknown, args: { groupId: string; name: string; parentId?: string }, { domain }: Ctx) =>
    createFolder(domain, await libraryForActor(domain.em, requireActor(domain), { groupId: args.groupId }), args.name, args.parentId),
  renameDocumentFolder: (_: unknown, args: { folderId: string; name: string }, { domain }: Ctx) => renameFolder(domain, args.folderId, args.name),
  deleteDocumentFolder: (_: unknown, args: { folderId: string }, { domain }: Ctx) => deleteFolder(domain, args.folderId),
  moveDocument: (_: unknown, args: { documentId: string; folderId?: string | null }, { domain }: Ctx) => moveDocument(domain, args.documentId, args.folderId),
  deleteDocument: (_: unknown, args: { documentId: string; reason?: string }, { domain }: Ctx) => deleteDocument(domain, args.documentId, args.reason),
  documentDownloadLink: (_: unknown, args: { versionId: string }, { domain }: Ctx) => domain.deps.downloadLinks.create(domain, domain.deps.storage, args.versionId),
  requestDocument: (_: unknown, args: { groupId: string; title: string; details?: string; addresseeId?: string; dueDate?: string }, { domain }: Ctx) => requestDocument(domain, args),
  answerDocumentRequest: (_: unknown, args: { requestId: string; versionId: string; note?: string }, { domain }: Ctx) => answerDocumentRequest(domain, args.requestId, args.versionId, args.note),
  closeDocumentRequest: (_: unknown, args: { requestId: string; fulfilled: boolean }, { domain }: Ctx) => closeDocumentRequest(domain, args.requestId, args.fulfilled),
};
