import { restoreBackup } from '../../backup/restore.js';
import { BackupError } from '../../backup/manifest.js';
import { withStartupLock } from '../../db/orm.js';
import { migrationsList } from '../../db/migrations/index.js';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';

/** `restore FILE`: puts a backup into an empty installation (docs/backup.md). */
export const restoreCommand: AdminCommand = {
  usage: 'FILE',
  summary: '把备份恢复到空的安装（新建的数据库和空的文件目录）；已有数据时拒绝',
  async run(args, config, io) {
    const { positional } = parseArgs(args);
    if (positional.length !== 1) throw new AdminError('用法：restore FILE', 2);
    const db = await openAdminDatabase(config, io.say, { migrate: false });
    try {
      const summary = await restoreBackup({
        databaseUrl: db.orm.config.get('clientUrl')!,
        storage: db.storage,
        file: positional[0],
        knownMigrations: migrationsList.map((m) => m.name),
        migrateTo: async (last) => {
          await withStartupLock(db.orm, () => db.orm.getMigrator().up({ to: last }));
        },
        say: io.say,
      });
      io.out(`恢复完成：${summary.tables} 张表，${summary.rows} 行；${summary.files} 个文件，${summary.bytes} 字节`);
      for (const table of summary.manifest.tables) io.out(`  ${table.name}\t${table.rows}`);
      if (summary.pendingMigrations > 0) io.out(`本版本还有 ${summary.pendingMigrations} 项较新的迁移：服务启动（或 npm run admin -- migrate）时执行`);
    } catch (error) {
      if (error instanceof BackupError) throw new AdminError(error.message);
      throw error;
    } finally {
      await db.close();
    }
  },
};
