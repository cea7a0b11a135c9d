import { createRequire } from 'node:module';
import { GRAPHQL_TRANSPORT_WS_PROTOCOL, MessageType, parseMessage } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { GraphQLError, parse, specifiedRules, validate, type GraphQLErrorInstance, type GraphQLSchema, type ValidationRule } from './graphqlModule.js';
import { formatError } from './errors.js';

const require = createRequire(import.meta.url);
// mercurius's own depth check, so that HTTP and WebSocket count depth the same way.
const queryDepth = require('mercurius/lib/queryDepth') as (definitions: unknown, limit: number) => GraphQLErrorInstance[];

/** Frames a client may send under graphql-transport-ws (next and error come from the server only). */
const CLIENT_TYPES = new Set<string>([MessageType.ConnectionInit, MessageType.Ping, MessageType.Pong, MessageType.Subscribe, MessageType.Complete]);

export interface FrameGuardOptions {
  maxFramesPerSecond: number;
  maxDepth: number;
  rules: ValidationRule[];
  /** The executable schema, once mercurius has built it. */
  schema: () => GraphQLSchema | undefined;
  log: { error: (obj: unknown, msg?: string) => void; warn: (obj: unknown, msg?: string) => void };
}

/**
 * Looks at every frame before mercurius does (mercurius validates nothing of a subscription but
 * its depth, and answers malformed frames with an error message on an open socket):
 * - a flood of frames closes the socket (1008);
 * - a frame graphql-transport-ws does not allow (not JSON, no type, unknown or
 *   server-only type, subscribe without id or with a payload that is not an object) closes it
 *   with 4400, as the protocol says;
 * - a subscribe whose document fails the same rules as over HTTP (graphql-js's, one root field
 *   among them; depth, breadth, aliases, cost) is answered with an error frame and never reaches
 *   mercurius.
 * The frame is swallowed by wrapping the socket's emit: mercurius reads frames through
 * events.on(socket, 'message'), so a listener of ours could not stop it.
 */
export function guardFrames(socket: WebSocket, options: FrameGuardOptions): void {
  // mercurius also speaks the legacy subscriptions-transport-ws protocol ("graphql-ws"), whose
  // frames these checks do not cover: only graphql-transport-ws is offered (graphql-ws's 4406).
  if (socket.protocol !== GRAPHQL_TRANSPORT_WS_PROTOCOL) {
    socket.close(4406, 'Subprotocol not acceptable');
    return;
  }
  let windowStart = Date.now();
  let frames = 0;
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'message') return emit(event, ...args);
    const now = Date.now();
    if (now - windowStart > 1000) {
      windowStart = now;
      frames = 0;
    }
    if (++frames > options.maxFramesPerSecond) {
      socket.close(1008, 'Too many messages');
      return false;
    }
    let message: ReturnType<typeof parseMessage>;
    try {
      const [data, isBinary] = args as [Buffer | ArrayBuffer | Buffer[], boolean];
      if (isBinary) throw new Error('binary frame');
      message = parseMessage(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
      if (!CLIENT_TYPES.has(message.type)) throw new Error(`unexpected type ${message.type}`);
    } catch {
      // A fixed reason: graphql-ws's messages echo the client's text, and a reason over 123 bytes throws.
      socket.close(4400, 'Invalid message received');
      return false;
    }
    if (message.type === MessageType.Subscribe) {
      let errors: GraphQLErrorInstance[];
      try {
        errors = invalidDocument(message.payload.query, options);
      } catch (error) {
        // Never let a frame throw out of emit (that would reach the socket's receiver).
        options.log.error({ err: error }, 'subscription validation failed');
        socket.close(1011, 'Internal error');
        return false;
      }
      if (errors.length > 0) {
        const payload = errors.map((error) => formatError(error, options.log).toJSON());
        socket.send(JSON.stringify({ id: message.id, type: MessageType.Error, payload }));
        return false;
      }
    }
    return emit(event, ...args);
  }) as typeof socket.emit;
}

/** The errors HTTP would answer for this document, before any of it runs. */
function invalidDocument(query: string, options: FrameGuardOptions): GraphQLErrorInstance[] {
  const schema = options.schema();
  if (!schema) return [];
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
  }
  const errors = validate(schema, document, [...specifiedRules, ...options.rules]);
  return errors.length > 0 ? [...errors] : queryDepth(document.definitions, options.maxDepth);
}
