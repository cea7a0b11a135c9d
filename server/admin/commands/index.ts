import type { AdminCommand } from '../command.js';
import { backupCommand } from './backup.js';
import { createAdminCommand } from './createAdmin.js';
import { exportOrgCommand } from './exportOrg.js';
import { importOrgCommand } from './importOrg.js';
import { migrateCommand } from './migrate.js';
import { rollbackCommand } from './rollback.js';
import { restoreCommand } from './restore.js';
import { syncLdapCommand } from './syncLdap.js';

/** Every administration command by name; README.md lists them. Each lives in a file of its own. */
export const commands: Record<string, AdminCommand> = {
  'create-admin': createAdminCommand,
  'import-org': importOrgCommand,
  'export-org': exportOrgCommand,
  'sync-ldap': syncLdapCommand,
  migrate: migrateCommand,
  rollback: rollbackCommand,
  backup: backupCommand,
  restore: restoreCommand,
};
