/**
 * GraphQL over POST /graphql as application/json (the server refuses other content types:
 * CSRF prevention). The session is an HttpOnly cookie the browser sends by itself; the UI
 * never sees or stores the token.
 */

import { print } from '@0no-co/graphql.web';
import type { ErrorCode as ServerErrorCode } from '../../server/errors.js';
import type { TadaDocumentNode } from './graphql/index.js';

/** The server's codes (type-only import: nothing of the server enters the bundle), plus the client's own. */
export type ErrorCode = ServerErrorCode | 'NETWORK_ERROR' | 'ABORTED';

/** An error the UI can show: the server's Chinese message, its code and, for input errors, the field. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLErrorBody {
  message?: string;
  extensions?: Record<string, unknown> & { code?: string; field?: string };
}

/** Turns anything thrown into an ApiError with a Chinese message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return new ApiError('ABORTED', '请求已取消');
  return new ApiError('INTERNAL_SERVER_ERROR', '页面出现意外错误，请刷新后重试');
}

export function isAbort(error: unknown): boolean {
  return (error instanceof DOMException && error.name === 'AbortError') || (error instanceof ApiError && error.code === 'ABORTED');
}

/** Variables may be left out only when the operation requires none. */
export type VariablesArgument<Variables> = {} extends Variables ? [variables?: Variables, signal?: AbortSignal] : [variables: Variables, signal?: AbortSignal];

const printed = new WeakMap<object, string>();

/** The text sent for a document (printed once: `graphql()` gives a parsed document). */
export function operationText(document: TadaDocumentNode<unknown, never>): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/** Runs one operation; resolves with `data` or rejects with the first error as an ApiError. */
export async function gql<Result, Variables>(document: TadaDocumentNode<Result, Variables>, ...[variables = {} as Variables, signal]: VariablesArgument<Variables>): Promise<Result> {
  const query = operationText(document as TadaDocumentNode<unknown, never>);
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError('NETWORK_ERROR', '无法连接服务器，请检查网络后重试');
  }
  noteServerDate(response.headers.get('date'));
  let body: { data?: Result | null; errors?: GraphQLErrorBody[] };
  try {
    body = await response.json();
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError('INTERNAL_SERVER_ERROR', response.status >= 500 ? '服务器暂时不可用，请稍后重试' : '服务器返回了无法识别的内容');
  }
  const first = body.errors?.[0];
  if (first) {
    const ext = first.extensions ?? {};
    throw new ApiError((ext.code ?? 'INTERNAL_SERVER_ERROR') as ErrorCode, first.message || '请求失败，请稍后重试', typeof ext.field === 'string' ? ext.field : undefined, ext);
  }
  if (!response.ok || body.data === undefined || body.data === null) {
    throw new ApiError('INTERNAL_SERVER_ERROR', '服务器暂时不可用，请稍后重试');
  }
  return body.data;
}

/** How far the server's clock is ahead of ours (from the Date header; one-second resolution). */
let serverOffsetMs = 0;

function noteServerDate(header: string | null): void {
  const server = header ? Date.parse(header) : NaN;
  // The header is truncated to the second: only correct when we are more than that off.
  if (!Number.isNaN(server)) {
    const offset = server - Date.now();
    serverOffsetMs = Math.abs(offset) > 1500 ? offset : 0;
  }
}

/** Now, on the server's clock (for time windows such as "recall within 2 minutes"). */
export function serverNow(): number {
  return Date.now() + serverOffsetMs;
}
