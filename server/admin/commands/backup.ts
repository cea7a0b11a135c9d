import { writeBackup } from '../../backup/backup.js';
import { BackupError } from '../../backup/manifest.js';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';

/** `backup FILE`: one consistent archive of the database and the stored files (docs/backup.md). */
export const backupCommand: AdminCommand = {
  usage: 'FILE',
  summary: '把数据库和已上传的文件备份为一个归档文件（.tar.gz；服务可以继续运行）',
  async run(args, config, io) {
    const { positional } = parseArgs(args);
    if (positional.length !== 1) throw new AdminError('用法：backup FILE（例如 backup /backup/jiaoliu-2026-12-07.tar.gz）', 2);
    const db = await openAdminDatabase(config, io.say, { migrate: false });
    try {
      const manifest = await writeBackup({ databaseUrl: db.orm.config.get('clientUrl')!, storage: db.storage, file: positional[0], say: io.say });
      const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
      const files = manifest.entries.filter((e) => e.path.startsWith('files/'));
      io.out(`备份完成：${positional[0]}`);
      io.out(`  ${manifest.tables.length} 张表，${rows} 行；${files.length} 个文件，${files.reduce((sum, f) => sum + f.size, 0)} 字节`);
      // The same lines as restore prints: an operator compares the two (docs/backup.md).
      for (const table of manifest.tables) io.out(`  ${table.name}\t${table.rows}`);
      io.out('  备份中含有个人信息和受限内容：请加密保存在本机之外');
    } catch (error) {
      if (error instanceof BackupError) throw new AdminError(error.message);
      throw error;
    } finally {
      await db.close();
    }
  },
};
