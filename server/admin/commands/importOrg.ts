import fs from 'node:fs';
import path from 'node:path';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';
import { formatOfName } from '../../modules/org/orgImport/parse.js';
import { importOrganisation, previewOrganisationImport } from '../../modules/org/orgImport/service.js';
import { describePlan } from '../../modules/org/orgImport/report.js';
import { passwordsByUnit, passwordsCsv } from '../../modules/org/orgImport/files.js';
import type { InitialPassword } from '../../modules/org/orgImport/apply.js';
import { asAdminError, CONSOLE_OPERATOR } from '../appErrors.js';

/**
 * Writes the initial passwords: one file (--passwords) and/or one file per unit (--passwords-dir),
 * each mode 0600 and never overwritten; `written` collects the paths, for removal on rollback.
 */
async function writePasswords(passwords: InitialPassword[], file: string | undefined, dir: string | undefined, written: string[]): Promise<void> {
  if (file) {
    fs.writeFileSync(file, await passwordsCsv(passwords), { mode: 0o600, flag: 'wx' });
    written.push(file);
  }
  if (dir) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [name, content] of await passwordsByUnit(passwords)) {
      const target = path.join(dir, name);
      try {
        fs.writeFileSync(target, content, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new AdminError(`密码文件 ${target} 已存在：为免覆盖此前的初始密码，请指定新目录（未做任何修改）`);
        throw error;
      }
      written.push(target);
    }
  }
}

/**
 * `import-org FILE`: the unit tree and officials from CSV or XLSX. The initial passwords of new
 * accounts (and, with --reissue-passwords, fresh ones for the file's accounts that never changed
 * theirs) go only to the --passwords file and/or the --passwords-dir files (one per unit), written
 * before the commit: if they cannot be written, nothing is imported.
 */
export const importOrgCommand: AdminCommand = {
  usage: 'FILE.csv|FILE.xlsx [--dry-run] [--passwords 密码文件.csv] [--passwords-dir 目录] [--reissue-passwords]',
  summary: '从 CSV 或 XLSX 导入单位和人员（--dry-run 只显示将做的修改；初始密码写入 --passwords 文件或 --passwords-dir 按单位分文件；--reissue-passwords 为尚未修改初始密码的账号重发）',
  async run(args, config, io) {
    const { positional, flags, values } = parseArgs(args, { flags: ['dry-run', 'reissue-passwords'], values: ['passwords', 'passwords-dir'] });
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
    const reissuePasswords = flags.has('reissue-passwords');
    const passwordsFile = values.get('passwords');
    const passwordsDir = values.get('passwords-dir');
    if (passwordsFile && !dryRun && fs.existsSync(passwordsFile)) throw new AdminError(`密码文件 ${passwordsFile} 已存在：为免覆盖此前的初始密码，请指定新文件`);
    if (reissuePasswords && !dryRun && !passwordsFile && !passwordsDir) throw new AdminError('--reissue-passwords 须同时用 --passwords 文件 或 --passwords-dir 目录 指定新初始密码的保存位置', 2);

    const db = await openAdminDatabase(config, io.say);
    try {
      if (dryRun) {
        const plan = await asAdminError(() => previewOrganisationImport(db.orm.em.fork(), bytes, format, { reissuePasswords }));
        io.out('试运行（未做任何修改）：');
        for (const line of describePlan(plan)) io.out(line);
        if (plan.problems.length) throw new AdminError('文件有错误，请修改后再导入');
        return;
      }
      const written: string[] = [];
      const result = await asAdminError(() =>
        importOrganisation(
          db.orm.em.fork(),
          db.hasher,
          CONSOLE_OPERATOR,
          bytes,
          format,
          async (passwords) => {
            if (!passwords.length) return;
            if (!passwordsFile && !passwordsDir) throw new AdminError(`将新建 ${passwords.length} 个账号：请用 --passwords 文件 或 --passwords-dir 目录 指定初始密码的保存位置（未做任何修改）`);
            await writePasswords(passwords, passwordsFile, passwordsDir, written);
          },
          { reissuePasswords },
        ).catch((error: unknown) => {
          // Rolled back after files were written: their passwords belong to no account.
          for (const target of written) fs.rmSync(target, { force: true });
          throw error;
        }),
      );
      for (const line of describePlan(result.plan)) io.out(line);
      if (!result.applied) throw new AdminError('文件有错误，未导入任何内容');
      const where = [passwordsFile, passwordsDir && `${passwordsDir}（每个单位一个文件）`].filter(Boolean).join(' 和 ');
      io.out(`导入完成。${result.passwords.length ? `${result.passwords.length} 个账号的初始密码已写入 ${where}（仅本机管理员可读），请交各单位管理员分发；首次登录须修改密码。` : ''}`);
    } finally {
      await db.close();
    }
  },
};
