import type { EntityManager } from '@mikro-orm/postgresql';
import { DocumentVersion } from '../../db/entities/index.js';
import { entityColumns, hydrate, query } from '../../db/sql.js';
import { joinSql, rows, sql, sqlText, type Statement } from '../../db/statement.js';

/**
 * Documents' SQL: libraries (folders and documents), stored objects and versions, downloads,
 * requests, and the presenters' batched reads. (A page of owners' attachments in one prepared
 * statement, versions hydrated only for rows found: past the ORM's populate, which costs more.)
 */

export type AttachmentOwner = 'message' | 'thread' | 'reply' | 'meeting';

/**
 * Attachments of a page of messages, threads, replies or meetings with their version rows: one
 * prepared statement (a history page asks for 50 messages' attachments, and most have none),
 * versions hydrated as entities only for the rows found. Keyed by owner id, in attachment order.
 */
export async function attachmentsOf(em: EntityManager, column: AttachmentOwner, ids: string[]): Promise<Map<string, Array<{ version: DocumentVersion }>>> {
  const byOwner = new Map<string, Array<{ version: DocumentVersion }>>();
  if (!ids.length) return byOwner;
  const v = entityColumns(em, DocumentVersion, 'v');
  const owner = sqlText(`a.${column}_id`);
  const found = await query<Record<string, unknown> & { owner_id: string }>(
    em,
    `jiaoliu_attachments_of_${column}`,
    sql`select ${owner} as owner_id, ${sqlText(v.sql)} from attachment a join document_version v on v.id = a.version_id where ${owner} = any(${ids}::uuid[]) order by a.id`,
  );
  for (const row of found) {
    if (!byOwner.has(row.owner_id)) byOwner.set(row.owner_id, []);
    byOwner.get(row.owner_id)!.push({ version: hydrate(em, DocumentVersion, v.pick(row)!) });
  }
  return byOwner;
}

/** Whether a message, thread, reply or meeting attached this version. */
export async function isAttached(em: EntityManager, versionId: string): Promise<boolean> {
  const [attached] = await rows<{ id: string }>(em, sql`select id from attachment where version_id = ${versionId} limit 1`);
  return !!attached;
}

// Libraries

export type DocumentSort = 'NAME' | 'TIME' | 'SIZE';

/** The sort key as a column (compared and ordered) and as text (the cursor), and its direction. */
const SORTS: Record<DocumentSort, { key: string; text: string; cursorCast: string; dir: 'asc' | 'desc' }> = {
  // Chinese names in pinyin order, as the directory does (ICU collation).
  NAME: { key: `d.name collate "pinyin"`, text: 'd.name', cursorCast: ' collate "pinyin"', dir: 'asc' },
  TIME: { key: 'd.updated_at', text: 'd.updated_at::text', cursorCast: '::timestamptz', dir: 'desc' },
  // Sizes compared as zero-padded text, so that the cursor holds the key exactly.
  SIZE: { key: `lpad(o.size::text, 20, '0')`, text: `lpad(o.size::text, 20, '0')`, cursorCast: '', dir: 'desc' },
};

export interface DocumentListing {
  groupId: string | null;
  conversationId: string | null;
  /** The folder, or null for the library's root. */
  folderId: string | null;
  sort: DocumentSort;
}

/** A folder's undeleted documents in sort order, `limit` after the cursor (sort key text, id). */
export function documentKeys(em: EntityManager, listing: DocumentListing, cursor: [key: string, id: string] | null, limit: number): Promise<Array<{ id: string; sort_key: string }>> {
  const { key, text, cursorCast, dir } = SORTS[listing.sort];
  const where: Statement[] = [listing.groupId ? sql`d.group_id = ${listing.groupId}` : sql`d.conversation_id = ${listing.conversationId}`, sql`d.deleted_at is null`];
  where.push(listing.folderId ? sql`d.folder_id = ${listing.folderId}` : sql`d.folder_id is null`);
  if (cursor) where.push(sql`(${sqlText(key)}, d.id) ${sqlText(dir === 'asc' ? '>' : '<')} (${cursor[0]}${sqlText(cursorCast)}, ${cursor[1]}::uuid)`);
  return rows(
    em,
    sql`select d.id, ${sqlText(text)} as sort_key
       from document d
       join document_version v on v.document_id = d.id and v.version = d.latest_version
       join stored_object o on o.id = v.object_id
      where ${joinSql(where, ' and ')}
      order by ${sqlText(key)} ${sqlText(dir)}, d.id ${sqlText(dir)} limit ${limit}`,
  );
}

