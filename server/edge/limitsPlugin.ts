import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { Kind, type DocumentNode, type SelectionSetNode } from '../graphql/graphqlModule.js';
import { createRedis } from '../redis.js';
import { RateLimiter, type LimitKind } from './rateLimit.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Mutation and upload limits per person and per address (edge/rateLimit.ts). */
    rateLimiter: RateLimiter;
  }
}

/**
 * Rate limits on GraphQL mutations (checked in mercurius's preExecution hook, where the document
 * is parsed and the viewer known, so queries never pay for it) and on uploads (plugins/files.ts
 * calls `limitRequest`). Register after GraphQL, before the file routes.
 */
export async function registerRateLimits(app: FastifyInstance, config: Config): Promise<void> {
  const redis = config.redisUrl ? createRedis(config.redisUrl, app.log, 'rate-limit') : null;
  if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
  const limiter = new RateLimiter(config.rateLimit, app.log, redis);
  app.decorate('rateLimiter', limiter);

  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    const body = context.reply?.request?.body as { operationName?: unknown } | undefined;
    const weight = mutationFields(document, typeof body?.operationName === 'string' ? body.operationName : null);
    if (weight === 0) return;
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

/** How many root fields the executed operation has when it is a mutation (aliases count), else 0. */
function mutationFields(document: DocumentNode, operationName: string | null): number {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.length === 1 ? operations[0] : operations.find((o) => o.name?.value === operationName);
  if (!operation || operation.operation !== 'mutation') return 0;
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const count = (set: SelectionSetNode, depth: number): number =>
    set.selections.reduce((n, s) => {
      if (s.kind === Kind.FIELD) return n + (s.name.value === '__typename' ? 0 : 1);
      if (depth > 5) return n;
      const inner = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments.get(s.name.value);
      return inner ? n + count(inner, depth + 1) : n;
    }, 0);
  return Math.max(1, count(operation.selectionSet, 0));
}
