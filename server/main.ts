import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loggerOptions } from './logging.js';
import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { migrate, openOrm, withStartupLock } from './db/orm.js';
import { embeddedDataDir, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { PasswordHasher } from './modules/accounts/passwords.js';
import { pruneLoginAttempts } from './modules/accounts/throttle.js';
import { pruneExpiredSessions } from './modules/accounts/sessions.js';
import { DEMO_PASSWORD, loadDemoData, PEOPLE } from '../seeds/demo.js';
import { accountsWithPassword } from './modules/accounts/publishedPassword.js';
import { loadDemoChat } from '../seeds/demoChat.js';
import { reindexSearch } from './modules/search/reindex.js';

/**
 * `npm start`: embedded PostgreSQL unless DATABASE_URL is set, migrations, demo data once,
 * then HTTP on PORT. Every line it prints is a pino JSON record (start-up and shutdown at info
 * even when LOG_LEVEL is warn). SIGTERM: /readyz turns 503 at once, the instance serves on for
 * SHUTDOWN_DRAIN_MS (the load balancer takes it out; SIGINT skips this), then stops accepting connections,
 * closes WebSockets with 1012 (clients reconnect at once), lets requests in flight finish, and
 * closes the pool and PostgreSQL in that order.
 */
const FORCE_CLOSE_MS = 15_000;

/** Start-up and shutdown records are kept at info even when request logs are quieter (default warn). */
function lifecycleLogger(log: Logger): Logger {
  const level = log.levels.values[log.level] > log.levels.values.info && log.level !== 'silent' ? 'info' : log.level;
  return log.child({ component: 'lifecycle' }, { level });
}

async function main(log: Logger, lifecycle: Logger) {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;

  if (!databaseUrl) {
    const { dataDir, movedFrom } = embeddedDataDir(config.dataDir);
    if (movedFrom) {
      lifecycle.warn(
        { dataDir: movedFrom, fallback: dataDir },
        `数据目录 ${movedFrom} 的上级目录不允许 postgres 用户访问（以 root 运行嵌入式 PostgreSQL 时需要）。` +
          `本次改用 ${dataDir}。如需指定，请设置 JIAOLIU_DATA_DIR 为 postgres 用户可访问的目录，或设置 DATABASE_URL 使用外部 PostgreSQL。`,
      );
    }
    lifecycle.info({ dataDir }, `启动嵌入式 PostgreSQL（数据目录 ${dataDir}）…`);
    const postgresLog = log.child({ component: 'postgres' });
    embedded = await startEmbeddedPostgres(dataDir, (line) => process.env.DEBUG_POSTGRES && postgresLog.info(line), {}, {
      notice: (message) => lifecycle.warn(message),
    });
    if (embedded.stoppedOrphan) {
      const { pid, port } = embedded.stoppedOrphan;
      lifecycle.warn({ orphanPid: pid, orphanPort: port, dataDir }, `发现上次未正常退出遗留的嵌入式 PostgreSQL（进程 ${pid}，端口 ${port}），已将其正常停止后重新启动`);
    }
    lifecycle.info({ postgresPort: embedded.port, postgresPid: embedded.pid }, '嵌入式 PostgreSQL 已就绪');
    await embedded.createDatabase('jiaoliu').catch((error: Error) => {
      if (!/already exists/.test(error.message)) throw error;
    });
    databaseUrl = embedded.url('jiaoliu');
  }

  const orm = await openOrm(databaseUrl, log, { createDatabase: config.databaseCreate });
  const applied = await migrate(orm);
  lifecycle.info({ migrations: applied }, applied.length ? `已执行 ${applied.length} 项数据库迁移` : '数据库结构已是最新');
  if (config.demoData) {
    const hasher = new PasswordHasher(os.availableParallelism(), 1000);
    // Under the start-up lock: instances starting together load it once.
    const [loaded, chat] = await withStartupLock(orm, async () => [await loadDemoData(orm, hasher), await loadDemoChat(orm, hasher)]);
    if (loaded || chat) lifecycle.info('已载入演示数据（密码见 README.md）');
  }
  if (config.production) {
    // The demo accounts' password is published (README.md): production does not serve them (SECURITY 35).
    const exposed = await accountsWithPassword(orm.em.fork(), new PasswordHasher(os.availableParallelism(), 100), PEOPLE.map((p) => p.login), DEMO_PASSWORD);
    if (exposed.length) {
      await orm.close(true);
      throw new Error(`以下账号仍在使用公开的演示密码，生产环境拒绝启动：${exposed.join('、')}。请先以非生产模式启动并修改这些账号的密码或停用它们`);
    }
  }
  const app = await buildApp(config, orm, { logger: log });

  const housekeeping = setInterval(() => {
    const em = orm.em.fork();
    Promise.all([pruneLoginAttempts(em), pruneExpiredSessions(em)]).catch((error) => app.log.error({ err: error }, 'housekeeping failed'));
  }, 3600_000);
  housekeeping.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: stop now (the exit handler still stops the embedded PostgreSQL).
      if (signal === 'SIGINT') {
        lifecycle.warn('再次收到 SIGINT，立即退出');
        log.flush();
        process.exit(1);
      }
      return;
    }
    stopping = true;
    const started = Date.now();
    // The drain is for load balancers (SIGTERM from systemd or an orchestrator); Ctrl-C stops at once.
    const drainMs = signal === 'SIGTERM' ? config.shutdownDrainMs : 0;
    app.readiness.draining = true;
    clearInterval(housekeeping);
    let code = 0;
    try {
      lifecycle.info({ signal, drainMs }, `收到 ${signal}，开始停止：就绪检查已返回 503，${drainMs} 毫秒内继续服务`);
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      const sockets = app.websocketServer?.clients.size ?? 0;
      lifecycle.info({ websockets: sockets }, `停止接受新连接，以 1012 关闭 ${sockets} 个 WebSocket（客户端立即重连），等待进行中的请求完成`);
      // Requests still running after this long are cut: a stop must end.
      const force = setTimeout(() => {
        lifecycle.warn('进行中的请求未能及时完成，强制关闭连接');
        app.server.closeAllConnections();
      }, FORCE_CLOSE_MS);
      await app.close();
      clearTimeout(force);
      lifecycle.info('HTTP 服务已关闭，关闭数据库连接池');
      await orm.close(true);
      if (embedded) {
        lifecycle.info('停止嵌入式 PostgreSQL');
        await embedded.stop();
      }
      lifecycle.info({ ms: Date.now() - started }, '交流 已停止');
    } catch (error) {
      code = 1;
      lifecycle.error({ err: error }, '停止过程中出错');
    } finally {
      log.flush();
      process.exit(code);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  // Rows written before search existed get their vectors in the background (nothing to do normally).
  reindexSearch(orm.em.fork())
    .then((count) => count && lifecycle.info({ count }, `已为 ${count} 条旧内容补建搜索索引`))
    .catch((error) => app.log.error({ err: error }, 'search reindex failed'));
  lifecycle.info(
    { port: config.port, host: config.host },
    `交流 已启动：http://localhost:${config.port}/  （GraphQL: /graphql${config.production ? '' : '，GraphiQL: /graphiql'}）`,
  );
}

// The logger exists before anything else, so that start-up failures are records too.
const log = pino(loggerOptions(loadConfigSafe()?.logLevel ?? 'info'));
const lifecycle = lifecycleLogger(log);
main(log, lifecycle).catch((error) => {
  lifecycle.fatal({ err: error }, `启动失败：${error instanceof Error ? error.message : String(error)}`);
  log.flush();
  process.exit(1);
});

/** The configuration, or undefined when it is invalid (main() then reports why, as a record). */
function loadConfigSafe() {
  try {
    return loadConfig();
  } catch {
    return undefined;
  }
}
