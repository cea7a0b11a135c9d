import type { AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';

/** Applies pending migrations without starting the server (the server also does so at start). */
export const migrateCommand: AdminCommand = {
  usage: '',
  summary: '执行尚未执行的数据库迁移（服务启动时也会自动执行）',
  async run(_args, config, io) {
    const db = await openAdminDatabase(config, io.say);
    try {
      const executed = await db.orm.getMigrator().getExecutedMigrations();
      io.out(`数据库结构已是最新：共 ${executed.length} 项迁移，最后一项 ${executed.at(-1)?.name ?? '（无）'}`);
    } finally {
      await db.close();
    }
  },
};
