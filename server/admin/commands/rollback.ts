import { withStartupLock } from '../../db/orm.js';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';

/**
 * Rolls back the newest migration (or every one after `--to NAME`) with this version's `down`
 * steps: run it with the version that brought the migrations, after stopping every instance and
 * taking a backup, then install the older version (docs/upgrades.md).
 */
export const rollbackCommand: AdminCommand = {
  usage: '[--to 迁移名]',
  summary: '回滚最近一项数据库迁移（或回滚到指定迁移之后的全部）；须先停止所有实例并备份',
  async run(args, config, io) {
    const { positional, values } = parseArgs(args, { values: ['to'] });
    if (positional.length) throw new AdminError(`多余的参数：${positional.join(' ')}`, 2);
    const db = await openAdminDatabase(config, io.say, { migrate: false });
    try {
      const migrator = db.orm.getMigrator();
      const executed = (await migrator.getExecutedMigrations()).map((migration) => migration.name);
      const to = values.get('to');
      if (to !== undefined && !executed.includes(to)) throw new AdminError(`没有已执行的迁移 ${to}。已执行：${executed.join('、') || '（无）'}`);
      const undone = executed.slice(to === undefined ? -1 : executed.indexOf(to) + 1).reverse();
      if (!undone.length) {
        io.out(to === undefined ? '没有可回滚的迁移' : `${to} 已是最后一项迁移，无需回滚`);
        return;
      }
      // Under the start-up lock (an instance starting now would migrate up at the same time), all
      // in one transaction (allOrNothing): a down that refuses leaves every migration as it was.
      io.say(`回滚 ${undone.join('、')} …`);
      await withStartupLock(db.orm, () => migrator.down(to === undefined ? undefined : { to: undone.at(-1)! })).catch((error: Error) => {
        // PostgreSQL's text follows the statement after " - ": a down's refusal says why in Chinese.
        throw new AdminError(`回滚未执行，数据库保持不变：${error.message.split(' - ').pop()}`);
      });
      io.out(`已回滚 ${undone.length} 项迁移：${undone.join('、')}`);
    } finally {
      await db.close();
    }
  },
};
