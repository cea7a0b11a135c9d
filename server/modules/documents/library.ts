import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { Document, DocumentFolder, DocumentVersion } from '../../db/entities/index.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { documentForActor } from './access.js';
import { documentKeys, folderIds, folderInGroup, insertFolder, markDocumentDeleted, moveDocumentTo, type DocumentSort } from './store.js';
import type { LibraryAccess } from './subjects.js';

export type { DocumentSort };

/**
 * One folder of a library (the root when folderId is null), sorted by name, time or size, with
 * a keyset cursor on (sort key, id). Deleted documents are not listed.
 */
export async function listDocuments(em: EntityManager, library: LibraryAccess, args: PageArgs & { folderId?: unknown; sort?: DocumentSort | null }): Promise<Page<Document>> {
  const size = pageSize(args.first);
  const sort: DocumentSort = args.sort === 'NAME' || args.sort === 'SIZE' ? args.sort : 'TIME';
  const cursor = decodeTypedCursor(args.after, [sort === 'TIME' ? 'timestamp' : 'text', 'uuid']);
  if (args.folderId && !isUuid(args.folderId)) throw notFound('文件夹', 'folderId');
  const listing = { groupId: library.groupId, conversationId: library.conversationId, folderId: (args.folderId as string) || null, sort };
  const rows = await documentKeys(em, listing, cursor ? [String(cursor[0]), String(cursor[1])] : null, size + 1);
  const documents = rows.length ? await em.find(Document, { id: rows.map((r) => r.id) }) : [];
  const byId = new Map(documents.map((d) => [d.id, d]));
  const page = toPage(rows, size, (r) => [r.sort_key, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!) };
}

export async function listFolders(em: EntityManager, library: LibraryAccess, parentId: unknown): Promise<DocumentFolder[]> {
  if (!library.groupId) return [];
  if (parentId && !isUuid(parentId)) throw notFound('文件夹', 'folderId');
  const ids = await folderIds(em, library.groupId, (parentId as string) || null);
  const folders = ids.length ? await em.find(DocumentFolder, { id: ids }) : [];
  const byId = new Map(folders.map((f) => [f.id, f]));
  return ids.map((id) => byId.get(id)!);
}

export async function createFolder(ctx: DomainContext, library: LibraryAccess, rawName: unknown, parentId: unknown): Promise<DocumentFolder> {
  const actor = requireActor(ctx);
  authorize(actor, 'manageFolders', library, '只有群成员可以在群文件中建文件夹');
  const name = valid.requiredText(rawName, 'name', '文件夹名称', 50);
  if (/[/\\\r\n]/.test(name)) throw badInput('文件夹名称不能包含 / \\ 或换行', 'name');
  let parent: string | null = null;
  if (parentId) {
    parent = isUuid(parentId) ? await folderInGroup(ctx.em, parentId, library.groupId) : null;
    if (!parent) throw notFound('文件夹', 'parentId');
  }
  return ctx.em.transactional(async (em) => {
    const folderId = await insertFolder(em, { groupId: library.groupId, parentId: parent, name, creatorId: actor.userId });
    if (!folderId) throw conflict('已有同名文件夹', 'name');
    audit(em, { actorId: actor.userId, action: 'document.folder_created', targetType: 'group', targetId: library.groupId!, after: { folderId, name, parentId: parent }, ip: ctx.ip });
    return em.findOneOrFail(DocumentFolder, { id: folderId });
  });
}

/** Soft delete by the uploader or a group admin, audited. The bytes stay: attachments may still point at them. */
export async function deleteDocument(ctx: DomainContext, documentId: unknown, reason: unknown): Promise<Document> {
  const actor = requireActor(ctx);
  const access = await documentForActor(ctx.em, actor, documentId);
  if (access.document.deletedAt) throw notFound('文件');
  authorize(actor, 'delete', access, '只有上传者和群管理员可以删除文件');
  const why = valid.optionalText(reason, 'reason', '删除原因', 200);
  await ctx.em.transactional(async (em) => {
    if (!(await markDocumentDeleted(em, access.document.id, actor.userId))) throw conflict('文件已删除');
    audit(em, { actorId: actor.userId, action: 'document.deleted', targetType: 'document', targetId: access.document.id, reason: why, before: { name: access.document.name }, ip: ctx.ip });
  });
  await ctx.em.refresh(access.document);
  return access.document;
}

export async function moveDocument(ctx: DomainContext, documentId: unknown, folderId: unknown): Promise<Document> {
  const actor = requireActor(ctx);
  const access = await documentForActor(ctx.em, actor, documentId);
  if (access.document.deletedAt) throw notFound('文件');
  authorize(actor, 'move', access, '只有上传者和群管理员可以移动文件');
  let folder: string | null = null;
  if (folderId) {
    folder = isUuid(folderId) ? await folderInGroup(ctx.em, folderId, access.library.groupId) : null;
    if (!folder) throw notFound('文件夹', 'folderId');
  }
  await ctx.em.transactional(async (em) => {
    await moveDocumentTo(em, access.document.id, folder);
    audit(em, { actorId: actor.userId, action: 'document.moved', targetType: 'document', targetId: access.document.id, after: { folderId: folder }, ip: ctx.ip });
  });
  await ctx.em.refresh(access.document);
  return access.document;
}

export async function versionsOf(em: EntityManager, documentId: string): Promise<DocumentVersion[]> {
  return em.find(DocumentVersion, { document: documentId }, { orderBy: { version: 'desc' } });
}
