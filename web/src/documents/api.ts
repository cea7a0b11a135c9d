/** GraphQL operations of the group library and document requests. */
import { parse } from '@0no-co/graphql.web';
import { gql } from '../api.js';
import type { Page as Connection } from '../forum/types.js';
import { DocumentFields, FolderFields, RequestFields, VersionFields } from '../graphql/fragments.js';
import { graphql, type TadaDocumentNode } from '../graphql/index.js';
import type { DocumentRequest, DocumentSort, DocumentVersion, Folder, LibraryDocument } from './types.js';

export const PAGE_SIZE = 30;

const DOCUMENTS = graphql(`query GroupDocuments($g: ID!, $folder: ID, $sort: DocumentSort, $first: Int, $after: String) { group(id: $g) { id
  documents(folderId: $folder, sort: $sort, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ...DocumentFields } } } } }`, [DocumentFields]);
const CONVERSATION_DOCUMENTS = graphql(`query ConversationDocuments($c: ID!, $sort: DocumentSort, $first: Int, $after: String) { conversation(id: $c) { id
  documents(sort: $sort, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ...DocumentFields } } } } }`, [DocumentFields]);
const DOCUMENT = graphql('query OneDocument($id: ID!) { document(id: $id) { ...DocumentFields versions { ...VersionFields } } }', [DocumentFields, VersionFields]);
const CREATE_FOLDER = graphql('mutation CreateFolder($g: ID!, $name: String!, $parent: ID) { createDocumentFolder(groupId: $g, name: $name, parentId: $parent) { ...FolderFields } }', [FolderFields]);
const RENAME_FOLDER = graphql('mutation RenameFolder($f: ID!, $name: String!) { renameDocumentFolder(folderId: $f, name: $name) { ...FolderFields } }', [FolderFields]);
const DELETE_FOLDER = graphql('mutation DeleteFolder($f: ID!) { deleteDocumentFolder(folderId: $f) { id } }');
const GROUP_DOCUMENT_NAMED = graphql('query GroupDocumentNamed($g: ID!, $name: String!, $folder: ID) { group(id: $g) { id documentNamed(name: $name, folderId: $folder) { ...DocumentFields } } }', [DocumentFields]);
const CONVERSATION_DOCUMENT_NAMED = graphql('query ConversationDocumentNamed($c: ID!, $name: String!) { conversation(id: $c) { id documentNamed(name: $name) { ...DocumentFields } } }', [DocumentFields]);
const UPLOAD_LIMITS = graphql('query UploadLimits { uploadLimits { maxFileBytes } }');
const MOVE = graphql('mutation MoveDocument($d: ID!, $folder: ID) { moveDocument(documentId: $d, folderId: $folder) { ...DocumentFields } }', [DocumentFields]);
const DELETE = graphql('mutation DeleteDocument($d: ID!, $reason: String) { deleteDocument(documentId: $d, reason: $reason) { id } }');
const GROUP_REQUESTS = graphql('query GroupRequests($g: ID!, $closed: Boolean) { group(id: $g) { id documentRequests(includeClosed: $closed) { ...RequestFields } } }', [RequestFields]);
const MY_REQUESTS = graphql('query MyDocumentRequests { myDocumentRequests { ...RequestFields } }', [RequestFields]);
const REQUEST = graphql(`mutation RequestDocument($g: ID!, $title: String!, $details: String, $to: ID, $due: String) {
  requestDocument(groupId: $g, title: $title, details: $details, addresseeId: $to, dueDate: $due) { ...RequestFields } }`, [RequestFields]);
const ANSWER = graphql('mutation AnswerRequest($r: ID!, $v: ID!, $note: String) { answerDocumentRequest(requestId: $r, versionId: $v, note: $note) { ...RequestFields } }', [RequestFields]);
const CLOSE = graphql('mutation CloseRequest($r: ID!, $fulfilled: Boolean!) { closeDocumentRequest(requestId: $r, fulfilled: $fulfilled) { ...RequestFields } }', [RequestFields]);

export async function fetchDocuments(groupId: string, folderId: string | null, sort: DocumentSort, after: string | null, signal?: AbortSignal): Promise<Connection<LibraryDocument>> {
  const data = await gql(DOCUMENTS, { g: groupId, folder: folderId, sort, first: PAGE_SIZE, after }, signal);
  return data.group.documents;
}

/** The files of a discussion group or private chat (Conversation.documents; no folders). */
export async function fetchConversationDocuments(conversationId: string, sort: DocumentSort, after: string | null, signal?: AbortSignal): Promise<Connection<LibraryDocument>> {
  const data = await gql(CONVERSATION_DOCUMENTS, { c: conversationId, sort, first: PAGE_SIZE, after }, signal);
  return data.conversation.documents;
}

