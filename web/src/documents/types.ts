/** Document, folder, version and request shapes, typed from graphql/fragments.ts (schema/documents.graphql is the contract), and display helpers. */
import type { ResultOf, SchemaEnum } from '../graphql/index.js';
import type { AttachedVersionFields, DocumentFields, FolderFields, RequestFields, VersionFields } from '../graphql/fragments.js';

export type DocumentVersion = ResultOf<typeof VersionFields>;
export type LibraryDocument = ResultOf<typeof DocumentFields>;
export type Folder = ResultOf<typeof FolderFields>;

/** A version as attachments select it (no uploader: the post's author shows). */
export type AttachedVersion = ResultOf<typeof AttachedVersionFields> & { uploader?: DocumentVersion['uploader'] };

export interface Attachment {
  version: AttachedVersion;
}

export type DocumentSort = SchemaEnum<'DocumentSort'>;
export type RequestStatus = SchemaEnum<'DocumentRequestStatus'>;

export type DocumentRequest = ResultOf<typeof RequestFields>;
export type RequestAnswer = DocumentRequest['answers'][number];

export const SORT_LABELS: Record<DocumentSort, string> = { NAME: '名称', TIME: '时间', SIZE: '大小' };
export const STATUS_LABELS: Record<RequestStatus, string> = { OPEN: '寻找中', FULFILLED: '已找到', CLOSED: '已关闭' };

/** What the server accepts (server/modules/documents/fileTypes.ts); checked here only to answer at once. */
export const ALLOWED_EXTENSIONS = ['doc', 'docx', 'wps', 'xls', 'xlsx', 'et', 'ppt', 'pptx', 'pdf', 'ofd', 'txt', 'jpg', 'jpeg', 'png', 'zip'];
export const ACCEPT = ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(',');

export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
}

/** "12 字节", "3.4 KB", "1.2 MB", "2.05 GB". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} 字节`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  // Number() drops trailing zeros of the decimals only: 600 stays 600, 1.50 becomes 1.5.
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

/** Previews the page can show itself (the server serves these inline). */
export function previewKind(mime: string): 'image' | 'pdf' | null {
  const base = mime.split(';')[0].trim().toLowerCase();
  if (base === 'image/png' || base === 'image/jpeg') return 'image';
  if (base === 'application/pdf') return 'pdf';
  return null;
}

/** A class suffix for the file icon's colour. */
export function fileKind(name: string): string {
  const ext = extensionOf(name);
  if (['doc', 'docx', 'wps'].includes(ext)) return 'doc';
  if (['xls', 'xlsx', 'et'].includes(ext)) return 'sheet';
  if (['ppt', 'pptx'].includes(ext)) return 'slide';
  if (['pdf', 'ofd'].includes(ext)) return 'pdf';
  if (['jpg', 'jpeg', 'png'].includes(ext)) return 'image';
  if (ext === 'zip') return 'zip';
  return 'other';
}

/** A short type label for the file icon: "PDF", "Word", "表格", … */
export function typeLabel(name: string): string {
  const ext = extensionOf(name);
  switch (ext) {
    case 'doc':
    case 'docx':
    case 'wps':
      return '文档';
    case 'xls':
    case 'xlsx':
    case 'et':
      return '表格';
    case 'ppt':
    case 'pptx':
      return '演示';
    case 'pdf':
      return 'PDF';
    case 'ofd':
      return 'OFD';
    case 'txt':
      return '文本';
    case 'jpg':
    case 'jpeg':
    case 'png':
      return '图片';
    case 'zip':
      return '压缩包';
    default:
      return '文件';
  }
}

export const inlinePath = (v: { downloadPath: string }) => `${v.downloadPath}?inline=1`;
export const filesHref = (groupId: string, folderId?: string | null) => `#/groups/${encodeURIComponent(groupId)}/files${folderId ? `?folder=${encodeURIComponent(folderId)}` : ''}`;
export const requestsHref = (groupId: string, query = '') => `#/groups/${encodeURIComponent(groupId)}/requests${query}`;
