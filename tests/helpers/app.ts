import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MikroORM } from '@mikro-orm/postgresql';
import type { DestinationStream } from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { ormOptions } from '../../server/db/orm.js';
import { TEMPLATE_DB } from './names.js';

export interface TestApp {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  app: FastifyInstance;
  orm: MikroORM;
  databaseUrl: string;
  config: Config;
  /** The disk store's folder (unused when the test chose S3). */
  filesDir: string;
  close: () => Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Drops a database made by freshDatabase (connections closed first). */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = await MikroORM.init({ ...ormOptions(inject('adminDatabaseUrl')), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  try {
    await admin.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.close(true);
  }
}

/** A fresh database cloned from the migrated, demo-seeded template. */
export async function freshDatabase(): Promise<string> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `jiaoliu_test_${randomBytes(6).toString('hex')}`;
  const admin = await MikroORM.init({ ...ormOptions(adminUrl), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  try {
    await admin.em.getConnection().execute(`create database "${name}" template "${TEMPLATE_DB}"`);
  } finally {
    await admin.close(true);
  }
  return withDatabase(adminUrl, name);
}

/** The real app on an ephemeral port, against its own fresh database. `logStream` receives its JSON log lines. */
export async function startTestApp(overrides: Partial<Config> = {}, options: { logStream?: DestinationStream } = {}): Promise<TestApp> {
  const databaseUrl = await freshDatabase();
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  // Files go to a temp folder of this app (never the checkout's .data), unless the test chose a store.
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-files-'));
  const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', demoData: false, ...overrides, storage: { ...loadConfig().storage, filesDir, ...overrides.storage } });
  const app = await buildApp(config, orm, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    orm,
    databaseUrl,
    config,
    filesDir,
    close: async () => {
      await app.close();
      await orm.close(true);
      await dropDatabase(databaseUrl);
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/** An ORM on a fresh database (no HTTP server), for tests of data and seeds. Close drops it. */
export async function freshOrm(): Promise<{ orm: MikroORM; close: () => Promise<void> }> {
  const url = await freshDatabase();
  const orm = await MikroORM.init(ormOptions(url));
  return {
    orm,
    close: async () => {
      await orm.close(true);
      await dropDatabase(url);
    },
  };
}
