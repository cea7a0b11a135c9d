import { AppError } from '../errors.js';

/**
 * Whether an error means "PostgreSQL cannot be reached right now" (down, restarting, the
 * connection cut, the pool unable to get a connection in time), as opposed to a bug or a bad
 * statement. Such errors answer SERVICE_UNAVAILABLE (503) and clear up by themselves when the
 * database returns: the pools drop dead connections and open new ones.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down).
const SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const MESSAGES = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Timeout acquiring a connection/i, // knex: the pool could not open one in time
  /timeout exceeded when trying to connect/i, // pg.Pool
  /terminating connection due to (administrator command|unexpected postmaster exit)/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /connect ECONNREFUSED/i,
];

export const DATABASE_UNAVAILABLE_MESSAGE = '数据库暂时不可用，请稍后重试';
/** The body's error for REST routes (HTTP 503). */
export const DATABASE_UNAVAILABLE_ERROR = { message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } } as const;

/** Seconds a client or proxy should wait before trying again (the Retry-After of every such 503). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * What the "database unavailable" log record says about the error: its class and code, and its
 * message only when it is not one of MikroORM's driver exceptions, whose messages carry the SQL
 * with its values (password hashes among them).
 */
export function unavailableCause(error: unknown): { name?: string; code?: string; message?: string } {
  const e = (error ?? {}) as { name?: string; code?: string; sqlState?: string; message?: string };
  return { name: e.name, code: e.code ?? e.sqlState, message: /Exception$/.test(e.name ?? '') ? undefined : e.message };
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { name?: unknown; code?: unknown; sqlState?: unknown; message?: unknown; cause?: unknown; previous?: unknown; errors?: unknown };
  if (e.name === 'ConnectionException') return true; // MikroORM's class for SQLSTATE 08xxx
  for (const code of [e.code, e.sqlState]) {
    if (typeof code !== 'string') continue;
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (typeof e.message === 'string' && MESSAGES.some((pattern) => pattern.test(e.message as string))) return true;
  // Wrapped: MikroORM's `previous`, Error `cause`, AggregateError (one per address tried).
  const inner = [e.cause, e.previous, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((next) => next !== error && isDatabaseUnavailable(next, depth + 1));
}

/**
 * For paths whose errors skip graphql/errors.ts (mercurius sends a subscription's subscribe
 * error as it is, message included): an unreachable database becomes SERVICE_UNAVAILABLE with
 * Chinese text, never the driver's message with its SQL; anything else is rethrown unchanged.
 */
export function rethrowUnavailable(error: unknown): never {
  if (isDatabaseUnavailable(error)) throw new AppError('SERVICE_UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE);
  throw error;
}