/** A group's folders under a parent (null: the top level), in pinyin order. */
export async function folderIds(em: EntityManager, groupId: string, parentId: string | null): Promise<string[]> {
  const found = await rows<{ id: string }>(em, sql`select id from document_folder where group_id = ${groupId} and parent_id is not distinct from ${parentId} order by name collate "pinyin", id`);
  return found.map((r) => r.id);
}

/** The folder if it is in the group's library. */
export async function folderInGroup(em: EntityManager, folderId: string, groupId: string | null): Promise<string | null> {
  const [row] = await rows<{ id: string }>(em, sql`select id from document_folder where id = ${folderId} and group_id = ${groupId}`);
  return row?.id ?? null;
}

/** A new folder's id, or null when the parent already holds one of that name. */
export async function insertFolder(em: EntityManager, f: { groupId: string | null; parentId: string | null; name: string; creatorId: string }): Promise<string | null> {
  const inserted = await rows<{ id: string }>(
    em,
    sql`insert into document_folder (id, group_id, parent_id, name, created_by_id, created_at) values (gen_random_uuid(), ${f.groupId}, ${f.parentId}, ${f.name}, ${f.creatorId}, now()) on conflict do nothing returning id`,
  );
  return inserted[0]?.id ?? null;
}

export interface FolderRow {
  id: string;
  group_id: string;
  parent_id: string | null;
  name: string;
  created_by_id: string;
}

export async function folderRow(em: EntityManager, folderId: string): Promise<FolderRow | null> {
  const [row] = await rows<FolderRow>(em, sql`select id, group_id, parent_id, name, created_by_id from document_folder where id = ${folderId}`);
  return row ?? null;
}

/**
 * Locks a folder for renaming (FOR NO KEY UPDATE: uploads into it and new subfolders go on) and
 * returns where it is, or null when it was deleted meanwhile.
 */
export async function lockFolderForRename(em: EntityManager, folderId: string): Promise<{ group_id: string; parent_id: string | null } | null> {
  const [row] = await rows<{ group_id: string; parent_id: string | null }>(em, sql`select group_id, parent_id from document_folder where id = ${folderId} for no key update`);
  return row ?? null;
}

/**
 * Serialises creates and renames of one folder name in one parent until the transaction ends
 * (an advisory lock), so that a rename's check for a same-named folder sees any that won.
 */
export async function lockFolderName(em: EntityManager, groupId: string, parentId: string | null, name: string): Promise<void> {
  await rows(em, sql`select pg_advisory_xact_lock(hashtextextended(${`document-folder-name:${groupId}:${parentId ?? ''}:${name}`}, 0))`);
}

