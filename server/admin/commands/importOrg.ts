import fs from 'node:fs';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';
import { formatOfName } from '../../modules/org/orgImport/parse.js';
import { importOrganisation, previewOrganisationImport } from '../../modules/org/orgImport/service.js';
import { describePlan } from '../../modules/org/orgImport/report.js';
import { passwordsCsv } from '../../modules/org/orgImport/files.js';
import { asAdminError, CONSOLE_OPERATOR } from '../appErrors.js';

/**
 * `import-org FILE`: the unit tree and officials from CSV or XLSX. The initial passwords of new
 * accounts go only to the --passwords file (mode 0600, never overwritten), written before the
 * commit: if it cannot be written, nothing is imported.
 */
export const importOrgCommand: AdminCommand = {
  usage: 'FILE.csv|FILE.xlsx [--dry-run] [--passwords 密码文件.csv]',
  summary: '从 CSV 或 XLSX 导入单位和人员（--dry-run 只显示将做的修改；新账号的初始密码写入 --passwords 文件）',
  async run(args, config, io) {
    const { positional, flags, values } = parseArgs(args, { flags: ['dry-run'], values: ['passwords'] });
    if (positional.length !== 1) throw new AdminError('请指定一个要导入的文件（.csv 或 .xlsx）', 2);
    const [file] = positional;
    const format = formatOfName(file);
    if (!format) throw new AdminError('只支持 .csv 或 .xlsx 文件', 2);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      throw new AdminError(`无法读取文件 ${file}`);
    }
    const dryRun = flags.has('dry-run');
    const passwordsFile = values.get('passwords');
    if (passwordsFile && !dryRun && fs.existsSync(passwordsFile)) throw new AdminError(`密码文件 ${passwordsFile} 已存在：为免覆盖此前的初始密码，请指定新文件`);

    const db = await openAdminDatabase(config, io.say);
    try {
      if (dryRun) {
        const plan = await asAdminError(() => previewOrganisationImport(db.orm.em.fork(), bytes, format));
        io.out('试运行（未做任何修改）：');
        for (const line of describePlan(plan)) io.out(line);
        if (plan.problems.length) throw new AdminError('文件有错误，请修改后再导入');
        return;
      }
      let written = false;
      const result = await asAdminError(() =>
        importOrganisation(db.orm.em.fork(), db.hasher, CONSOLE_OPERATOR, bytes, format, async (passwords) => {
          if (!passwords.length) return;
          if (!passwordsFile) throw new AdminError(`将新建 ${passwords.length} 个账号：请用 --passwords 文件 指定初始密码的保存位置（未做任何修改）`);
          fs.writeFileSync(passwordsFile, await passwordsCsv(passwords), { mode: 0o600, flag: 'wx' });
          written = true;
        }).catch((error: unknown) => {
          // Rolled back after the file was written: its passwords belong to no account.
          if (written) fs.rmSync(passwordsFile!, { force: true });
          throw error;
        }),
      );
      for (const line of describePlan(result.plan)) io.out(line);
      if (!result.applied) throw new AdminError('文件有错误，未导入任何内容');
      io.out(`导入完成。${result.passwords.length ? `${result.passwords.length} 个新账号的初始密码已写入 ${passwordsFile}（仅本机管理员可读），请交各单位管理员分发；首次登录须修改密码。` : ''}`);
    } finally {
      await db.close();
    }
  },
};
