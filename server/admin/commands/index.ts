import type { AdminCommand } from '../command.js';
import { migrateCommand } from './migrate.js';
import { syncLdapCommand } from './syncLdap.js';

/** Every administration command by name; README.md lists them. Each lives in a file of its own. */
export const commands: Record<string, AdminCommand> = {
  migrate: migrateCommand,
  'sync-ldap': syncLdapCommand,
};