export async function fetchDocument(id: string, signal?: AbortSignal): Promise<LibraryDocument & { versions: DocumentVersion[] }> {
  return (await gql(DOCUMENT, { id }, signal)).document;
}

type FoldersByAlias = TadaDocumentNode<{ group: Record<string, Folder[] | undefined> }, Record<string, unknown>>;

/**
 * The folders of several parents in one query, one alias per parent (l0, l1, …; null is the
 * top). The only documents built at run time, since the number of aliases varies: each alias
 * selects the checked FolderFields fragment, and the result is typed as those folders.
 */
function foldersOf(name: string, groupId: string, parents: Array<string | null>): { document: FoldersByAlias; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = { g: groupId };
  const params = parents.map((id, i) => (id ? `, $p${i}: ID` : '')).join('');
  const parts = parents.map((id, i) => {
    if (id) variables[`p${i}`] = id;
    return `l${i}: documentFolders${id ? `(parentId: $p${i})` : ''} { ...FolderFields }`;
  });
  const operation = parse(`query ${name}($g: ID!${params}) { group(id: $g) { id ${parts.join(' ')} } }`);
  const document = { ...operation, definitions: [...operation.definitions, ...FolderFields.definitions] };
  return { document: document as unknown as FoldersByAlias, variables };
}

/**
 * The folders along a path (ids from the top) and the children of the last one, in one query
 * (one aliased documentFolders per level). Answers null when a folder of the path is gone.
 */
export async function fetchFolderPath(groupId: string, path: string[], signal?: AbortSignal): Promise<{ trail: Folder[]; children: Folder[] } | null> {
  const { document, variables } = foldersOf('FolderPath', groupId, [null, ...path]);
  const data = await gql(document, variables, signal);
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
      const { document, variables } = foldersOf('FolderTree', groupId, batch);
      const data = await gql(document, variables, signal);
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
  return (await gql(CREATE_FOLDER, { g: groupId, name, parent: parentId })).createDocumentFolder;
}

export async function renameFolder(folderId: string, name: string): Promise<Folder> {
  return (await gql(RENAME_FOLDER, { f: folderId, name })).renameDocumentFolder;
}

export async function deleteFolder(folderId: string): Promise<void> {
  await gql(DELETE_FOLDER, { f: folderId });
}

/** The document an upload of this name would meet in the library's folder (null: none). */
export async function fetchDocumentNamed(target: { groupId?: string; conversationId?: string; folderId?: string | null }, name: string): Promise<LibraryDocument | null> {
  if (target.groupId) return (await gql(GROUP_DOCUMENT_NAMED, { g: target.groupId, name, folder: target.folderId ?? null })).group.documentNamed;
  if (target.conversationId) return (await gql(CONVERSATION_DOCUMENT_NAMED, { c: target.conversationId, name })).conversation.documentNamed;
  return null;
}

let uploadLimits: Promise<{ maxFileBytes: number }> | null = null;
/** The server's upload limits, asked once per page load (a failed ask is asked again next time). */
export function fetchUploadLimits(): Promise<{ maxFileBytes: number }> {
  uploadLimits ??= gql(UPLOAD_LIMITS, {}).then(
    (data) => data.uploadLimits,
    (error) => {
      uploadLimits = null;
      throw error;
    },
  );
  return uploadLimits;
}

export async function moveDocument(documentId: string, folderId: string | null): Promise<LibraryDocument> {
  return (await gql(MOVE, { d: documentId, folder: folderId })).moveDocument;
}

export async function deleteDocument(documentId: string, reason: string | null): Promise<void> {
  await gql(DELETE, { d: documentId, reason });
}

export async function fetchGroupRequests(groupId: string, includeClosed: boolean, signal?: AbortSignal): Promise<DocumentRequest[]> {
  return (await gql(GROUP_REQUESTS, { g: groupId, closed: includeClosed }, signal)).group.documentRequests;
}

export async function fetchMyRequests(signal?: AbortSignal): Promise<DocumentRequest[]> {
  return (await gql(MY_REQUESTS, {}, signal)).myDocumentRequests;
}

export async function requestDocument(input: { groupId: string; title: string; details: string | null; addresseeId: string | null; dueDate: string | null }): Promise<DocumentRequest> {
  return (await gql(REQUEST, { g: input.groupId, title: input.title, details: input.details, to: input.addresseeId, due: input.dueDate })).requestDocument;
}

export async function answerRequest(requestId: string, versionId: string, note: string | null): Promise<DocumentRequest> {
  return (await gql(ANSWER, { r: requestId, v: versionId, note })).answerDocumentRequest;
}

export async function closeRequest(requestId: string, fulfilled: boolean): Promise<DocumentRequest> {
  return (await gql(CLOSE, { r: requestId, fulfilled })).closeDocumentRequest;
}
