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
import type { LibraryAccess } from './subjects.js';

export type DocumentSort = 'NAME' | 'TIME' | 'SIZE';

const ORDER: Record<DocumentSort, { key: string; dir: 'asc' | 'desc' }> = {
  // Chinese names in pinyin order, as the directory does (ICU collation).
  NAME: { key: `d.name collate "pinyin"`, dir: 'asc' },
  TIME: { key: 'd.updated_at', dir: 'desc' },
  SIZE: { key: 'o.size', dir: 'desc' },
};

interface Row {
  id: string;
  sort_key: string;
}

/**
 * One folder of a library (the root when folderId is null), sorted by name, time or size, with
 * a keyset cursor on (sort key, id). Deleted documents are not listed.
 */
export async function listDocuments(em: EntityManager, library: LibraryAccess, args: PageArgs & { folderId?: unknown; sort?: DocumentSort | null }): Promise<Page<Document>> {
  const size = pageSize(args.first);
  const sort = ORDER[args.sort ?? 'TIME'] ? (args.sort ?? 'TIME') : 'TIME';
  const { key, dir } = ORDER[sort];
  const cursor = decodeTypedCursor(args.after, [sort === 'TIME' ? 'timestamp' : 'text', 'uuid']);
  const params: unknown[] = [];
  const where = [library.groupId ? 'd.group_id = ?' : 'd.conversation_id = ?', 'd.deleted_at is null'];
  params.push(library.groupId ?? library.conversationId);
  if (args.folderId) {
    if (!isUuid(args.folderId)) throw notFound('文件夹', 'folderId');
    where.push('d.folder_id = ?');
    params.push(args.folderId);
  } else {
    where.push('d.folder_id is null');
  }
  const keyText = sort === 'SIZE' ? `lpad(o.size::text, 20, '0')` : sort === 'TIME' ? `d.updated_at::text` : `d.name`;
  if (cursor) {
    const op = dir === 'asc' ? '>' : '<';
    const keyExpr = sort === 'SIZE' ? `lpad(o.size::text, 20, '0')` : sort === 'TIME' ? 'd.updated_at' : key;
    const cast = sort === 'TIME' ? '::timestamptz' : sort === 'NAME' ? ' collate "pinyin"' : '';
    where.push(`(${keyExpr}, d.id) ${op} (?${cast}, ?::uuid)`);
    params.push(String(cursor[0]), String(cursor[1]));
  }
  const rows = await em.execute<Row[]>(
    `select d.id, ${keyText} as sort_key
       from document d
       join document_version v on v.document_id = d.id and v.version = d.latest_version
       join stored_object o on o.id = v.object_id
      where ${where.join(' and ')}
      order by ${sort === 'SIZE' ? `lpad(o.size::text, 20, '0')` : key} ${dir}, d.id ${dir} limit ?`,
    [...params, size + 1],
  );
  const documents = rows.length ? await em.find(Document, { id: rows.map((r) => r.id) }) : [];
  const byId = new Map(documents.map((d) => [d.id, d]));
  const page = toPage(rows, size, (r) => [r.sort_key, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!) };
}

export async function listFolders(em: EntityManager, library: LibraryAccess, parentId: unknown): Promise<DocumentFolder[]> {
  if (!library.groupId) return [];
  if (parentId && !isUuid(parentId)) throw notFound('文件夹', 'folderId');
  const rows = await em.execute<Array<{ id: string }>>(
    `select id from document_folder where group_id = ? and parent_id is not distinct from ? order by name collate "pinyin", id`,
    [library.groupId, (parentId as string) || null],
  );
  const folders = rows.length ? await em.find(DocumentFolder, { id: rows.map((r) => r.id) }) : [];
  const byId = new Map(folders.map((f) => [f.id, f]));
  return rows.map((r) => byId.get(r.id)!);
}

export async function createFolder(ctx: DomainContext, library: LibraryAccess, rawName: unknown, parentId: unknown): Promise<DocumentFolder> {
  const actor = requireActor(ctx);
  authorize(actor, 'manageFolders', library, '只有群成员可以在群文件中建文件夹');
  const name = valid.requiredText(rawName, 'name', '文件夹名称', 50);
  if (/[/\\\r\n]/.test(name)) throw badInput('文件夹名称不能包含 / \\ 或换行', 'name');
  let parent: string | null = null;
  if (parentId) {
    const [row] = isUuid(parentId) ? await ctx.em.execute<Array<{ id: string }>>(`select id from document_folder where id = ? and group_id = ?`, [parentId, library.groupId]) : [];
    if (!row) throw notFound('文件夹', 'parentId');
    parent = row.id;
  }
  return ctx.em.transactional(async (em) => {
    const inserted = await em.execute<Array<{ id: string }>>(
      `insert into document_folder (id, group_id, parent_id, name, created_by_id, created_at) values (gen_random_uuid(), ?, ?, ?, ?, now()) on conflict do nothing returning id`,
      [library.groupId, parent, name, actor.userId],
    );
    if (!inserted.length) throw conflict('已有同名文件夹', 'name');
    audit(em, { actorId: actor.userId, action: 'document.folder_created', targetType: 'group', targetId: library.groupId!, after: { folderId: inserted[0].id, name, parentId: parent }, ip: ctx.ip });
    return em.findOneOrFail(DocumentFolder, { id: inserted[0].id });
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
    const changed = await em.execute<Array<{ id: string }>>(`update document set deleted_at = now(), deleted_by_id = ? where id = ? and deleted_at is null returning id`, [actor.userId, access.document.id]);
    if (!changed.length) throw conflict('文件已删除');
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
    const [row] = isUuid(folderId) ? await ctx.em.execute<Array<{ id: string }>>(`select id from document_folder where id = ? and group_id = ?`, [folderId, access.library.groupId]) : [];
    if (!row) throw notFound('文件夹', 'folderId');
    folder = row.id;
  }
  await ctx.em.transactional(async (em) => {
    await em.execute(`update document set folder_id = ? where id = ?`, [folder, access.document.id]);
    audit(em, { actorId: actor.userId, action: 'document.moved', targetType: 'document', targetId: access.document.id, after: { folderId: folder }, ip: ctx.ip });
  });
  await ctx.em.refresh(access.document);
  return access.document;
}

export async function versionsOf(em: EntityManager, documentId: string): Promise<DocumentVersion[]> {
  return em.find(DocumentVersion, { document: documentId }, { orderBy: { version: 'desc' } });
}
