import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { Document, DocumentFolder, DocumentVersion } from '../../db/entities/index.js';
import { isUniqueViolation } from '../../db/sql.js';
import { AppError, badInput, conflict, notFound, notFoundAs } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { documentForActor, libraryForActor } from './access.js';
import { deleteFolderRow, documentKeys, documentNamed, folderContents, folderIds, folderInGroup, folderRow, holdFolder, insertFolder, lockDocument, lockFolderForRename, lockFolderName, lockNameInFolder, markDocumentDeleted, moveDocumentTo, renameFolderRow, type DocumentSort } from './store.js';
import { FolderAccess, type LibraryAccess } from './subjects.js';

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

function folderName(raw: unknown): string {
  const name = valid.requiredText(raw, 'name', '文件夹名称', 50);
  if (/[/\\\r\n]/.test(name)) throw badInput('文件夹名称不能包含 / \\ 或换行', 'name');
  return name;
}

/** A folder the actor saw was deleted before the write that names it could hold it. */
export const folderDeleted = (field?: string) => new AppError('NOT_FOUND', '文件夹已被删除', field ? { field } : {});

/** A folder of a library the actor may read, or NOT_FOUND. */
export async function folderForActor(ctx: DomainContext, folderId: unknown): Promise<FolderAccess> {
  const actor = requireActor(ctx);
  const row = isUuid(folderId) ? await folderRow(ctx.em, folderId) : null;
  if (!row) throw notFound('文件夹');
  const library = await libraryForActor(ctx.em, actor, { groupId: row.group_id }).catch(notFoundAs('文件夹'));
  return new FolderAccess(await ctx.em.findOneOrFail(DocumentFolder, { id: row.id }), library);
}

/** Renames a folder (its creator or a group admin); another folder of that name beside it is a CONFLICT. */
export async function renameFolder(ctx: DomainContext, folderId: unknown, rawName: unknown): Promise<DocumentFolder> {
  const actor = requireActor(ctx);
  const access = await folderForActor(ctx, folderId);
  authorize(actor, 'rename', access, '只有文件夹的创建者和群管理员可以重命名文件夹');
  const name = folderName(rawName);
  const before = access.folder.name;
  if (name === before) return access.folder;
  const sameName = () => conflict('已有同名文件夹', 'name');
  try {
    await ctx.em.transactional(async (em) => {
      const place = await lockFolderForRename(em, access.folder.id);
      if (!place) throw folderDeleted('folderId');
      await lockFolderName(em, place.group_id, place.parent_id, name);
      if (!(await renameFolderRow(em, access.folder.id, name))) throw sameName();
      audit(em, { actorId: actor.userId, action: 'document.folder_renamed', targetType: 'group', targetId: access.library.groupId!, before: { folderId: access.folder.id, name: before }, after: { folderId: access.folder.id, name }, ip: ctx.ip });
    });
  } catch (error) {
    // A same-named folder written past the name's lock (another server version, a script).
    if (error instanceof UniqueConstraintViolationException || isUniqueViolation(error)) throw sameName();
    throw error;
  }
  await ctx.em.refresh(access.folder);
  return access.folder;
}

/**
 * Deletes an empty folder (its creator or a group admin). A folder that still holds folders or
 * documents is refused (CONFLICT, saying what is left): nothing is deleted by surprise, and
 * documents are deleted one by one, each with its own record.
 */
export async function deleteFolder(ctx: DomainContext, folderId: unknown): Promise<DocumentFolder> {
  const actor = requireActor(ctx);
  const access = await folderForActor(ctx, folderId);
  authorize(actor, 'delete', access, '只有文件夹的创建者和群管理员可以删除文件夹');
  const { folder } = access;
  await ctx.em.transactional(async (em) => {
    const left = await folderContents(em, folder.id);
    if (left.folders || left.documents) {
      const parts = [left.documents ? `${left.documents} 个文件` : '', left.folders ? `${left.folders} 个子文件夹` : ''].filter(Boolean).join('和');
      throw conflict(`文件夹“${folder.name}”里还有 ${parts}，请先移走或删除`, 'folderId');
    }
    await deleteFolderRow(em, folder.id);
    audit(em, { actorId: actor.userId, action: 'document.folder_deleted', targetType: 'group', targetId: access.library.groupId!, before: { folderId: folder.id, name: folder.name, parentId: folder.parent?.id ?? null }, ip: ctx.ip });
  });
  return folder;
}

export async function createFolder(ctx: DomainContext, library: LibraryAccess, rawName: unknown, parentId: unknown): Promise<DocumentFolder> {
  const actor = requireActor(ctx);
  authorize(actor, 'manageFolders', library, '只有群成员可以在群文件中建文件夹');
  const name = folderName(rawName);
  let parent: string | null = null;
  if (parentId) {
    parent = isUuid(parentId) ? await folderInGroup(ctx.em, parentId, library.groupId) : null;
    if (!parent) throw notFound('文件夹', 'parentId');
  }
  return ctx.em.transactional(async (em) => {
    if (parent && !(await holdFolder(em, parent))) throw folderDeleted('parentId');
    await lockFolderName(em, library.groupId!, parent, name);
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
    // In the documents' lock order (store.ts, lockNameInFolder): the row, the folder, the name.
    const locked = await lockDocument(em, access.document.id);
    if (locked.deleted_at) throw notFound('文件');
    if (folder && !(await holdFolder(em, folder))) throw folderDeleted('folderId');
    const place = { groupId: access.library.groupId, conversationId: access.library.conversationId, folderId: folder };
    await lockNameInFolder(em, place, locked.name);
    if (await documentNamed(em, place, locked.name, access.document.id)) throw conflict(`目标文件夹中已有名为“${locked.name}”的文件`, 'folderId');
    await moveDocumentTo(em, access.document.id, folder);
    audit(em, { actorId: actor.userId, action: 'document.moved', targetType: 'document', targetId: access.document.id, after: { folderId: folder }, ip: ctx.ip });
  });
  await ctx.em.refresh(access.document);
  return access.document;
}

export async function versionsOf(em: EntityManager, documentId: string): Promise<DocumentVersion[]> {
  return em.find(DocumentVersion, { document: documentId }, { orderBy: { version: 'desc' } });
}

/** The undeleted document of this name in a folder of the library (null: its top), if any: what an upload of that name would meet. */
export async function documentNamedIn(em: EntityManager, library: LibraryAccess, folderId: unknown, rawName: unknown): Promise<Document | null> {
  const name = String(rawName ?? '').normalize('NFC').trim();
  if (!name) return null;
  let folder: string | null = null;
  if (folderId && library.groupId) {
    folder = isUuid(folderId) ? await folderInGroup(em, folderId, library.groupId) : null;
    if (!folder) throw notFound('文件夹', 'folderId');
  }
  const id = await documentNamed(em, { groupId: library.groupId, conversationId: library.conversationId, folderId: folder }, name);
  return id ? em.findOneOrFail(Document, { id }) : null;
}
