import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { writeBackup } from '../../../server/backup/backup.js';
import { embeddedDataDir, runningEmbeddedUrl } from '../../../server/db/embedded.js';
import { DiskStore } from '../../../server/storage/diskStore.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { upload, SAMPLES } from '../../helpers/files.js';
import { signedIn } from '../../helpers/graphql.js';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.js';
import { query, runAdmin, tableCounts } from './helpers.js';

/**
 * Issue 14, the default installation: no DATABASE_URL, the embedded PostgreSQL in
 * JIAOLIU_DATA_DIR. `restore` into a new data folder starts that PostgreSQL itself; the server
 * then serves the restored data; `backup` while the server runs reaches the server's PostgreSQL.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-backup-embedded-'));
const dataDir = path.join(work, 'data');
let server: ServerProcess | undefined;
let seed: string | undefined;

afterAll(async () => {
  await server?.stop();
  if (seed) await dropDatabase(seed).catch(() => {});
  fs.rmSync(work, { recursive: true, force: true });
});

it('restores into a new embedded installation, serves it, and backs it up while the server runs', async () => {
  // An archive of the demo data to start from (in process: the command's own runs follow).
  seed = await freshDatabase();
  const first = path.join(work, 'first.tar.gz');
  await writeBackup({ databaseUrl: seed, storage: new DiskStore(path.join(work, 'no-files')), target: { file: first }, say: () => {} });

  const env = { JIAOLIU_DATA_DIR: dataDir };
  const restore = await runAdmin(['restore', first], env);
  expect(restore.code, restore.stderr).toBe(0);
  expect(restore.stderr).toContain('启动嵌入式 PostgreSQL');

  server = await startServerProcess({ env: { ...env, DATABASE_URL: undefined, DEMO_DATA: 'false', SHUTDOWN_DRAIN_MS: '0' } });
  const url = runningEmbeddedUrl(embeddedDataDir(dataDir).dataDir, 'jiaoliu')!;
  expect(await tableCounts(url)).toEqual(await tableCounts(seed));
  const gou = await signedIn(server.url, 'gouxiaoyan');
  const [{ id: groupId }] = await query<{ id: string }>(url, `select id from chat_group where name = '政务服务工作交流'`);
  const { token } = await gou.login('gouxiaoyan');
  const content = Buffer.concat([SAMPLES.pdf(), Buffer.from('嵌入式')]);
  expect((await upload(server.url, { token }, { groupId }, '嵌入式.pdf', content)).status).toBe(201);

  const second = path.join(work, 'second.tar.gz');
  const backup = await runAdmin(['backup', second], env);
  expect(backup.code, backup.stderr).toBe(0);
  // It used the running server's PostgreSQL, not a second one on the same folder.
  expect(backup.stderr).not.toContain('启动嵌入式 PostgreSQL');
  expect(backup.stdout).toContain('1 个文件');
  const counts = await tableCounts(url);
  expect(backup.stderr).toContain(`表 stored_object：1 行`);
  expect(backup.stderr).toContain(`表 message：${counts.message} 行`);
}, 120_000);
