import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Bus } from '../realtime/bus.js';
import type { ObjectStore } from '../storage/index.js';
import { withTimeout } from '../util/timeout.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Readiness of this instance; main.ts sets `draining` at SIGTERM so /readyz turns 503 at once. */
    readiness: { draining: boolean };
  }
}

/** One part a ready instance needs; `check` resolves when it answers. */
export interface HealthCheck {
  /** Machine key in the answer, e.g. "database". */
  name: string;
  /** What a person reads when it fails, e.g. "数据库不可用". */
  failure: string;
  check: () => Promise<unknown>;
}

export interface HealthOptions {
  orm: MikroORM;
  storage: ObjectStore;
  /** The instance's bus: with Redis, both its connections must be up (channel subscribed) and answer PING. */
  bus: Pick<Bus, 'status' | 'redis'>;
  /** Checks beyond the built-in ones (e.g. another area's bus). */
  extraChecks?: HealthCheck[];
  timeoutMs?: number;
}

const TIMEOUT_MS = 2000;

/**
 * GET /livez: the process answers (no I/O; a load balancer restarts nothing on a database outage).
 * GET /readyz: the database (`select 1` on a connection of its own), Redis when configured (the bus connected and
 * subscribed, and its client answering PING) and the object store answer
 * within 2 s each, and the instance is not shutting down; 503 names what failed.
 * GET /healthz: an alias of /readyz (it checked the database before these existed).
 */
export async function registerHealth(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  app.decorate('readiness', { draining: false });

  // The probe has a connection of its own: under load the ORM's pool may be busy for seconds, and a
  // load balancer must not take a working instance out for that (nor wait behind its queue).
  const probe = new pg.Pool({ connectionString: options.orm.config.get('clientUrl'), max: 1, connectionTimeoutMillis: timeoutMs, idleTimeoutMillis: 60_000, allowExitOnIdle: true });
  probe.on('error', () => {}); // an idle connection cut by the server: the next probe opens another
  app.addHook('onClose', async () => probe.end());

  const checks: HealthCheck[] = [
    { name: 'database', failure: '数据库不可用', check: () => probe.query('select 1') },
    { name: 'storage', failure: '文件存储不可用', check: () => options.storage.health() },
  ];
  const { bus } = options;
  if (bus.redis) {
    const redis = bus.redis;
    // The bus's own connections, not one of the probe's: a dropped subscriber (events from other
    // instances no longer arrive) makes the instance unready too.
    checks.push({
      name: 'redis',
      failure: 'Redis 不可用',
      check: async () => {
        const status = bus.status();
        if (!status.redisConnected) throw new Error('bus not connected to redis');
        if ((await redis.ping()) !== 'PONG') throw new Error('unexpected PING answer');
      },
    });
  }
  checks.push(...(options.extraChecks ?? []));

  app.get('/livez', async () => ({ ok: true }));

  const ready = async (_: unknown, reply: import('fastify').FastifyReply) => {
    reply.header('cache-control', 'no-store');
    if (app.readiness.draining) {
      return reply.code(503).send({ ok: false, failed: ['shutdown'], message: '服务正在关闭', checks: {} });
    }
    const results = await Promise.all(
      checks.map(async ({ name, failure, check }) => {
        try {
          await withTimeout(check(), timeoutMs);
          return [name, { ok: true }] as const;
        } catch (error) {
          app.log.warn({ check: name, err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'readiness check failed');
          return [name, { ok: false, message: failure }] as const;
        }
      }),
    );
    const failed = results.filter(([, result]) => !result.ok).map(([name]) => name);
    const body = { ok: failed.length === 0, checks: Object.fromEntries(results) };
    if (!failed.length) return body;
    const message = `未就绪：${results.flatMap(([, r]) => (r.ok ? [] : [r.message])).join('，')}`;
    return reply.code(503).send({ ...body, failed, message });
  };
  app.get('/readyz', ready);
  app.get('/healthz', ready);
}
