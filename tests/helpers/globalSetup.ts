import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres, tempDataDir, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { migrate, ormOptions } from '../../server/db/orm.js';
import { PasswordHasher } from '../../server/modules/accounts/passwords.js';
import { loadDemoData } from '../../seeds/demo.js';
import { loadDemoChat } from '../../seeds/demoChat.js';
import { TEMPLATE_DB } from './names.js';

/**
 * Once per run: a real PostgreSQL (embedded under os.tmpdir(), or DATABASE_URL's server),
 * and a template database with migrations and demo data. Each test file clones the template.
 */
let embedded: EmbeddedDatabase | undefined;

export default async function setup(project: TestProject) {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    embedded = await startEmbeddedPostgres(tempDataDir('jiaoliu-test-'));
    adminUrl = embedded.url('postgres');
  }
  const admin = await MikroORM.init({ ...ormOptions(adminUrl), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  const connection = admin.em.getConnection();
  await connection.execute(`drop database if exists "${TEMPLATE_DB}" with (force)`);
  await connection.execute(`create database "${TEMPLATE_DB}"`);
  await admin.close(true);

  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const orm = await MikroORM.init(ormOptions(templateUrl));
  await migrate(orm);
  const hasher = new PasswordHasher(4, 1000);
  await loadDemoData(orm, hasher);
  await loadDemoChat(orm, hasher);
  await orm.close(true);

  project.provide('adminDatabaseUrl', adminUrl);
  return async () => {
    if (embedded) {
      await embedded.stop();
      // tempDataDir made <tmp>/jiaoliu-test-XXXX/postgres: remove the whole folder.
      fs.rmSync(path.dirname(embedded.dataDir), { recursive: true, force: true });
    } else {
      const admin = await MikroORM.init({ ...ormOptions(adminUrl), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
      await admin.em.getConnection().execute(`drop database if exists "${TEMPLATE_DB}" with (force)`);
      await admin.close(true);
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
