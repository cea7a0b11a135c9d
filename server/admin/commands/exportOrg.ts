import fs from 'node:fs';
import { AdminError, parseArgs, type AdminCommand } from '../command.js';
import { openAdminDatabase } from '../database.js';
import { formatOfName } from '../../modules/org/orgImport/parse.js';
import { exportOrganisation, writeOrgFile } from '../../modules/org/orgImport/files.js';

/** `export-org FILE`: the units and active officials in import-org's format (mode 0600: it holds phone numbers). */
export const exportOrgCommand: AdminCommand = {
  usage: 'FILE.csv|FILE.xlsx',
  summary: '按导入格式导出单位和人员（.csv 或 .xlsx）',
  async run(args, config, io) {
    const { positional } = parseArgs(args);
    if (positional.length !== 1) throw new AdminError('请指定导出文件（.csv 或 .xlsx）', 2);
    const [file] = positional;
    const format = formatOfName(file);
    if (!format) throw new AdminError('导出文件名须以 .csv 或 .xlsx 结尾', 2);
    const db = await openAdminDatabase(config, io.say);
    try {
      const records = await exportOrganisation(db.orm.em.fork());
      fs.writeFileSync(file, await writeOrgFile(records, format), { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      io.out(`已导出 ${records.length} 行到 ${file}`);
    } finally {
      await db.close();
    }
  },
};
