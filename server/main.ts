import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { migrate, openOrm, withStartupLock } from './db/orm.js';
import { reachableByPostgresUser, startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { PasswordHasher } from './modules/accounts/passwords.js';
import { pruneLoginAttempts } from './modules/accounts/throttle.js';
import { pruneExpiredSessions } from './modules/accounts/sessions.js';
import { loadDemoData } from '../seeds/demo.js';
import { loadDemoChat } from '../seeds/demoChat.js';
import { reindexSearch } from './modules/search/reindex.js';

/**
 * `npm start`: embedded PostgreSQL unless DATABASE_URL is set, migrations, demo data once,
 * then HTTP on PORT. SIGINT/SIGTERM close the server, the pool and PostgreSQL in that order.
 */
async function main() {
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;

  if (!databaseUrl) {
    let dataDir = path.join(config.dataDir, 'postgres');
    if (!reachableByPostgresUser(dataDir)) {
      // Running as root under a folder the "postgres" user cannot enter (e.g. /root).
      const fallback = path.join('/var/tmp', `jiaoliu-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`, 'postgres');
      console.warn(
        `[jiaoliu] 数据目录 ${dataDir} 的上级目录不允许 postgres 用户访问（以 root 运行嵌入式 PostgreSQL 时需要）。\n` +
          `[jiaoliu] 本次改用 ${fallback}。如需指定，请设置 JIAOLIU_DATA_DIR 为 postgres 用户可访问的目录，或设置 DATABASE_URL 使用外部 PostgreSQL。`,
      );
      fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
      dataDir = fallback;
    }
    console.log(`[jiaoliu] 启动嵌入式 PostgreSQL（数据目录 ${dataDir}）…`);
    embedded = await startEmbeddedPostgres(dataDir, (line) => process.env.DEBUG_POSTGRES && console.log(line));
    await embedded.createDatabase('jiaoliu').catch((error: Error) => {
      if (!/already exists/.test(error.message)) throw error;
    });
    databaseUrl = embedded.url('jiaoliu');
  }

  const orm = await openOrm(databaseUrl);
  await migrate(orm);
  if (config.demoData) {
    const hasher = new PasswordHasher(os.availableParallelism(), 1000);
    // Under the start-up lock: instances starting together load it once.
    const [loaded, chat] = await withStartupLock(orm, async () => [await loadDemoData(orm, hasher), await loadDemoChat(orm, hasher)]);
    if (loaded || chat) console.log('[jiaoliu] 已载入演示数据（密码见 README.md）');
  }
  const app = await buildApp(config, orm);

  const housekeeping = setInterval(() => {
    const em = orm.em.fork();
    Promise.all([pruneLoginAttempts(em), pruneExpiredSessions(em)]).catch((error) => app.log.error({ err: error }, 'housekeeping failed'));
  }, 3600_000);
  housekeeping.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[jiaoliu] 收到 ${signal}，正在关闭…`);
    clearInterval(housekeeping);
    try {
      await app.close();
      await orm.close(true);
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  // Rows written before search existed get their vectors in the background (nothing to do normally).
  reindexSearch(orm.em.fork())
    .then((count) => count && console.log(`[jiaoliu] 已为 ${count} 条旧内容补建搜索索引`))
    .catch((error) => app.log.error({ err: error }, 'search reindex failed'));
  console.log(`[jiaoliu] 交流 已启动：http://localhost:${config.port}/  （GraphQL: /graphql${config.production ? '' : '，GraphiQL: /graphiql'}）`);
}

main().catch((error) => {
  console.error('[jiaoliu] 启动失败：', error instanceof Error ? error.message : error);
  process.exit(1);
});
