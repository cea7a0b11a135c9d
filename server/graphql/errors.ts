import { GraphQLError, type ExecutionResult, type GraphQLErrorInstance } from './graphqlModule.js';
import { AppError } from '../errors.js';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, unavailableCause } from '../db/unavailable.js';

interface Log {
  error: (obj: unknown, msg?: string) => void;
  warn: (obj: unknown, msg?: string) => void;
}

const INTERNAL = '服务器内部错误，请稍后重试';

/**
 * Turns any error into { message, extensions.code } a person can read. AppErrors keep their
 * Chinese message; GraphQL syntax/validation errors become GRAPHQL_VALIDATION_FAILED; anything
 * else is logged and answered as INTERNAL_SERVER_ERROR, without stack, SQL or ids.
 */
export function formatError(error: GraphQLErrorInstance, log: Log): GraphQLErrorInstance {
  const original = error.originalError;
  if (original instanceof AppError) {
    return new GraphQLError(original.message, {
      path: error.path,
      extensions: { code: original.code, ...original.details },
    });
  }
  const code = (error.extensions?.code as string | undefined) ?? (original as { code?: string } | undefined)?.code;
  // Errors our own validation rules and the depth limit raise already carry a code and Chinese text.
  if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') {
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
  }
  const depth = /query depth \(\d+\) exceeds the query depth limit of (\d+)/.exec(error.message);
  if (depth) {
    return new GraphQLError(`查询嵌套层数过多（上限 ${depth[1]} 层）`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  }
  if (code === 'MER_ERR_GQL_CSRF_PREVENTION') {
    return new GraphQLError('请求被拒绝：疑似跨站请求伪造（CSRF）。请以 application/json 提交', { extensions: { code: 'FORBIDDEN' } });
  }
  if (!error.path && /^Variable "\$/.test(error.message)) {
    // A variable missing or of the wrong type: bad input, as Apollo reports it.
    return new GraphQLError(`参数无效：${error.message}`, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code: 'BAD_USER_INPUT' } });
  }
  if (!error.path && /^Expected value of type /.test(error.message)) {
    // An inline literal a scalar refused (graphql-js's ValuesOfCorrectType wraps the scalar's own error).
    return new GraphQLError(`参数无效：${original?.message ?? error.message}`, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code: 'BAD_USER_INPUT' } });
  }
  const status = (original as { statusCode?: number } | undefined)?.statusCode;
  if (!error.path && status && status >= 400 && status < 500) {
    // The HTTP request itself (body not JSON, empty, too large), refused by fastify before GraphQL.
    return status === 413
      ? new GraphQLError('请求内容过大', { extensions: { code: 'PAYLOAD_TOO_LARGE' } })
      : new GraphQLError('请求格式不正确：请求体应为 JSON 对象 { query, variables }', { extensions: { code: 'BAD_REQUEST' } });
  }
  if (!original || original instanceof GraphQLError) {
    // Parse and validation errors of the query itself: the text is graphql-js's (English), prefixed.
    return new GraphQLError(`查询语句无效：${error.message}`, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  }
  // Driver errors carry the SQL with its values (password hashes among them): log only their kind.
  const driver = original as { name?: string; code?: string; sqlState?: string };
  const loggable = /Exception$/.test(driver.name ?? '') ? { name: driver.name, code: driver.code ?? driver.sqlState } : original;
  if (isDatabaseUnavailable(original)) {
    // The same record as the REST routes' (http/unavailable.ts); Retry-After is added there too.
    log.warn({ err: unavailableCause(original), path: error.path }, 'database unavailable');
    return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, { path: error.path, extensions: { code: 'SERVICE_UNAVAILABLE' } });
  }
  log.error({ err: loggable, path: error.path }, 'unexpected error in resolver');
  return new GraphQLError(INTERNAL, { path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** mercurius errorFormatter: formatted errors, HTTP 200 whenever there is data (graphql-over-http). */
export function errorFormatter(execution: ExecutionResult & { errors: readonly GraphQLErrorInstance[] }, log: Log) {
  const flat: GraphQLErrorInstance[] = [];
  for (const error of execution.errors) {
    // mercurius wraps validation failures: one error holding the list.
    const nested = (error.originalError as { errors?: unknown[] } | undefined)?.errors;
    if (Array.isArray(nested) && !(error.originalError instanceof AppError)) {
      flat.push(...nested.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(String((e as Error)?.message ?? e)))));
    }
    else flat.push(error);
  }
  const errors = flat.map((e) => formatError(e, log).toJSON());
  // Request errors (the document or its variables, found before execution) carry no path: 400.
  const invalidQuery = !execution.data && errors.every((e) => !e.path);
  // Refused before execution by a rate limit (edge/limitsPlugin.ts): 429, with Retry-After set.
  const limited = invalidQuery && errors.every((e) => e.extensions?.code === 'RATE_LIMITED');
  // Nothing answered because the database is away: 503, so proxies and clients see it (and retry).
  const data = execution.data as Record<string, unknown> | null | undefined;
  const unavailable = errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE') && (!data || Object.values(data).every((v) => v === null));
  // Refused until the initial password is changed (passwordChange.ts): 403.
  const mustChange = invalidQuery && errors.every((e) => e.extensions?.code === 'PASSWORD_CHANGE_REQUIRED');
  const statusCode = limited ? 429 : unavailable ? 503 : mustChange ? 403 : invalidQuery ? 400 : 200;
  return { statusCode, response: { data: execution.data ?? null, errors } };
}
