/** GraphQL operations of the group library and document requests. */
import { gql } from '../api.js';
import type { Page as Connection } from '../forum/types.js';
import { DOCUMENT_FIELDS, FOLDER_FIELDS, REQUEST_FIELDS, VERSION_FIELDS, type DocumentRequest, type DocumentSort, type DocumentVersion, type Folder, type LibraryDocument } from './types.js';

export const PAGE_SIZE = 30;

const DOCUMENTS = `query GroupDocuments($g: ID!, $folder: ID, $sort: DocumentSort, $first: Int, $after: String) { group(id: $g) { id
  documents(folderId: $folder, sort: $sort, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ${DOCUMENT_FIELDS} } } } } }`;
const CONVERSATION_DOCUMENTS = `query ConversationDocuments($c: ID!, $sort: DocumentSort, $first: Int, $after: String) { conversation(id: $c) { id
  documents(sort: $sort, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ${DOCUMENT_FIELDS} } } } } }`;
const DOCUMENT = `query OneDocument($id: ID!) { document(id: $id) { ${DOCUMENT_FIELDS} versions { ${VERSION_FIELDS} } } }`;
const CREATE_FOLDER = `mutation CreateFolder($g: ID!, $name: String!, $parent: ID) { createDocumentFolder(groupId: $g, name: $name, parentId: $parent) { ${FOLDER_FIELDS} } }`;
const MOVE = `mutation MoveDocument($d: ID!, $folder: ID) { moveDocument(documentId: $d, folderId: $folder) { ${DOCUMENT_FIELDS} } }`;
const DELETE = `mutation DeleteDocument($d: ID!, $reason: String) { deleteDocument(documentId: $d, reason: $reason) { id } }`;
const GROUP_REQUESTS = `query GroupRequests($g: ID!, $closed: Boolean) { group(id: $g) { id documentRequests(includeClosed: $closed) { ${REQUEST_FIELDS} } } }`;
const MY_REQUESTS = `query MyDocumentRequests { myDocumentRequests { ${REQUEST_FIELDS} } }`;
const REQUEST = `mutation RequestDocument($g: ID!, $title: String!, $details: String, $to: ID, $due: String) {
  requestDocument(groupId: $g, title: $title, details: $details, addresseeId: $to, dueDate: $due) { ${REQUEST_FIELDS} } }`;
const ANSWER = `mutation AnswerRequest($r: ID!, $v: ID!, $note: String) { answerDocumentRequest(requestId: $r, versionId: $v, note: $note) { ${REQUEST_FIELDS} } }`;
const CLOSE = `mutation CloseRequest($r: ID!, $fulfilled: Boolean!) { closeDocumentRequest(requestId: $r, fulfilled: $fulfilled) { ${REQUEST_FIELDS} } }`;

export async function fetchDocuments(groupId: string, folderId: string | null, sort: DocumentSort, after: string | null, signal?: AbortSignal): Promise<Connection<LibraryDocument>> {
  const data = await gql<{ group: { documents: Connection<LibraryDocument> } }>(DOCUMENTS, { g: groupId, folder: folderId, sort, first: PAGE_SIZE, after }, signal);
  return data.group.documents;
}

/** The files of a discussion group or private chat (Conversation.documents; no folders). */
export async function fetchConversationDocuments(conversationId: string, sort: DocumentSort, after: string | null, signal?: AbortSignal): Promise<Connection<LibraryDocument>> {
  const data = await gql<{ conversation: { documents: Connection<LibraryDocument> } }>(CONVERSATION_DOCUMENTS, { c: conversationId, sort, first: PAGE_SIZE, after }, signal);
  return data.conversation.documents;
}

export async function fetchDocument(id: string, signal?: AbortSignal): Promise<LibraryDocument & { versions: DocumentVersion[] }> {
  return (await gql<{ document: LibraryDocument & { versions: DocumentVersion[] } }>(DOCUMENT, { id }, signal)).document;
}

/**
 * The folders along a path (ids from the top) and the children of the last one, in one query
 * (one aliased documentFolders per level). Answers null when a folder of the path is gone.
 */
