import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyArchive } from '../../../server/backup/archive.js';
import { writeBackup } from '../../../server/backup/backup.js';
import { restoreBackup } from '../../../server/backup/restore.js';
import { migrationsList } from '../../../server/db/migrations/index.js';
import { ormOptions } from '../../../server/db/orm.js';
import { DiskStore } from '../../../server/storage/diskStore.js';
import { dropDatabase, startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { SAMPLES, upload } from '../../helpers/files.js';
import { signedIn } from '../../helpers/graphql.js';
import { emptyDatabase, fileChecksums, runAdmin, tableCounts } from './helpers.js';

/**
 * Issue 14, restore and a file store that is not empty (an operator restoring into a scratch
 * database with the production store's settings): a key of the backup already there with other
 * content refuses the restore before anything is written; one with the very same bytes is left
 * alone, and a failing restore never removes it.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-restore-store-'));
const archive = path.join(work, 'jiaoliu.tar.gz');
let source: TestApp;
/** The backup's file keys in archive order, and their bytes. */
let keys: string[] = [];
const contents = new Map<string, Buffer>();
const databases: string[] = [];

/** A target data folder whose file store already holds `key` with `bytes`. */
function prefilledDataDir(name: string, key: string, bytes: Buffer): { dir: string; file: string } {
  const dir = path.join(work, name);
  const file = path.join(dir, 'files', key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return { dir, file };
}

async function target(): Promise<string> {
  const url = await emptyDatabase(inject('adminDatabaseUrl'));
  databases.push(url);
  return url;
}

beforeAll(async () => {
  source = await startTestApp();
  const gou = await signedIn(source.url, 'gouxiaoyan');
  const { token } = await gou.login('gouxiaoyan');
  const [group] = await sql<{ id: string }>(source.orm, `select id from chat_group where name = '政务服务工作交流'`);
  for (const [name, content] of [['规范.docx', SAMPLES.docx()], ['指南.txt', Buffer.from('第一条 恢复不覆盖现有文件\n'.repeat(500))], ['纪要.pdf', SAMPLES.pdf()]] as const) {
    expect((await upload(source.url, { token }, { groupId: group.id }, name, content)).status).toBe(201);
  }
  await writeBackup({ databaseUrl: source.databaseUrl, storage: new DiskStore(source.filesDir), target: { file: archive }, say: () => {} });
  keys = (await verifyArchive(archive)).entries.filter((e) => e.path.startsWith('files/')).map((e) => e.path.slice('files/'.length));
  expect(keys).toHaveLength(3);
  for (const key of keys) contents.set(key, fs.readFileSync(path.join(source.filesDir, key)));
}, 60_000);

afterAll(async () => {
  await source?.close();
  for (const url of databases) await dropDatabase(url).catch(() => {});
  fs.rmSync(work, { recursive: true, force: true });
});

describe('restore into a file store that already holds files', () => {
  it('refuses, writing nothing, when a key of the backup is there with other content, and leaves that file untouched', { timeout: 60_000 }, async () => {
    const theirs = Buffer.from('生产环境中正在使用的文件，不得覆盖');
    const { dir, file } = prefilledDataDir('clash', keys[1], theirs);
    const url = await target();
    const restore = await runAdmin(['restore', archive], { DATABASE_URL: url, JIAOLIU_DATA_DIR: dir });
    expect(restore.code, restore.stderr).toBe(1);
    expect(restore.stderr).toContain(`错误：文件存储（磁盘）中已有 1 个与备份同名但内容不同的文件（${keys[1]}）`);
    expect(restore.stderr).toContain('不会覆盖或删除现有文件');
    expect(restore.stderr).toContain('未做任何改动');
    expect(fs.readFileSync(file).equals(theirs)).toBe(true);
    expect(Object.keys(fileChecksums(path.join(dir, 'files')))).toEqual([keys[1]]);
    // Not even the schema was written.
    expect(await tableCounts(url)).toEqual({});
  });

  it('leaves a file with the backup\'s very bytes as it is (not rewritten) and restores the rest', { timeout: 60_000 }, async () => {
    const { dir, file } = prefilledDataDir('identical', keys[0], contents.get(keys[0])!);
    const inode = fs.statSync(file).ino;
    const url = await target();
    const restore = await runAdmin(['restore', archive], { DATABASE_URL: url, JIAOLIU_DATA_DIR: dir });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toContain('文件存储中已有 1 个与备份相同的文件，保留不动');
    expect(restore.stderr).toContain('文件：3/3');
    expect(fs.statSync(file).ino).toBe(inode);
    expect(fileChecksums(path.join(dir, 'files'))).toEqual(fileChecksums(source.filesDir));
  });

  it('on a failure, removes only the files it put: one that was there before stays', { timeout: 60_000 }, async () => {
    const { dir, file } = prefilledDataDir('failing', keys[0], contents.get(keys[0])!);
    const files = path.join(dir, 'files');
    // The store breaks at the backup's last file, after the first (already there) and the second (put by the restore).
    const disk = new DiskStore(files);
    await disk.init();
    const failing = Object.assign(Object.create(disk) as DiskStore, {
      put: async (key: string, body: Readable) => {
        if (key === keys[2]) {
          for await (const _chunk of body); // read, as a real store would, before failing
          throw new Error('磁盘已满（测试）');
        }
        await disk.put(key, body);
      },
    });
    const url = await target();
    const orm = await MikroORM.init(ormOptions(url));
    try {
      const error = await restoreBackup({
        databaseUrl: url,
        storage: failing,
        file: archive,
        knownMigrations: migrationsList.map((m) => m.name),
        migrateTo: async (last) => {
          await orm.getMigrator().up({ to: last });
        },
        say: () => {},
      }).catch((e: Error) => e);
      expect((error as Error).message).toBe('磁盘已满（测试）');
    } finally {
      await orm.close(true);
    }
    expect(fs.readFileSync(file).equals(contents.get(keys[0])!)).toBe(true);
    expect(Object.keys(fileChecksums(files))).toEqual([keys[0]]);
    const counts = await tableCounts(url);
    expect(counts.app_user).toBe(0);
  });
});
