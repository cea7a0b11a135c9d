import { pino, type DestinationStream, type LoggerOptions } from 'pino';

/**
 * One JSON log format for the whole process (pino): fastify's request logs, the WebSocket
 * open/close records and whatever runs outside a request. Nothing here writes plain text.
 */

// Query parameters that carry a secret (download link signatures, tokens): never in a log line.
const SECRET_PARAMS = /^(s|sig|signature|token|access_token|key|password)$/i;

/** The URL as logged: the path, and the query with secret-looking values hidden. */
export function loggableUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/**
 * The request as logged: method, URL, address; no headers (cookies and bearer tokens never
 * reach a log line). request.ip honours TRUST_PROXY.
 */
function requestSerializer(request: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) {
  return { method: request.method, url: loggableUrl(request.url), remoteAddress: request.ip ?? request.socket?.remoteAddress };
}

/**
 * An error as logged. Database errors carry the SQL with its values (message text, password
 * hashes): keep only the server's own message, the codes and the stack frames.
 */
export function loggableError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { code?: unknown; sqlState?: unknown; routine?: unknown };
  if (!('sqlState' in e || 'severity' in e || /Exception$/.test(e.name))) return pino.stdSerializers.err(e);
  // The driver's message is "<sql> - <PostgreSQL's message>", then "\n - detail: …" (values) and hints.
  const text = e.message.split('\n - detail:')[0].split('\n - hint:')[0];
  const at = text.lastIndexOf(' - ');
  return {
    type: e.name,
    message: at >= 0 ? text.slice(at + 3) : text,
    code: e.code,
    sqlState: e.sqlState,
    routine: e.routine,
    stack: (e.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).join('\n'),
  };
}

/** Anything logged under these keys is replaced by "[redacted]", should a caller log it by mistake. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'password', 'token', '*.password', '*.token'];

const common: LoggerOptions = {
  serializers: { err: loggableError },
  redact: { paths: REDACT, censor: '[redacted]' },
  timestamp: pino.stdTimeFunctions.isoTime,
  hooks: {
    // mercurius logs a subscription's GraphQL errors as a bare array: keep them under one key.
    logMethod(args, method) {
      if (Array.isArray(args[0])) args[0] = { errors: args[0] };
      return method.apply(this, args as Parameters<typeof method>);
    },
  },
};

/** fastify's `logger` option. `stream` lets a test read the records. */
export function loggerOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return { ...common, level, serializers: { ...common.serializers, req: requestSerializer as never }, ...(stream ? { stream } : {}) };
}

/** For code that runs outside a request (start-up steps, command-line tools): JSON on stdout, same format. */
export const processLog = pino({ ...common, level: process.env.LOG_LEVEL || 'info' });

interface Bindable {
  setBindings?: (bindings: Record<string, unknown>) => void;
}

/** Adds fields (user id, operation name) to every later record of a request's or socket's logger. */
export function bindLog(log: unknown, bindings: Record<string, unknown>): void {
  (log as Bindable | undefined)?.setBindings?.(bindings);
}