/** Renames a folder; false when its parent already holds another folder of that name. */
export async function renameFolderRow(em: EntityManager, folderId: string, name: string): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update document_folder f set name = ${name} where f.id = ${folderId}
          and not exists (select 1 from document_folder o where o.group_id = f.group_id and o.parent_id is not distinct from f.parent_id and o.name = ${name} and o.id <> f.id)
        returning f.id`,
  );
  return changed.length > 0;
}

/**
 * Keeps a folder from being deleted until the transaction ends (FOR KEY SHARE, as the foreign
 * key's own check would, but before anything is written); false when it was deleted meanwhile.
 * A deletion under way (its row FOR UPDATE) is waited for.
 */
export async function holdFolder(em: EntityManager, folderId: string): Promise<boolean> {
  const held = await rows<{ id: string }>(em, sql`select id from document_folder where id = ${folderId} for key share`);
  return held.length > 0;
}

/** What a folder still holds: subfolders and documents not deleted. Locks the folder row (FOR UPDATE) against writers holding it (holdFolder) until the deletion ends. */
export async function folderContents(em: EntityManager, folderId: string): Promise<{ folders: number; documents: number }> {
  await rows(em, sql`select id from document_folder where id = ${folderId} for update`);
  const [row] = await rows<{ folders: string; documents: string }>(
    em,
    sql`select (select count(*) from document_folder where parent_id = ${folderId}) as folders,
               (select count(*) from document where folder_id = ${folderId} and deleted_at is null) as documents`,
  );
  return { folders: Number(row.folders), documents: Number(row.documents) };
}

/** Deletes an (empty) folder; deleted documents that were in it move to the top (folder_id set null). */
export async function deleteFolderRow(em: EntityManager, folderId: string): Promise<void> {
  await rows(em, sql`delete from document_folder where id = ${folderId}`);
}

/** Soft-deletes a document; false when it already was deleted. */
export async function markDocumentDeleted(em: EntityManager, documentId: string, deletedBy: string): Promise<boolean> {
  const changed = await rows<{ id: string }>(em, sql`update document set deleted_at = now(), deleted_by_id = ${deletedBy} where id = ${documentId} and deleted_at is null returning id`);
  return changed.length > 0;
}

export async function moveDocumentTo(em: EntityManager, documentId: string, folderId: string | null): Promise<void> {
  await rows(em, sql`update document set folder_id = ${folderId} where id = ${documentId}`);
}

// Uploads: stored objects (one per content and library), documents and their versions

/** The library's stored object with this content, if any. */
export async function objectWithContent(em: EntityManager, library: { groupId: string | null; conversationId: string | null }, sha256: string): Promise<string | null> {
  const [row] = library.groupId
    ? await rows<{ id: string }>(em, sql`select id from stored_object where group_id = ${library.groupId} and sha256 = ${sha256}`)
    : await rows<{ id: string }>(em, sql`select id from stored_object where conversation_id = ${library.conversationId} and sha256 = ${sha256}`);
  return row?.id ?? null;
}

export interface NewObject {
  groupId: string | null;
  conversationId: string | null;
  sha256: string;
  size: number;
  mime: string;
  storageKey: string | null;
}

/** A new stored object's id, or null when the same content raced in first. */
export async function insertObject(em: EntityManager, o: NewObject): Promise<string | null> {
  const inserted = await rows<{ id: string }>(
    em,
    sql`insert into stored_object (id, group_id, conversation_id, sha256, size, mime, storage_key, created_at)
           values (gen_random_uuid(), ${o.groupId}, ${o.conversationId}, ${o.sha256}, ${o.size}, ${o.mime}, ${o.storageKey}, now()) on conflict do nothing returning id`,
  );
  return inserted[0]?.id ?? null;
}

export interface LockedDocument {
  name: string;
  folder_id: string | null;
  latest_version: number;
  deleted_at: Date | null;
}

/** Locks a document's row (FOR UPDATE) and reads it as it is now, after any writer it waited for. */
export async function lockDocument(em: EntityManager, documentId: string): Promise<LockedDocument> {
  const [locked] = await rows<LockedDocument>(em, sql`select name, folder_id, latest_version, deleted_at from document where id = ${documentId} for update`);
  return locked;
}

export async function updateDocumentLatest(em: EntityManager, documentId: string, name: string, version: number, searchVector: string | null): Promise<void> {
  await rows(em, sql`update document set name = ${name}, latest_version = ${version}, updated_at = now(), search_vector = ${searchVector}::tsvector where id = ${documentId}`);
}

export interface LibraryPlace {
  groupId: string | null;
  conversationId: string | null;
  /** The folder, or null for the library's top (and for conversation libraries). */
  folderId: string | null;
}

/**
 * Serialises writers of one name in one folder until the transaction ends (an advisory lock on
 * the place and the name, case-folded), so two uploads of the same name cannot both see it free.
 *
 * Lock order of the documents' writers, the same everywhere so that none waits in a cycle:
 *   1. the document's row (lockDocument: a new version, a move), read again once locked, so that
 *      its name and folder are the ones a concurrent move or version left;
 *   2. the folder written into (holdFolder: an upload, a move, a new subfolder; a folder being
 *      renamed: lockFolderForRename);
 *   3. names in a folder (lockNameInFolder, lockFolderName).
 * Deleting a folder locks its row, then (the foreign key's set null) rows of deleted documents in
 * it; a writer holding a document's row (1) finds it deleted and stops before waiting for (2).
 */
export async function lockNameInFolder(em: EntityManager, place: LibraryPlace, name: string): Promise<void> {
  const key = `document-name:${place.groupId ?? place.conversationId}:${place.folderId ?? ''}:${name.toLowerCase()}`;
  await rows(em, sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/** The undeleted document of this name (case-insensitive) in the folder, other than `except`. */
export async function documentNamed(em: EntityManager, place: LibraryPlace, name: string, except: string | null = null): Promise<string | null> {
  const library = place.groupId ? sql`group_id = ${place.groupId}` : sql`conversation_id = ${place.conversationId}`;
  const folder = place.folderId ? sql`folder_id = ${place.folderId}` : sql`folder_id is null`;
  const [row] = await rows<{ id: string }>(
    em,
    sql`select id from document where ${library} and ${folder} and deleted_at is null and lower(name) = lower(${name}) and id is distinct from ${except}::uuid order by created_at limit 1`,
  );
  return row?.id ?? null;
}

export interface NewDocument {
  groupId: string | null;
  conversationId: string | null;
  folderId: string | null;
  name: string;
  uploaderId: string;
  searchVector: string | null;
}

export async function insertDocument(em: EntityManager, d: NewDocument): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into document (id, group_id, conversation_id, folder_id, name, uploader_id, latest_version, download_count, created_at, updated_at, search_vector)
           values (gen_random_uuid(), ${d.groupId}, ${d.conversationId}, ${d.folderId}, ${d.name}, ${d.uploaderId}, 1, 0, now(), now(), ${d.searchVector}::tsvector) returning id`,
  );
  return id;
}

