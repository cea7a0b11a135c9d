import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { compile } from '@fastify/proxy-addr';
import type { Config } from '../config.js';
import { countOverdueJobs } from '../modules/scheduler/jobs.js';
import { withTimeout } from '../util/timeout.js';
import {
  dbPoolInUse, dbPoolSize, dbPoolWaiting, graphqlDuration, graphqlOperations, httpDuration, httpRequests, registry, schedulerOverdue, setMetricsEnabled, startDefaultMetrics,
} from '../metrics/registry.js';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read /metrics: a request presenting `Authorization: Bearer <METRICS_TOKEN>`, or one
 * whose address (request.ip, so TRUST_PROXY applies) is in METRICS_ALLOW. Anyone else gets the
 * ordinary 404 of an unknown path: the endpoint does not reveal itself. A request that came
 * through an untrusted proxy (forwarding headers without TRUST_PROXY) has the proxy's address,
 * often loopback: it needs the token.
 */
export function metricsAccess(config: Config['metrics'], trustProxy: Config['trustProxy'] = false): (request: FastifyRequest) => boolean {
  let trusted: (address: string, hop: number) => boolean;
  try {
    trusted = config.allow.length ? compile(config.allow) : () => false;
  } catch (error) {
    throw new Error(`METRICS_ALLOW 应为逗号分隔的 IP 地址或 CIDR 网段：${(error as Error).message}`);
  }
  const expected = config.token ? digest(`Bearer ${config.token}`) : null;
  return (request) => {
    const header = request.headers.authorization;
    // Digests of equal length: compared in constant time whatever was sent.
    if (expected && header && timingSafeEqual(digest(header), expected)) return true;
    const forwarded = !trustProxy && !!(request.headers['x-forwarded-for'] || request.headers.forwarded || request.headers['x-real-ip']);
    return !forwarded && trusted(request.ip, 0);
  };
}

/** Values that cost a look-up, read when Prometheus scrapes (never on the request path). */
async function collectAtScrape(orm: MikroORM): Promise<void> {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
  if (pool) {
    dbPoolInUse.set(pool.numUsed());
    dbPoolWaiting.set(pool.numPendingAcquires());
    dbPoolSize.set(pool.numUsed() + pool.numFree());
  }
  // A busy or absent database must not hold the scrape: -1 after a second (or on an error).
  schedulerOverdue.set(await withTimeout(countOverdueJobs(orm.em.fork()), 1000).catch(() => -1));
}

/**
 * /metrics (Prometheus text format) and the HTTP hooks that feed it: requests by route pattern
 * and status, and GraphQL operations by name and outcome (graphql/observe.ts records them on
 * the request). METRICS_ENABLED=false registers nothing and turns the counters off.
 */
export async function registerMetrics(app: FastifyInstance, orm: MikroORM, config: Config): Promise<void> {
  setMetricsEnabled(config.metrics.enabled);
  if (!config.metrics.enabled) return;
  startDefaultMetrics();
  const allowed = metricsAccess(config.metrics, config.trustProxy);

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const seconds = reply.elapsedTime / 1000;
    httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ method: request.method, route }, seconds);
    const operation = request.graphqlOperation;
    if (operation) {
      const outcome = operation.outcome ?? (reply.statusCode >= 400 ? `HTTP_${reply.statusCode}` : 'ok');
      graphqlOperations.inc({ operation: operation.label, type: operation.type, outcome });
      graphqlDuration.observe({ operation: operation.label, result: outcome === 'ok' ? 'ok' : 'error' }, seconds);
    }
    done();
  });

  app.get('/metrics', async (request, reply) => {
    if (!allowed(request)) return reply.callNotFound();
    await collectAtScrape(orm);
    reply.header('cache-control', 'no-store').type(registry.contentType);
    return registry.metrics();
  });
}
