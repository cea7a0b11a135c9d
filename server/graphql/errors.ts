import { GraphQLError, type ExecutionResult } from 'graphql';
import { AppError } from '../errors.js';

interface Log {
  error: (obj: unknown, msg?: string) => void;
}

const INTERNAL = '服务器内部错误，请稍后重试';

/**
 * Turns any error into { message, extensions.code } a person can read. AppErrors keep their
 * Chinese message; GraphQL syntax/validation errors become GRAPHQL_VALIDATION_FAILED; anything
 * else is logged and answered as INTERNAL_SERVER_ERROR, without stack, SQL or ids.
 */
export function formatError(error: GraphQLError, log: Log): GraphQLError {
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
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code } });
  }
  if (!original || original instanceof GraphQLError) {
    // Parse and validation errors of the query itself: the text is graphql-js's (English), prefixed.
    return new GraphQLError(`查询语句无效：${error.message}`, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  }
  if (code === 'MER_ERR_GQL_QUERY_DEPTH') {
    return new GraphQLError('查询嵌套层数过多', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  }
  log.error({ err: original, path: error.path }, 'unexpected error in resolver');
  return new GraphQLError(INTERNAL, { path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** mercurius errorFormatter: formatted errors, HTTP 200 whenever there is data (graphql-over-http). */
export function errorFormatter(execution: ExecutionResult & { errors: readonly GraphQLError[] }, log: Log) {
  const flat: GraphQLError[] = [];
  for (const error of execution.errors) {
    // mercurius wraps validation failures: one error holding the list.
    const nested = (error.originalError as { errors?: unknown[] } | undefined)?.errors;
    if (Array.isArray(nested) && !(error.originalError instanceof AppError)) {
      flat.push(...nested.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(String((e as Error)?.message ?? e)))));
    }
    else flat.push(error);
  }
  const errors = flat.map((e) => formatError(e, log).toJSON());
  const invalidQuery = !execution.data && errors.every((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED');
  return { statusCode: invalidQuery ? 400 : 200, response: { data: execution.data ?? null, errors } };
}
