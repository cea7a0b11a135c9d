import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OperationDefinitionNode } from 'graphql';
import type { MercuriusContext } from 'mercurius';
import { getOperationAST, type DocumentNode } from './graphqlModule.js';
import { bindLog } from '../logging.js';
import { AppError } from '../errors.js';
import { countSubscription } from '../metrics/registry.js';

/**
 * What the request logs and /metrics know of a GraphQL request over HTTP: its operation
 * (name and type) and its outcome ("ok" or the first error's extensions.code). Operation names
 * come from the client: a log line carries it as sent (cut to 64 characters); a metric label
 * only a name of the usual form that has already run successfully for a signed-in person, and
 * only the first MAX_NAMES such names. Anonymous requests and failing documents therefore cannot
 * fill the label slots with names of their own: until then their names count as "(other)".
 */
export class OperationInfo {
  outcome: string | null = null;

  constructor(
    /** The name as sent when it has the usual form, else null. */
    private readonly name: string | null,
    /** (anonymous) or (invalid) when the name cannot be a label at all. */
    private readonly fallback: string | null,
    readonly type: string,
    /** A signed-in viewer ran it (set in preExecution). */
    private readonly authenticated: boolean,
  ) {}

  /** Read once the response is sent: a success of a signed-in viewer may claim a label slot. */
  get label(): string {
    return this.fallback ?? operationLabel(this.name!, this.authenticated && this.outcome === null);
  }
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

/**
 * A valid name's metric label: the name once known; a name not yet known becomes known only when
 * `mayClaim` (it ran successfully for a signed-in person) and slots remain, else "(other)".
 */
function operationLabel(name: string, mayClaim: boolean): string {
  if (labels.has(name)) return name;
  if (!mayClaim || labels.size >= MAX_NAMES) return '(other)';
  labels.add(name);
  return name;
}

/** (anonymous) or (invalid) for a name that cannot be a label, else null. */
function unlabelled(name: string | null | undefined): string | null {
  if (!name) return '(anonymous)';
  return NAME.test(name) ? null : '(invalid)';
}

function record(reply: FastifyReply | undefined, name: string | null | undefined, type: string, authenticated: boolean): OperationInfo | null {
  const request = reply?.request;
  if (!request || request.ws) return null;
  if (!request.graphqlOperation) {
    const fallback = unlabelled(name);
    request.graphqlOperation = new OperationInfo(fallback ? null : name!, fallback, type, authenticated);
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

const chosen = new WeakMap<object, OperationDefinitionNode | null>();

/**
 * The operation a request executes (graphql-js's getOperationAST with the request's
 * operationName), chosen once per request for every preExecution hook. Keyed by the context
 * object, which mercurius makes per request (over WebSocket, per operation).
 */
export function executedOperation(document: DocumentNode, context: MercuriusContext): OperationDefinitionNode | null {
  let operation = chosen.get(context);
  if (operation === undefined) {
    const request = context.reply?.request;
    const name = (request?.body as { operationName?: unknown } | undefined)?.operationName ?? (request?.query as { operationName?: unknown } | undefined)?.operationName;
    operation = getOperationAST(document, typeof name === 'string' ? name : undefined) ?? null;
    chosen.set(context, operation);
  }
  return operation;
}

/** Records the operation of every executed HTTP GraphQL request (preExecution runs also for cached documents). */
export function observeGraphQL(app: FastifyInstance): void {
  app.decorateRequest('graphqlOperation', null);
  app.graphql.addHook('preExecution', (_schema, document: DocumentNode, context) => {
    const operation = executedOperation(document, context);
    record(context.reply, operation?.name?.value, operation?.operation ?? '(unparsed)', Boolean(context.domain?.actor));
  });
}

/** Wraps mercurius's errorFormatter result: the first error code becomes the request's outcome. */
export function noteOutcome<T extends { response: unknown }>(context: { reply?: FastifyReply } | undefined, formatted: T): T {
  const reply = context?.reply;
  if (reply?.request && !reply.request.ws) {
    const info = reply.request.graphqlOperation ?? (() => {
      const declared = declaredOperation(reply);
      return record(reply, declared.name, declared.type, false);
    })();
    const errors = (formatted.response as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors;
    const code = errors?.[0]?.extensions?.code;
    if (info && !info.outcome) info.outcome = typeof code === 'string' && /^[A-Z][A-Z_]{0,40}$/.test(code) ? code : 'ERROR';
  }
  return formatted;
}

/**
 * A subscription's start over WebSocket: counted by operation and outcome, and logged on the
 * socket's logger (which carries the user id once the subscriber is known). `subscribe`
 * authenticates the subscriber first, so a start that succeeds may claim a label for its name.
 */
export async function observedSubscribe<T>(operationName: string | undefined, log: { info: (obj: object, msg: string) => void } | undefined, subscribe: () => Promise<T>): Promise<T> {
  const label = (ok: boolean) => unlabelled(operationName) ?? operationLabel(operationName!, ok);
  try {
    const result = await subscribe();
    countSubscription(label(true), 'ok');
    log?.info({ event: 'ws_subscribe', operation: operationName?.slice(0, 64) ?? null }, 'subscription started');
    return result;
  } catch (error) {
    const code = error instanceof AppError ? error.code : 'INTERNAL_SERVER_ERROR';
    countSubscription(label(false), code);
    log?.info({ event: 'ws_subscribe', operation: operationName?.slice(0, 64) ?? null, code }, 'subscription refused');
    throw error;
  }
}
