import type { AdminCommand } from '../command.js';
import { createAdminCommand } from './createAdmin.js';
import { exportOrgCommand } from './exportOrg.js';
import { importOrgCommand } from './importOrg.js';
import { migrateCommand } from './migrate.js';

/** Every administration command by name; README.md lists them. Each lives in a file of its own. */
export const commands: Record<string, AdminCommand> = {
  migrate: migrateCommand,
  'create-admin': createAdminCommand,
  'import-org': importOrgCommand,
  'export-org': exportOrgCommand,
};
