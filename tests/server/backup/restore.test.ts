import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { MikroORM } from '@mikro-orm/postgresql';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { verifyArchive } from '../../../server/backup/archive.js';
import { writeBackup } from '../../../server/backup/backup.js';
import { DiskStore } from '../../../server/storage/diskStore.js';
import { loadConfig } from '../../../server/config.js';
import { migrationsList } from '../../../server/db/migrations/index.js';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase, startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { SAMPLES, upload } from '../../helpers/files.js';
import { signedIn } from '../../helpers/graphql.js';
import { emptyDatabase, fileChecksums, query, runAdmin, tableCounts } from './helpers.js';

/**
 * Issue 14, backup and restore: `backup` of a running installation (demo data, files on disk),
 * `restore` into an empty one, every table's rows and every file's checksum compared, and the
 * restored installation serves history and downloads. Both commands run as real processes.
 */

const HISTORY = `query($c: ID!) { conversation(id: $c) { lastSeq messages(first: 50) { edges { node { id seq body author { realName } } } } } }`;
const SEND = `mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id seq } }`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-backup-'));
const sourceDir = path.join(work, 'source');
const targetDir = path.join(work, 'target');
const archive = path.join(work, 'jiaoliu.tar.gz');
let source: TestApp;
let conversationId: string;
const uploaded: Array<{ versionId: string; content: Buffer }> = [];
const databases: string[] = [];

beforeAll(async () => {
  source = await startTestApp({ storage: { ...loadConfig().storage, filesDir: path.join(sourceDir, 'files') } });
  const gou = await signedIn(source.url, 'gouxiaoyan');
  const { token } = await gou.login('gouxiaoyan');
  const [group] = await sql<{ id: string; conversation: string }>(source.orm, `select id, conversation_id as conversation from chat_group where name = '政务服务工作交流'`);
  conversationId = group.conversation;
  const files: Array<[string, Buffer]> = [
    ['通江县窗口服务规范.docx', SAMPLES.docx()],
    ['会议纪要.pdf', Buffer.concat([SAMPLES.pdf(), Buffer.from('备份测试')])],
    ['办事指南.txt', Buffer.from('第一条 备份与恢复\n'.repeat(2000))],
  ];
  for (const [name, content] of files) {
    const { data, status } = await upload(source.url, { token }, { groupId: group.id }, name, content);
    expect(status).toBe(201);
    uploaded.push({ versionId: data!.versionId, content });
  }
});

