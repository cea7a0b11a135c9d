import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { ormOptions } from '../../server/db/orm.js';
import { runAdmin as runAdminProcess, type AdminRun } from './adminProcess.js';


/** `npm run admin -- …` against `databaseUrl`, with a data folder of its own (no embedded PostgreSQL is touched). */
export async function runAdmin(databaseUrl: string, args: string[], env: Record<string, string | undefined> = {}): Promise<AdminRun> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-admin-'));
  try {
    return await runAdminProcess(args, { DATABASE_URL: databaseUrl, JIAOLIU_DATA_DIR: dataDir, NODE_ENV: 'test', ...env });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The real app on an ephemeral port over an existing database (the one the commands wrote). */
export async function serveDatabase(databaseUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-files-'));
  const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', demoData: false, storage: { ...loadConfig().storage, filesDir } });
  const app = await buildApp(config, orm);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      await orm.close(true);
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/** GB18030 bytes of a text, as Chinese Excel saves CSV (a table built from the platform's decoder). */
export function encodeGb18030(text: string): Buffer {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(new Uint8Array([lead, trail]));
      if (!table.has(char)) table.set(char, [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) bytes.push(char.charCodeAt(0));
    else if (table.has(char)) bytes.push(...table.get(char)!);
    else throw new Error(`no two-byte GB18030 code for ${char}`);
  }
  return Buffer.from(bytes);
}