export async function insertVersion(em: EntityManager, v: { documentId: string; version: number; objectId: string | null; name: string; uploaderId: string }): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into document_version (id, document_id, version, object_id, name, uploader_id, created_at) values (gen_random_uuid(), ${v.documentId}, ${v.version}, ${v.objectId}, ${v.name}, ${v.uploaderId}, now()) returning id`,
  );
  return id;
}

// Downloads

export interface VersionFileRow {
  name: string;
  mime: string;
  size: string;
  storage_key: string;
}

export async function versionFile(em: EntityManager, versionId: string): Promise<VersionFileRow> {
  const [row] = await rows<VersionFileRow>(em, sql`select v.name, o.mime, o.size, o.storage_key from document_version v join stored_object o on o.id = v.object_id where v.id = ${versionId}`);
  return row;
}

export async function countDownload(em: EntityManager, documentId: string): Promise<void> {
  await rows(em, sql`update document set download_count = download_count + 1 where id = ${documentId}`);
}

// Requests (资料寻找)

/** The user if they are a member of the group. */
export async function groupMember(em: EntityManager, groupId: string, userId: string): Promise<string | null> {
  const [row] = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id = ${userId}`);
  return row?.user_id ?? null;
}

export async function insertRequest(em: EntityManager, r: { groupId: string; requesterId: string; addresseeId: string | null; title: string; details: string | null; dueDate: string | null }): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into document_request (id, group_id, requester_id, addressee_id, title, details, due_date, status, created_at)
       values (gen_random_uuid(), ${r.groupId}, ${r.requesterId}, ${r.addresseeId}, ${r.title}, ${r.details}, ${r.dueDate}, 'open', now()) returning id`,
  );
  return id;
}

export async function lockRequestStatus(em: EntityManager, requestId: string): Promise<string> {
  const [locked] = await rows<{ status: string }>(em, sql`select status from document_request where id = ${requestId} for update`);
  return locked.status;
}

export async function insertRequestAnswer(em: EntityManager, a: { requestId: string; versionId: string; answererId: string; note: string | null }): Promise<void> {
  await rows(em, sql`insert into document_request_answer (request_id, version_id, answerer_id, note, created_at) values (${a.requestId}, ${a.versionId}, ${a.answererId}, ${a.note}, now())`);
}

/** Ends an open request; false when it already was ended. */
export async function closeRequest(em: EntityManager, requestId: string, status: 'fulfilled' | 'closed'): Promise<boolean> {
  const changed = await rows<{ id: string }>(em, sql`update document_request set status = ${status}, closed_at = now() where id = ${requestId} and status = 'open' returning id`);
  return changed.length > 0;
}

/** Open requests naming the user, in groups they still belong to, newest first. */
export async function openRequestIdsFor(em: EntityManager, userId: string): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select r.id from document_request r join group_member gm on gm.group_id = r.group_id and gm.user_id = r.addressee_id
      where r.addressee_id = ${userId} and r.status = 'open' order by r.created_at desc limit 200`,
  );
  return found.map((r) => r.id);
}

/** A request's answers in the order given. */
export function requestAnswerRows(em: EntityManager, requestId: string): Promise<Array<{ answerer_id: string; version_id: string; note: string | null; created_at: Date }>> {
  return rows(em, sql`select answerer_id, version_id, note, created_at from document_request_answer where request_id = ${requestId} order by id`);
}
