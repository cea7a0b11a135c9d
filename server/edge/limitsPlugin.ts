import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { operationMeasure } from '../graphql/cost.js';
import { executedOperation } from '../graphql/observe.js';
import { createRedis } from '../redis.js';
import { RateLimiter, type LimitKind } from './rateLimit.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Mutation and upload limits per person, or per address without a session (edge/rateLimit.ts). */
    rateLimiter: RateLimiter;
  }
}

export interface RateLimitOptions {
  /** A client to share (its owner closes it); without one, REDIS_URL gets a client of its own. */
  redis?: Redis;
}

/**
 * Rate limits on GraphQL mutations (checked in mercurius's preExecution hook, where the document
 * is parsed and the viewer known, so queries never pay for it) and on uploads (plugins/files.ts
 * calls `limitRequest`). Register after GraphQL, before the file routes.
 */
export async function registerRateLimits(app: FastifyInstance, config: Config, options: RateLimitOptions = {}): Promise<void> {
  let redis: Redis | null = options.redis ?? null;
  if (!redis && config.redisUrl) {
    const own = createRedis(config.redisUrl, app.log, 'rate-limit');
    app.addHook('onClose', async () => void (await own.quit().catch(() => own.disconnect())));
    redis = own;
  }
  const limiter = new RateLimiter(config.rateLimit, app.log, redis);
  app.decorate('rateLimiter', limiter);

  app.graphql.addHook('preExecution', async (schema, document, context) => {
    const operation = executedOperation(document, context);
    if (operation?.operation !== 'mutation') return;
    // Root fields were counted when the document was validated (graphql/cost.ts); aliases count.
    const weight = Math.max(1, operationMeasure(schema, document, operation).rootFields);
    await limitRequest(context.reply, 'mutation', context.domain.actor?.userId ?? null, context.domain.ip, weight);
  });
}

/** Counts the action; over a limit, sets Retry-After on the reply and throws RATE_LIMITED. */
export async function limitRequest(reply: FastifyReply, kind: LimitKind, userId: string | null, address: string, weight = 1): Promise<void> {
  try {
    await reply.server.rateLimiter.hit(kind, userId, address, weight);
  } catch (error) {
    if (error instanceof AppError && typeof error.details.retryAfterSeconds === 'number') reply.header('retry-after', String(error.details.retryAfterSeconds));
    throw error;
  }
}
