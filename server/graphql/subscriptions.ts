import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { WebSocket } from 'ws';
import { unauthenticated } from '../errors.js';
import { resolveSession } from '../modules/accounts/sessions.js';
import { refuseUntilPasswordChanged } from './passwordChange.js';
import type { Deps } from '../modules/context.js';
import { userTopic, type RealtimeHub } from '../realtime/hub.js';
import type { SharedLane } from './sharedSubscriptions.js';
import { guardFrames } from './frameGuard.js';
import { validationRules } from './rules.js';
import { sessionLifetime, SESSION_COOKIE, type GraphQLContext, type JiaoliuContext } from './context.js';
import type { FastifyBaseLogger } from 'fastify';
import { bindLog } from '../logging.js';
import { trackWebSocket } from '../metrics/registry.js';

type UpgradeRequest = IncomingMessage & { jiaoliuUpgrade?: { reqId: string; remoteAddress: string } };

/** A socket as this server keeps it: its init timer and its own logger (which learns the user id). */
type ServerSocket = WebSocket & { jiaoliuInitTimer?: NodeJS.Timeout; jiaoliuLog?: FastifyBaseLogger };


/** Per-connection state, shared by every subscription of that socket. */
interface WsState {
  socket: WebSocket;
  /** The session cookie of the upgrade request itself, read before mercurius merges init-payload keys into headers. */
  cookieToken: string | null;
  connection: { userId: string; sessionId: string; close: (code: number, reason: string) => void } | null;
  hub: RealtimeHub;
  /** Serves subscriptions whose documents select only viewer-independent fields. */
  lane: SharedLane;
}

declare module 'mercurius' {
  interface MercuriusContext {
    ws?: WsState;
    _connectionInit?: Record<string, unknown>;
  }
}

const cookieToken = (header: string | undefined): string | null => {
  const match = header?.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${SESSION_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(SESSION_COOKIE.length + 1)) : null;
};

/** Same-origin pages, the configured origins, and non-browser clients (no Origin header). */
function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * WebSocket transport registered before mercurius (which then reuses it): refuses foreign
 * Origins at the handshake (cross-site WebSocket hijacking), caps frames at 64 KiB, closes
 * sockets that do not send connection_init within the configured time, and guards every frame
 * (graphql/frameGuard.ts).
 */
export async function registerWebsocket(app: FastifyInstance, deps: Deps): Promise<void> {
  const { wsInitTimeoutMs, allowedOrigins, maxFramesPerSecond } = deps.config.realtime;
  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: 64 * 1024,
      verifyClient: (info: { origin: string; req: IncomingMessage }, next: (ok: boolean, code?: number, message?: string) => void) =>
        originAllowed(info.origin, info.req.headers.host, allowedOrigins) ? next(true) : next(false, 403, 'Forbidden origin'),
    },
  });
  // The upgrade request's id and client address (request.ip honours TRUST_PROXY), for the socket's records.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.upgrade) (request.raw as UpgradeRequest).jiaoliuUpgrade = { reqId: request.id, remoteAddress: request.ip };
    done();
  });
  const rules = validationRules(deps.config);
  let connections = 0;
  app.websocketServer.on('connection', (socket: ServerSocket, upgrade: UpgradeRequest) => {
    socket.jiaoliuInitTimer = setTimeout(() => socket.close(4408, 'Connection initialisation timeout'), wsInitTimeoutMs);
    // One logger per socket: its open and close records, with the user id once it is known.
    const log = (socket.jiaoliuLog = app.log.child({ wsId: ++connections, ...upgrade?.jiaoliuUpgrade }));
    log.info({ event: 'ws_open' }, 'websocket opened');
    const closed = trackWebSocket();
    socket.once('close', (code: number, reason: Buffer) => {
      clearTimeout(socket.jiaoliuInitTimer);
      closed(code);
      log.info({ event: 'ws_close', code, reason: reason.toString().slice(0, 123) }, 'websocket closed');
    });
    // A flood closes that socket only; malformed frames close it with 4400; invalid documents get an error frame.
    guardFrames(socket, {
      maxFramesPerSecond,
      maxDepth: deps.config.graphql.maxDepth,
      rules,
      schema: () => (app.hasDecorator('graphql') ? app.graphql.schema : undefined),
      log,
    });
  });
}

/** mercurius `subscription` options. */
export function subscriptionOptions(orm: MikroORM, deps: Deps, hub: RealtimeHub, emitter: object, lane: SharedLane) {
  return {
    emitter,
    keepAlive: 30_000,
    // Runs at connection_init: the init timer stops; identity is settled at subscribe.
    context: (socket: ServerSocket, request: FastifyRequest): JiaoliuContext & { ws: WsState } => {
      clearTimeout(socket.jiaoliuInitTimer);
      return {
        domain: { em: orm.em.fork(), actor: null, ip: request.ip, userAgent: request.headers['user-agent'] ?? null, deps },
        setSessionCookie: () => {},
        clearSessionCookie: () => {},
        ws: { socket, cookieToken: cookieToken(request.headers.cookie), connection: null, hub, lane },
      };
    },
    // The init payload may carry { token }; anything else in it is ignored, never trusted as identity.
    onConnect: (data: { payload?: unknown }) => data.payload === undefined || data.payload === null || (typeof data.payload === 'object' && !Array.isArray(data.payload)),
    onDisconnect: async (context: { ws?: WsState }) => {
      const connection = context.ws?.connection;
      if (connection) await hub.disconnect(connection);
    },
  };
}

/** The logger of the context's socket (over HTTP: none). */
export const socketLog = (ctx: GraphQLContext): FastifyBaseLogger | undefined => (ctx.ws?.socket as ServerSocket | undefined)?.jiaoliuLog;

/**
 * Settles who is subscribing: the token sent in connection_init, else the upgrade request's own
 * session cookie. Without a valid session the socket closes (4401). Returns the user's topic.
 */
export async function authenticateSubscriber(ctx: GraphQLContext): Promise<string> {
  const ws = ctx.ws;
  if (!ws) throw unauthenticated();
  const token = typeof ctx._connectionInit?.token === 'string' ? ctx._connectionInit.token : ws.cookieToken;
  const session = token ? await resolveSession(ctx.domain.em, token, sessionLifetime(ctx.domain.deps)) : null;
  if (!session) {
    setTimeout(() => ws.socket.close(4401, 'Unauthorized'), 10);
    throw unauthenticated();
  }
  if (ws.connection && ws.connection.userId !== session.actor.userId) throw unauthenticated('一个连接只能属于一个用户');
  // Subscriptions are never among what an initial password allows (passwordChange.ts).
  refuseUntilPasswordChanged(session.actor, ['subscription']);
  ctx.domain.actor = session.actor;
  if (!ws.connection) {
    ws.connection = { userId: session.actor.userId, sessionId: session.actor.sessionId, close: (code, reason) => ws.socket.close(code, reason) };
    const log = (ws.socket as ServerSocket).jiaoliuLog;
    bindLog(log, { userId: session.actor.userId });
    log?.info({ event: 'ws_authenticated' }, 'websocket authenticated');
    await ws.hub.connect(ws.connection);
  }
  return userTopic(session.actor.userId);
}
