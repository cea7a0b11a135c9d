import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { migrate, openOrm } from '../db/orm.js';
import { embeddedDataDir, runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded.js';
import { PasswordHasher } from '../modules/accounts/passwords.js';
import { createObjectStore, type ObjectStore } from '../storage/index.js';

/** What an administration command works on: the configured database (migrated) and file store. */
export interface AdminDatabase {
  orm: MikroORM;
  storage: ObjectStore;
  hasher: PasswordHasher;
  /** The embedded PostgreSQL this command started (null: an external one, or a running server's). */
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

/**
 * Opens the database the server uses: DATABASE_URL, or the embedded PostgreSQL in the data
 * folder, reached on its port when a server runs it, otherwise started for this command and
 * stopped after. Pending migrations are applied (under the start-up lock), so a command may
 * run before the first start, unless `migrate: false` (rollback, backup and restore keep the schema as it is).
 */
export async function openAdminDatabase(config: Config, say: (line: string) => void, options: { migrate?: boolean } = {}): Promise<AdminDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.databaseUrl;
  if (!url) {
    const { dataDir } = embeddedDataDir(config.dataDir);
    url = runningEmbeddedUrl(dataDir, 'jiaoliu') ?? undefined;
    if (!url) {
      say(`启动嵌入式 PostgreSQL（数据目录 ${dataDir}）…`);
      fs.mkdirSync(path.dirname(dataDir), { recursive: true });
      embedded = await startEmbeddedPostgres(dataDir, () => {}, {}, { notice: say });
      await embedded.createDatabase('jiaoliu').catch((error: Error) => {
        if (!/already exists/.test(error.message)) throw error;
      });
      url = embedded.url('jiaoliu');
    }
  }
  const quiet = { debug: () => {}, warn: () => {}, error: () => {} };
  let orm: MikroORM;
  try {
    orm = await openOrm(url, quiet, { createDatabase: config.databaseCreate });
    if (options.migrate !== false) await migrate(orm);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const storage = createObjectStore(config);
  await storage.init();
  return {
    orm,
    storage,
    hasher: new PasswordHasher(os.availableParallelism(), 1000),
    embedded,
    close: async () => {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
