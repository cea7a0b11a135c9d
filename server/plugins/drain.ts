import type { FastifyInstance } from 'fastify';

/**
 * Close code for the WebSockets of an instance that is stopping: 1012 "Service Restart"
 * (RFC 6455 registry). The web client reconnects at once on it, to another instance behind the
 * load balancer, and catches up as after any reconnect. graphql-ws retries it as well.
 */
export const SERVICE_RESTART_CLOSE = 1012;

/**
 * At app.close(): before the listener stops, every open WebSocket is closed with 1012 (this hook
 * is registered ahead of @fastify/websocket's, which would close them without a code); until the
 * server has closed, connections left idle by requests that were in flight are closed as they
 * become idle, so that close waits for those requests and not for keep-alive timeouts.
 */
export function registerDrain(app: FastifyInstance): void {
  // During the drain (main.ts sets readiness.draining at SIGTERM, SHUTDOWN_DRAIN_MS before the
  // listener closes) every HTTP response closes its connection. nginx reads no /readyz; this way
  // its kept-alive connections to this instance are gone by the time the listener closes, and
  // its next requests meet a refused connection, which it retries on another instance for any
  // method, instead of a 503 on an open connection, which it cannot retry for a mutation.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (app.readiness?.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  let idleSweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    for (const socket of app.websocketServer?.clients ?? []) socket.close(SERVICE_RESTART_CLOSE, 'Service Restart');
    idleSweep = setInterval(() => app.server.closeIdleConnections(), 100);
  });
  app.addHook('onClose', async () => clearInterval(idleSweep));
}