export async function fetchFolderPath(groupId: string, path: string[], signal?: AbortSignal): Promise<{ trail: Folder[]; children: Folder[] } | null> {
  const levels = [null, ...path];
  const vars: Record<string, unknown> = { g: groupId };
  const parts = levels.map((id, i) => {
    if (id) vars[`p${i}`] = id;
    return `l${i}: documentFolders${id ? `(parentId: $p${i})` : ''} { ${FOLDER_FIELDS} }`;
  });
  const params = levels.map((id, i) => (id ? `, $p${i}: ID` : '')).join('');
  const data = await gql<{ group: Record<string, Folder[]> }>(`query FolderPath($g: ID!${params}) { group(id: $g) { id ${parts.join(' ')} } }`, vars, signal);
  const trail: Folder[] = [];
  for (let i = 0; i < path.length; i += 1) {
    const folder = data.group[`l${i}`]?.find((f) => f.id === path[i]);
    if (!folder) return null;
    trail.push(folder);
  }
  return { trail, children: sortFolders(data.group[`l${path.length}`] ?? []) };
}

const collator = new Intl.Collator('zh-CN-u-co-pinyin', { numeric: true });
export function sortFolders(folders: Folder[]): Folder[] {
  return [...folders].sort((a, b) => collator.compare(a.name, b.name));
}

export interface FolderNode extends Folder {
  depth: number;
}

/** Every folder of a library, depth first (for 移动到…): one query per level, siblings aliased. */
export async function fetchFolderTree(groupId: string, signal?: AbortSignal, maxFolders = 300): Promise<FolderNode[]> {
  const children = new Map<string | null, Folder[]>();
  let level: Array<string | null> = [null];
  let total = 0;
  for (let depth = 0; level.length && depth < 12 && total < maxFolders; depth += 1) {
    const next: string[] = [];
    for (let start = 0; start < level.length; start += 25) {
      const batch = level.slice(start, start + 25);
      const vars: Record<string, unknown> = { g: groupId };
      const params = batch.map((id, i) => (id ? `, $p${i}: ID` : '')).join('');
      const parts = batch.map((id, i) => {
        if (id) vars[`p${i}`] = id;
        return `l${i}: documentFolders${id ? `(parentId: $p${i})` : ''} { ${FOLDER_FIELDS} }`;
      });
      const data = await gql<{ group: Record<string, Folder[]> }>(`query FolderTree($g: ID!${params}) { group(id: $g) { id ${parts.join(' ')} } }`, vars, signal);
      batch.forEach((id, i) => {
        const list = sortFolders(data.group[`l${i}`] ?? []);
        children.set(id, list);
        total += list.length;
        next.push(...list.map((f) => f.id));
      });
    }
    level = next;
  }
  const out: FolderNode[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const f of children.get(parent) ?? []) {
      out.push({ ...f, depth });
      walk(f.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export async function createFolder(groupId: string, name: string, parentId: string | null): Promise<Folder> {
  return (await gql<{ createDocumentFolder: Folder }>(CREATE_FOLDER, { g: groupId, name, parent: parentId })).createDocumentFolder;
}

export async function moveDocument(documentId: string, folderId: string | null): Promise<LibraryDocument> {
  return (await gql<{ moveDocument: LibraryDocument }>(MOVE, { d: documentId, folder: folderId })).moveDocument;
}

export async function deleteDocument(documentId: string, reason: string | null): Promise<void> {
  await gql(DELETE, { d: documentId, reason });
}

export async function fetchGroupRequests(groupId: string, includeClosed: boolean, signal?: AbortSignal): Promise<DocumentRequest[]> {
  return (await gql<{ group: { documentRequests: DocumentRequest[] } }>(GROUP_REQUESTS, { g: groupId, closed: includeClosed }, signal)).group.documentRequests;
}

export async function fetchMyRequests(signal?: AbortSignal): Promise<DocumentRequest[]> {
  return (await gql<{ myDocumentRequests: DocumentRequest[] }>(MY_REQUESTS, {}, signal)).myDocumentRequests;
}

export async function requestDocument(input: { groupId: string; title: string; details: string | null; addresseeId: string | null; dueDate: string | null }): Promise<DocumentRequest> {
  return (await gql<{ requestDocument: DocumentRequest }>(REQUEST, { g: input.groupId, title: input.title, details: input.details, to: input.addresseeId, due: input.dueDate })).requestDocument;
}

export async function answerRequest(requestId: string, versionId: string, note: string | null): Promise<DocumentRequest> {
  return (await gql<{ answerDocumentRequest: DocumentRequest }>(ANSWER, { r: requestId, v: versionId, note })).answerDocumentRequest;
}

export async function closeRequest(requestId: string, fulfilled: boolean): Promise<DocumentRequest> {
  return (await gql<{ closeDocumentRequest: DocumentRequest }>(CLOSE, { r: requestId, fulfilled })).closeDocumentRequest;
}