afterAll(async () => {
  await source?.close();
  for (const url of databases) await dropDatabase(url).catch(() => {});
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore (PostgreSQL of the tests, files on disk)', () => {
  it('backs up while the server runs, restores into an empty installation, and the restored server serves history and downloads', async () => {
    const backup = await runAdmin(['backup', archive], { DATABASE_URL: source.databaseUrl, JIAOLIU_DATA_DIR: sourceDir });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/表 message：\d+ 行/);
    expect(backup.stdout).toContain('3 个文件');
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);

    const target = await emptyDatabase(inject('adminDatabaseUrl'));
    databases.push(target);
    const restore = await runAdmin(['restore', archive], { DATABASE_URL: target, JIAOLIU_DATA_DIR: targetDir });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toContain('文件：3/3');

    // Every table (the migrations' record too) holds as many rows; every file the same bytes.
    const counts = await tableCounts(source.databaseUrl);
    expect(counts.message).toBeGreaterThan(0);
    expect(await tableCounts(target)).toEqual(counts);
    const sums = fileChecksums(path.join(sourceDir, 'files'));
    expect(Object.keys(sums)).toHaveLength(3);
    expect(fileChecksums(path.join(targetDir, 'files'))).toEqual(sums);
    // The same rows, not only as many: the audit log's newest entries (the uploads) came across.
    const audit = `select id, action, target_id from audit_log order by id desc limit 5`;
    expect(await query(target, audit)).toEqual(await query(source.databaseUrl, audit));

    // The restored installation, served by the app.
    const orm = await MikroORM.init(ormOptions(target));
    const config = loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'fatal', demoData: false, storage: { ...loadConfig().storage, filesDir: path.join(targetDir, 'files') } });
    const app = await buildApp(config, orm);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const before = await (await signedIn(source.url, 'lijinsong')).request(HISTORY, { c: conversationId });
      const li = await signedIn(url, 'lijinsong');
      const history = await li.request(HISTORY, { c: conversationId });
      expect(history.conversation.messages.edges.length).toBeGreaterThan(3);
      expect(history).toEqual(before);

      const { token } = await li.login('lijinsong');
      for (const file of uploaded) {
        const response = await fetch(`${url}/files/${file.versionId}`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
        expect(Buffer.from(await response.arrayBuffer()).equals(file.content)).toBe(true);
      }
      // Sequences were set past the restored rows: a new message gets fresh ids and the next seq.
      const { sendMessage } = await li.request(SEND, { c: conversationId, b: '恢复后的第一条消息', k: 'after-restore-1' });
      expect(sendMessage.seq).toBe(history.conversation.lastSeq + 1);
    } finally {
      await app.close();
      await orm.close(true);
    }
  }, 120_000);

  it('writes the archive to standard output with `backup -` (for an encrypting pipe), whole and checked', { timeout: 60_000 }, async () => {
    const backup = await runAdmin(['backup', '-'], { DATABASE_URL: source.databaseUrl, JIAOLIU_DATA_DIR: sourceDir });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain('备份完成：（标准输出）');
    const piped = path.join(work, 'piped.tar.gz');
    fs.writeFileSync(piped, backup.stdoutBytes);
    const manifest = await verifyArchive(piped);
    const counts = await tableCounts(source.databaseUrl);
    expect(Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]))).toEqual(Object.fromEntries(Object.entries(counts).filter(([name]) => name !== 'mikro_orm_migrations')));
    expect(manifest.entries.filter((e) => e.path.startsWith('files/'))).toHaveLength(3);
  });

  it('refuses to restore into an installation that holds data, and changes nothing', { timeout: 60_000 }, async () => {
    if (!fs.existsSync(archive)) await runAdmin(['backup', archive], { DATABASE_URL: source.databaseUrl, JIAOLIU_DATA_DIR: sourceDir });
    const counts = await tableCounts(source.databaseUrl);
    const restore = await runAdmin(['restore', archive], { DATABASE_URL: source.databaseUrl, JIAOLIU_DATA_DIR: sourceDir });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/错误：目标数据库不是空的（.*app_user.*）/);
    expect(restore.stderr).toContain('未做任何改动');
    expect(await tableCounts(source.databaseUrl)).toEqual(counts);
  });

  it('refuses a truncated or corrupted archive before writing anything', { timeout: 120_000 }, async () => {
    if (!fs.existsSync(archive)) await runAdmin(['backup', archive], { DATABASE_URL: source.databaseUrl, JIAOLIU_DATA_DIR: sourceDir });
    const bytes = fs.readFileSync(archive);
    const truncated = path.join(work, 'truncated.tar.gz');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    const corrupted = path.join(work, 'corrupted.tar.gz');
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0xff;
    fs.writeFileSync(corrupted, flipped);

    for (const [file, message] of [[truncated, '不完整'], [corrupted, '已损坏']]) {
      const target = await emptyDatabase(inject('adminDatabaseUrl'));
      databases.push(target);
      const dir = path.join(work, `empty-${path.basename(file)}`);
      const restore = await runAdmin(['restore', file], { DATABASE_URL: target, JIAOLIU_DATA_DIR: dir });
      expect(restore.code, restore.stderr).toBe(1);
      expect(restore.stderr).toMatch(new RegExp(`错误：备份文件.*${message}`));
      // Nothing written: not even the schema, and no file.
      expect(await tableCounts(target)).toEqual({});
      expect(fileChecksums(path.join(dir, 'files'))).toEqual({});
    }
  });

  it('refuses a backup made by a newer version (a migration this version does not know)', { timeout: 60_000 }, async () => {
    const newer = path.join(work, 'newer.tar.gz');
    const manifest = {
      format: 'jiaoliu-backup',
      formatVersion: 1,
      jiaoliuVersion: '9.0.0',
      createdAt: new Date().toISOString(),
      postgresVersion: '19.0',
      migrations: [...migrationsList.map((m) => m.name), 'Migration29991231000000Future'],
      tables: [],
      sequences: [],
      entries: [],
    };
    const pack = tar.pack();
    pack.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
    pack.finalize();
    await pipeline(pack, zlib.createGzip(), fs.createWriteStream(newer));
    const target = await emptyDatabase(inject('adminDatabaseUrl'));
    databases.push(target);
    const restore = await runAdmin(['restore', newer], { DATABASE_URL: target, JIAOLIU_DATA_DIR: path.join(work, 'newer') });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('错误：这份备份来自较新的交流版本（9.0.0）：其中的迁移 Migration29991231000000Future 本版本不认识');
    expect(await tableCounts(target)).toEqual({});
  });

  it('stops when a stored file no longer matches the checksum recorded at upload, leaving no archive', async () => {
    const files = path.join(sourceDir, 'files');
    const [damaged] = Object.keys(fileChecksums(files));
    const original = fs.readFileSync(path.join(files, damaged));
    fs.writeFileSync(path.join(files, damaged), Buffer.from(original).fill(0x20, 0, 4));
    try {
      const file = path.join(work, 'damaged-store.tar.gz');
      const error = await writeBackup({ databaseUrl: source.databaseUrl, storage: new DiskStore(files), target: { file }, say: () => {} }).catch((e: Error) => e);
      expect((error as Error).message).toBe(`文件 ${damaged} 的内容与上传时记录的校验和不符（存储中的文件已损坏），备份中止`);
      expect(fs.readdirSync(work).filter((name) => name.includes('damaged-store'))).toEqual([]);
    } finally {
      fs.writeFileSync(path.join(files, damaged), original);
    }
  });
});
