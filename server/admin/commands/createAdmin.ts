import { AdminError, parseArgs, type AdminCommand, type AdminIo } from '../command.js';
import { openAdminDatabase } from '../database.js';
import { createSystemAdmin, systemAdminPassword } from '../../modules/org/systemAdmin.js';
import { asAdminError, CONSOLE_OPERATOR } from '../appErrors.js';

/** ADMIN_PASSWORD (non-interactive), else asked twice on the terminal without echo. */
async function readPassword(io: AdminIo, loginName: string): Promise<string> {
  const fromEnv = io.env.ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  const first = await io.ask('密码（至少 10 个字符）：', { hidden: true });
  if (first === null) throw new AdminError('没有可输入密码的终端：请用环境变量 ADMIN_PASSWORD 提供密码');
  await asAdminError(async () => systemAdminPassword(first, loginName));
  const again = await io.ask('再次输入密码：', { hidden: true });
  if (again !== first) throw new AdminError('两次输入的密码不一致');
  return first;
}

/** `create-admin`: a system admin, e.g. the first one of a new installation. */
export const createAdminCommand: AdminCommand = {
  usage: '--login 登录名 --name 姓名 --unit 单位 [--title 职务] [--level 省级|市级|县级]',
  summary: '创建系统管理员（密码取自 ADMIN_PASSWORD 或终端输入；单位不存在时建为顶级单位）',
  async run(args, config, io) {
    const { values, positional } = parseArgs(args, { values: ['login', 'name', 'unit', 'title', 'level'] });
    if (positional.length) throw new AdminError(`多余的参数：${positional.join(' ')}`, 2);
    for (const [option, label] of [['login', '登录名'], ['name', '姓名'], ['unit', '单位']] as const) {
      if (!values.get(option)) throw new AdminError(`请用 --${option} 指定${label}`, 2);
    }
    const loginName = values.get('login')!.trim().toLowerCase();
    const password = await readPassword(io, loginName);
    const db = await openAdminDatabase(config, io.say);
    try {
      const { user, unit, unitCreated } = await asAdminError(() =>
        createSystemAdmin(db.orm.em.fork(), db.hasher, CONSOLE_OPERATOR, {
          loginName: values.get('login'),
          realName: values.get('name'),
          unitName: values.get('unit'),
          unitLevel: values.get('level'),
          title: values.get('title'),
          password,
        }),
      );
      if (unitCreated) io.out(`已新建顶级单位：${unit.name}`);
      io.out(`已创建系统管理员 ${user.loginName}（${user.realName}，${unit.name}）`);
    } finally {
      await db.close();
    }
  },
};
