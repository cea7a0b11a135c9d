import type { AdminCommand } from '../command.js';
import { AdminError, parseArgs } from '../command.js';
import { openAdminDatabase } from '../database.js';
import { syncDirectoryOnce } from '../../modules/ldap/sync.js';

/** Syncs people and units from the LDAP directory now (the server also does so every LDAP_SYNC_MINUTES). */
export const syncLdapCommand: AdminCommand = {
  usage: '',
  summary: '立即从统一身份认证目录（LDAP）同步单位和人员；目录中已删除或停用的人员在本系统停用并立即下线',
  async run(args, config, io) {
    parseArgs(args);
    if (!config.directory) throw new AdminError('未设置 LDAP_URL：目录登录未启用，无可同步（见 docs/directory.md）');
    const db = await openAdminDatabase(config, io.say);
    try {
      io.say(`正在读取目录 ${config.directory.url} 中 ${config.directory.searchBase} 之下的人员…`);
      const summary = await syncDirectoryOnce(db.orm.em.fork(), config.directory);
      for (const reason of summary.skipped) io.say(`跳过：${reason}`);
      io.out(
        `同步完成：目录人员 ${summary.people} 人；新建 ${summary.created}，更新 ${summary.updated}，未变 ${summary.unchanged}，` +
          `恢复启用 ${summary.enabled}，停用 ${summary.disabled}，跳过 ${summary.skipped.length}；新建单位 ${summary.unitsCreated} 个`,
      );
    } finally {
      await db.close();
    }
  },
};
