import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { digest } from '../../../server/backup/archive.js';
import { loadConfig } from '../../../server/config.js';
import { S3Store } from '../../../server/storage/s3Store.js';
import { dropDatabase, startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { SAMPLES, upload } from '../../helpers/files.js';
import { signedIn } from '../../helpers/graphql.js';
import { startS3, type S3Server } from '../../helpers/s3.js';
import { emptyDatabase, query, runAdmin, tableCounts } from './helpers.js';

/** Issue 14: files kept in S3 are backed up with the database and restored into another bucket. */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-backup-s3-'));
let s3: S3Server;
let source: TestApp;
const databases: string[] = [];

const settings = (bucket: string) => ({ endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket, region: 'us-east-1' });
const env = (bucket: string, databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  JIAOLIU_DATA_DIR: work,
  S3_ENDPOINT: s3.endpoint,
  S3_ACCESS_KEY: s3.accessKey,
  S3_SECRET_KEY: s3.secretKey,
  S3_BUCKET: bucket,
});

/** SHA-256 of every stored object the database refers to, read from the bucket. */
async function bucketSums(bucket: string, databaseUrl: string): Promise<Record<string, string>> {
  const store = new S3Store(settings(bucket));
  const sums: Record<string, string> = {};
  for (const { storage_key } of await query<{ storage_key: string }>(databaseUrl, `select storage_key from stored_object order by storage_key`)) {
    sums[storage_key] = (await digest(await store.get(storage_key))).sha256;
  }
  return sums;
}

beforeAll(async () => {
  s3 = await startS3();
  source = await startTestApp({ storage: { ...loadConfig().storage, s3: settings('jiaoliu-source') } });
  const { token } = await (await signedIn(source.url, 'gouxiaoyan')).login('gouxiaoyan');
  const [{ id: groupId }] = await sql<{ id: string }>(source.orm, `select id from chat_group where name = '政务服务工作交流'`);
  for (const [name, content] of [['窗口服务规范.docx', SAMPLES.docx()], ['现场照片.png', SAMPLES.png()]] as const) {
    expect((await upload(source.url, { token }, { groupId }, name, content)).status).toBe(201);
  }
});

afterAll(async () => {
  await source?.close();
  for (const url of databases) await dropDatabase(url).catch(() => {});
  await s3?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

it('backs up files kept in S3 and restores them into another bucket, checksums verified', async () => {
  const archive = path.join(work, 's3.tar.gz');
  const backup = await runAdmin(['backup', archive], env('jiaoliu-source', source.databaseUrl));
  expect(backup.code, backup.stderr).toBe(0);
  expect(backup.stderr).toContain('备份文件（2 个，S3）');

  const target = await emptyDatabase(inject('adminDatabaseUrl'));
  databases.push(target);
  const restore = await runAdmin(['restore', archive], env('jiaoliu-restored', target));
  expect(restore.code, restore.stderr).toBe(0);
  expect(restore.stderr).toContain('恢复文件（2 个，S3）');

  expect(await tableCounts(target)).toEqual(await tableCounts(source.databaseUrl));
  const sums = await bucketSums('jiaoliu-source', source.databaseUrl);
  expect(Object.keys(sums)).toHaveLength(2);
  expect(await bucketSums('jiaoliu-restored', target)).toEqual(sums);
  // The bytes are the ones recorded at upload.
  const recorded = await query<{ storage_key: string; sha256: string }>(target, `select storage_key, sha256 from stored_object`);
  expect(Object.fromEntries(recorded.map((r) => [r.storage_key, r.sha256]))).toEqual(sums);
}, 120_000);
