import { writeBackup } from '../../backup/backup.js';
import { BackupError } from '../../backup/manifest.js';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';

/** `backup FILE` (or `-`, standard output): one consistent archive of the database and the stored files (docs/backup.md). */
export const backupCommand: AdminCommand = {
  usage: 'FILE|-',
  summary: '把数据库和已上传的文件备份为一个归档文件（.tar.gz；“-” 写到标准输出，便于直接加密；服务可以继续运行）',
  async run(args, config, io) {
    const { positional } = parseArgs(args);
    if (positional.length !== 1) throw new AdminError('用法：backup FILE（例如 backup /backup/jiaoliu-2026-12-07.tar.gz），或 backup - | age -r … > FILE.age', 2);
    const [file] = positional;
    const toStdout = file === '-';
    if (toStdout && process.stdout.isTTY) throw new AdminError('备份是二进制归档，不能输出到终端：请重定向到文件或管道（例如 | age -r … > FILE.age）', 2);
    // With the archive on standard output, the results go to stderr with the progress.
    const print = toStdout ? io.say : io.out;
    const db = await openAdminDatabase(config, io.say, { migrate: false });
    try {
      const manifest = await writeBackup({ databaseUrl: db.orm.config.get('clientUrl')!, storage: db.storage, target: toStdout ? { stream: process.stdout } : { file }, say: io.say });
      const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
      const files = manifest.entries.filter((e) => e.path.startsWith('files/'));
      print(`备份完成：${toStdout ? '（标准输出）' : file}`);
      print(`  ${manifest.tables.length} 张表，${rows} 行；${files.length} 个文件，${files.reduce((sum, f) => sum + f.size, 0)} 字节`);
      // The same lines as restore prints: an operator compares the two (docs/backup.md).
      for (const table of manifest.tables) print(`  ${table.name}\t${table.rows}`);
      print('  备份中含有个人信息和受限内容：请加密保存在本机之外');
    } catch (error) {
      if (error instanceof BackupError) throw new AdminError(error.message);
      throw error;
    } finally {
      await db.close();
    }
  },
};
