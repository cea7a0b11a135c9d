import { Migration20261124000000Initial } from './Migration20261124000000Initial.js';

/** Checked-in migrations, applied in order by the Migrator at start. */
export const migrationsList = [{ name: 'Migration20261124000000Initial', class: Migration20261124000000Initial }];
