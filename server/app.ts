import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { MikroORM } from '@mikro-orm/postgresql';
import { trustProxyOption, type Config } from './config.js';
import { registerGraphQL } from './graphql/index.js';
import { PasswordHasher } from './modules/accounts/passwords.js';
import type { Deps } from './modules/context.js';
import { registerWeb } from './plugins/web.js';
import { registerFiles } from './plugins/files.js';
import { registerRateLimits } from './edge/limitsPlugin.js';
import { createObjectStore } from './storage/index.js';
import { DownloadLinks } from './modules/documents/download.js';
import { registerWebsocket } from './graphql/subscriptions.js';
import { createRealtime } from './realtime/index.js';
import { registerCalendar } from './plugins/calendar.js';
import { registerHealth } from './plugins/health.js';
import { registerDrain } from './plugins/drain.js';
import { isDatabaseUnavailable } from './db/unavailable.js';
import { addGraphQLRetryAfter, replyUnavailable } from './http/unavailable.js';
import { jobHandlers } from './modules/meetings/reminders.js';
import { JobScheduler } from './modules/scheduler/jobs.js';
import { directorySignIn } from './modules/ldap/signIn.js';
import { directoryJobs, scheduleDirectorySync } from './modules/ldap/sync.js';
import { archiveJobHandlers } from './modules/archives/jobs.js';
import { registerArchives } from './plugins/archives.js';
import type { DestinationStream } from 'pino';
import { loggerOptions } from './logging.js';
import { registerMetrics } from './plugins/metrics.js';
import './policies/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The job scheduler of this instance (meeting reminders). */
    scheduler: JobScheduler;
  }
}

export interface BuildOptions {
  /** A pino logger made before the app (main.ts logs its start-up with it); one from config.logLevel otherwise. */
  logger?: FastifyBaseLogger;
  /** Where a logger made here writes (tests read the records); stdout otherwise. */
  logStream?: DestinationStream;
}

/** Builds the HTTP app around an open ORM. main.ts and the tests both start it this way. */
export async function buildApp(config: Config, orm: MikroORM, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: loggerOptions(config.logLevel, options.logStream) }),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024 * 1024,
    // A request that slips in while the listener closes is served (the pool closes after), not refused with a 503 nginx would not retry for a POST.
    return503OnClosing: false,
  });
  // One instance alone, or several sharing one bus and presence through Redis (REDIS_URL).
  const realtime = await createRealtime(config, orm, app.log);
  const { hub, bus } = realtime;
  app.decorate('realtime', realtime);
  const storage = createObjectStore(config);
  await storage.init();
  const deps: Deps = {
    config,
    hasher: new PasswordHasher(config.login.hashConcurrency, config.login.hashQueueLimit),
    realtime: hub,
    presence: hub,
    storage,
    downloadLinks: new DownloadLinks(config.storage.linkSecret),
    caches: realtime.caches,
    directory: config.directory ? directorySignIn(config.directory) : null,
  };

  await app.register(fastifyCookie);
  // CSP is set per route family in plugins/web.ts.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  // Before every route, so that its hooks see them all (METRICS_ENABLED=false registers nothing).
  await registerMetrics(app, orm, config);

  // Errors outside GraphQL execution (bad JSON, oversize body): a code and Chinese text, nothing internal.
  // (mercurius formats its own, CSRF refusals included, through graphql/errors.ts.)
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (isDatabaseUnavailable(error)) return replyUnavailable(reply, error, { data: null });
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = status === 413 ? '请求内容过大' : status < 500 ? '请求格式不正确' : '服务器内部错误，请稍后重试';
    const code = status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    reply.code(status).send({ data: null, errors: [{ message, extensions: { code } }] });
  });
  addGraphQLRetryAfter(app);
  app.setNotFoundHandler((_, reply) => reply.code(404).send({ errors: [{ message: '页面不存在', extensions: { code: 'NOT_FOUND' } }] }));

  await registerHealth(app, { orm, storage, bus });
  registerDrain(app); // before the WebSocket plugin: its preClose hook must run first
  await registerWebsocket(app, deps);
  await registerGraphQL(app, orm, deps, hub, bus.emitter);
  await registerRateLimits(app, config, { redis: bus.redis ?? undefined });
  await registerFiles(app, orm, deps);
  await registerCalendar(app, orm, deps);
  await registerArchives(app, orm, deps);
  await registerWeb(app, config.production);

  // Meeting reminders and archive exports: jobs in PostgreSQL, polled once the server is ready,
  // stopped (waiting for a job in progress) before the pool closes. Several instances may poll the same table.
  // The directory sync (LDAP_SYNC_MINUTES) is a job of the same table that re-queues itself.
  const handlers = { ...jobHandlers, ...directoryJobs(config.directory), ...archiveJobHandlers({ orm, storage, log: app.log }) };
  const scheduler = new JobScheduler(orm, hub, handlers, { pollMs: config.scheduler.pollMs, log: app.log });
  app.decorate('scheduler', scheduler);
  app.addHook('onReady', async () => {
    if (config.scheduler.pollMs > 0) await scheduleDirectorySync(orm.em.fork(), config.directory);
    scheduler.start();
  });
  app.addHook('onClose', async () => scheduler.stop());
  app.addHook('onReady', async () => realtime.start());
  app.addHook('onClose', async () => realtime.close());
  return app;
}
