import type { FastifyInstance, FastifyReply } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_ERROR, unavailableCause } from '../db/unavailable.js';

/**
 * The answer of a REST route (or of fastify's error handler) while PostgreSQL cannot be reached
 * (db/unavailable.ts decides that): one warning record, 503 with Retry-After, the Chinese error.
 * `body` adds fields beside `errors` (the error handler's GraphQL-shaped `data: null`).
 */
export function replyUnavailable(reply: FastifyReply, error: unknown, body: Record<string, unknown> = {}): FastifyReply {
  reply.log.warn({ err: unavailableCause(error) }, 'database unavailable');
  return reply
    .code(503)
    .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
    .send({ ...body, errors: [DATABASE_UNAVAILABLE_ERROR] });
}

/**
 * GraphQL over HTTP answers 503 from mercurius's errorFormatter (graphql/errors.ts) when nothing
 * could be answered for want of the database; a formatter cannot set headers, so Retry-After is
 * added here, on the way out, as the REST routes send it.
 */
export function addGraphQLRetryAfter(app: FastifyInstance, url = '/graphql'): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 503 && request.routeOptions.url === url && !reply.hasHeader('retry-after')) {
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    }
    done(null, payload);
  });
}
