/**
 * Uploads over HTTP (POST /files, multipart/form-data) with XMLHttpRequest, whose
 * upload.onprogress gives the progress bar. The target fields go before the file part (the
 * server reads them first); the x-jiaoliu-upload header is the server's CSRF guard; the
 * session cookie goes by itself. Errors come back as ApiErrors with the server's Chinese message.
 */
import { ApiError, type ErrorCode } from '../api.js';
import { ALLOWED_EXTENSIONS, extensionOf, formatSize } from './types.js';

export interface UploadTarget {
  groupId?: string;
  conversationId?: string;
  folderId?: string | null;
  /** Upload a new version of this document. */
  documentId?: string;
  /** A same-named document in the folder: keep both, the new one numbered (会议议程(2).txt). Absent, the server refuses. */
  ifNameTaken?: 'rename';
}

export interface Uploaded {
  versionId: string;
  documentId: string;
  version: number;
  name: string;
}

export interface UploadHandle {
  promise: Promise<Uploaded>;
  abort(): void;
}

/** 「单个文件不超过 50 MB」: the server's limit as the upload places show it. */
export const limitHint = (maxFileBytes: number) => `单个文件不超过 ${formatSize(maxFileBytes)}`;

/** Checks the browser can make before sending anything (type, emptiness, the server's size limit when known); null when the file may go. */
export function precheck(file: File, maxFileBytes?: number): string | null {
  const ext = extensionOf(file.name);
  if (!ext || !ALLOWED_EXTENSIONS.includes(ext)) return `不支持该文件类型，仅支持：${ALLOWED_EXTENSIONS.join('、')}`;
  if (file.size === 0) return '文件为空';
  if (maxFileBytes && file.size > maxFileBytes) return `文件大小 ${formatSize(file.size)}，超过了单个文件 ${formatSize(maxFileBytes)} 的上限`;
  return null;
}

/** Sends one file; `onProgress` gets the fraction sent (0..1). */
export function uploadFile(target: UploadTarget, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<Uploaded>((resolve, reject) => {
    const early = precheck(file);
    if (early) {
      reject(new ApiError('BAD_USER_INPUT', early, 'file'));
      return;
    }
    const form = new FormData();
    if (target.groupId) form.append('groupId', target.groupId);
    if (target.conversationId) form.append('conversationId', target.conversationId);
    if (target.folderId) form.append('folderId', target.folderId);
    if (target.documentId) form.append('documentId', target.documentId);
    if (target.ifNameTaken) form.append('ifNameTaken', target.ifNameTaken);
    form.append('file', file, file.name);
    xhr.open('POST', '/files');
    xhr.withCredentials = true;
    xhr.setRequestHeader('x-jiaoliu-upload', '1');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
    };
    xhr.onload = () => {
      let body: { data?: Uploaded; errors?: Array<{ message?: string; extensions?: { code?: string; field?: string } }> } | null = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201 && body?.data) {
        onProgress(1);
        resolve(body.data);
        return;
      }
      const first = body?.errors?.[0];
      if (first) {
        const code = (first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') as ErrorCode;
        reject(new ApiError(code, first.message || '上传失败，请稍后重试', first.extensions?.field, first.extensions ?? {}));
        return;
      }
      reject(new ApiError(xhr.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL_SERVER_ERROR', xhr.status === 413 ? '文件超过上传大小上限' : xhr.status >= 500 ? '服务器暂时不可用，请稍后重试' : '上传失败，请稍后重试'));
    };
    // A server that refuses a large body mid-way may close the connection before the browser
    // reads its answer: then all we know is that the connection broke.
    xhr.onerror = () => reject(new ApiError('NETWORK_ERROR', file.size > 10 * 1024 * 1024 ? '上传中断：网络连接失败，或文件超过了服务器允许的大小' : '上传中断：无法连接服务器，请检查网络后重试'));
    xhr.onabort = () => reject(new ApiError('ABORTED', '已取消上传'));
    xhr.ontimeout = () => reject(new ApiError('NETWORK_ERROR', '上传超时，请稍后重试'));
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
