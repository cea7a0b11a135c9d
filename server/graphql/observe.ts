import type { FastifyInstance, FastifyReply } from 'fastify';
import { getOperationAST, type DocumentNode } from './graphqlModule.js';
import { bindLog } from '../logging.js';
import { AppError } from '../errors.js';
import { countSubscription } from '../metrics/registry.js';

/**
 * What the request logs and /metrics know of a GraphQL request over HTTP: its operation
 * (name and type) and its outcome ("ok" or the first error's extensions.code). Operation names
 * come from the client: a log line carries it as sent (cut to 64 characters); a metric label
 * only a name of the usual form, and only the first MAX_NAMES distinct ones.
 */
export interface OperationInfo {
  /** The name as a metric label: a valid name, or (anonymous) / (invalid) / (other) / (unparsed). */
  label: string;
  type: string;
  outcome: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for GraphQL requests over HTTP (graphql/observe.ts), read by the metrics hook. */
    graphqlOperation: OperationInfo | null;
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_NAMES = 200;
const labels = new Set<string>();

/** A client-chosen name as a bounded label; the parenthesised labels cannot be operation names. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return '(anonymous)';
  if (!NAME.test(name)) return '(invalid)';
  if (labels.has(name)) return name;
  if (labels.size >= MAX_NAMES) return '(other)';
  labels.add(name);
  return name;
}

function record(reply: FastifyReply | undefined, name: string | null | undefined, type: string): OperationInfo | null {
  const request = reply?.request;
  if (!request || request.ws) return null;
  if (!request.graphqlOperation) {
    request.graphqlOperation = { label: operationLabel(name), type, outcome: null };
    bindLog(request.log, { operation: name ? name.slice(0, 64) : null });
  }
  return request.graphqlOperation;
}

// The operation a document that failed to parse or validate names, read from the request itself.
const DECLARED = /^\s*(?:#[^\n]*\n\s*)*(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/;

function declaredOperation(reply: FastifyReply): { name: string | null; type: string } {
  const body = reply.request.body as { query?: unknown; operationName?: unknown } | undefined;
  const query = (reply.request.query as { query?: unknown } | undefined)?.query ?? body?.query;
  const match = typeof query === 'string' ? DECLARED.exec(query.slice(0, 500)) : null;
  const name = typeof body?.operationName === 'string' ? body.operationName : match?.[2] ?? null;
  return { name, type: match?.[1] ?? '(unparsed)' };
}

/** Records the operation of every executed HTTP GraphQL request (preExecution runs also for cached documents). */
export function observeGraphQL(app: FastifyInstance): void {
  app.decorateRequest('graphqlOperation', null);
  app.graphql.addHook('preExecution', (_schema, document: DocumentNode, context) => {
    const body = context.reply?.request.body as { operationName?: unknown } | undefined;
    const operation = getOperationAST(document, typeof body?.operationName === 'string' ? body.operationName : undefined);
    record(context.reply, operation?.name?.value, operation?.operation ?? '(unparsed)');
  });
}

/** Wraps mercurius's errorFormatter result: the first error code becomes the request's outcome. */
export function noteOutcome<T extends { response: unknown }>(context: { reply?: FastifyReply } | undefined, formatted: T): T {
  const reply = context?.reply;
  if (reply?.request && !reply.request.ws) {
    const info = reply.request.graphqlOperation ?? (() => {
      const declared = declaredOperation(reply);
      return record(reply, declared.name, declared.type);
    })();
    const errors = (formatted.response as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors;
    const code = errors?.[0]?.extensions?.code;
    if (info && !info.outcome) info.outcome = typeof code === 'string' && /^[A-Z][A-Z_]{0,40}$/.test(code) ? code : 'ERROR';
  }
  return formatted;
}

/**
 * A subscription's start over WebSocket: counted by operation and outcome, and logged on the
 * socket's logger (which carries the user id once the subscriber is known).
 */
export async function observedSubscribe<T>(operationName: string | undefined, log: { info: (obj: object, msg: string) => void } | undefined, subscribe: () => Promise<T>): Promise<T> {
  const label = operationLabel(operationName);
  try {
    const result = await subscribe();
    countSubscription(label, 'ok');
    log?.info({ event: 'ws_subscribe', operation: operationName?.slice(0, 64) ?? null }, 'subscription started');
    return result;
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'INTERNAL_SERVER_ERROR';
    countSubscription(label, code);
    log?.info({ event: 'ws_subscribe', operation: operationName?.slice(0, 64) ?? null, code }, 'subscription refused');
    throw error;
  }
}
