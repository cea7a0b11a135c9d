import { loadConfig } from './config.js';
import { openOrm } from './db/orm.js';
import { reindexSearch } from './modules/search/reindex.js';
import { processLog } from './logging.js';

/**
 * `npm run search:reindex [-- --all]` against DATABASE_URL: fills missing search vectors, or
 * (with --all) rebuilds every one after the segmentation changed.
 */
const config = loadConfig();
if (!config.databaseUrl) {
  processLog.error('请设置 DATABASE_URL（服务器启动时会自动补全缺失的索引；重建全部索引需指定数据库）');
  process.exit(1);
}
const orm = await openOrm(config.databaseUrl);
const all = process.argv.includes('--all');
const started = Date.now();
const count = await reindexSearch(orm.em.fork(), { all, log: (line) => processLog.info({ progress: line }, '搜索索引进度') });
processLog.info({ count, all, seconds: (Date.now() - started) / 1000 }, `已${all ? '重建' : '补全'} ${count} 条搜索索引`);
await orm.close(true);
