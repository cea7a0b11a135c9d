/** Error codes a client can rely on (extensions.code). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'CONFIRMATION_REQUIRED'
  /** Signed in with an initial password: only viewer, logout and changePassword are answered until it is changed. */
  | 'PASSWORD_CHANGE_REQUIRED'
  /** An upload over the size limit (HTTP 413). */
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR'
  /** PostgreSQL (or another part the request needs) is unreachable for now; try again shortly (HTTP 503). */
  | 'SERVICE_UNAVAILABLE'
  /** The LDAP directory (sign-in of directory accounts) cannot be reached for now; local accounts are unaffected. */
  | 'DIRECTORY_UNAVAILABLE'
  /** The query document or its variables are invalid (graphql/errors.ts). */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** A request that is not GraphQL at all: bad JSON, oversize body (app.ts). */
  | 'BAD_REQUEST';

/**
 * An error meant for the person using Jiaoliu: a code and a Chinese message.
 * Anything else that escapes a resolver is reported as INTERNAL_SERVER_ERROR.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** GraphQL's shape, so that paths that skip our formatter (e.g. subscription errors) still carry the code. */
  get extensions(): Record<string, unknown> {
    return { code: this.code, ...this.details };
  }
}

export const badInput = (message: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, field ? { field } : {});

/** Same answer for "does not exist" and "you may not see it". */
export const notFound = (what = '对象', field?: string) => new AppError('NOT_FOUND', `${what}不存在或无权查看`, field ? { field } : {});

export const forbidden = (message = '没有权限执行此操作') => new AppError('FORBIDDEN', message);

export const unauthenticated = (message = '请先登录') => new AppError('UNAUTHENTICATED', message);

export const conflict = (message: string, field?: string) => new AppError('CONFLICT', message, field ? { field } : {});

export const rateLimited = (message: string, retryAfterSeconds?: number) =>
  new AppError('RATE_LIMITED', message, retryAfterSeconds ? { retryAfterSeconds } : {});

/** For `.catch`: a NOT_FOUND from a lookup answers as NOT_FOUND of `what` (the caller's own noun); other errors pass. */
export const notFoundAs =
  (what: string) =>
  (error: unknown): never => {
    if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound(what);
    throw error;
  };

/** For `.catch`: a NOT_FOUND becomes null ("the viewer may not see it"); other errors pass. */
export const nullIfNotFound = (error: unknown): null => {
  if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
  throw error;
};
