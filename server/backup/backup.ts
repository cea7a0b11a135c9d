import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { ObjectStore } from '../storage/objectStore.js';
import { ROOT } from '../paths.js';
import { createArchive, type ArchiveWriter } from './archive.js';
import { BACKUP_FORMAT, BackupError, fileEntryName, FORMAT_VERSION, MANIFEST_NAME, tableEntryName, type ArchiveEntry, type Manifest, type ManifestTable } from './manifest.js';
import * as store from './store.js';

export interface BackupOptions {
  databaseUrl: string;
  storage: ObjectStore;
  /**
   * Where the archive goes: a file (never an existing one), or a stream such as standard output
   * (piped straight into an encryption tool, so no plaintext copy lands on disk).
   */
  target: { file: string } | { stream: Writable };
  /** Progress lines for the operator. */
  say: (line: string) => void;
  /** Largest table part in the archive (and so in memory); tests make it small. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export function jiaoliuVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Cuts a stream into buffers of exactly `size` bytes (the last one shorter), keeping byte order. */
async function* chunks(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    parts.push(chunk);
    length += chunk.length;
    while (length >= size) {
      const joined = Buffer.concat(parts, length);
      yield joined.subarray(0, size);
      parts = [joined.subarray(size)];
      length -= size;
    }
  }
  if (length > 0) yield Buffer.concat(parts, length);
}

async function* single(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer;
}

/** Copies every table inside the snapshot, part by part; returns the tables with their row counts. */
async function copyTables(db: store.Db, archive: ArchiveWriter, entries: ArchiveEntry[], chunkBytes: number, say: (line: string) => void): Promise<ManifestTable[]> {
  const tables: ManifestTable[] = [];
  for (const table of await store.applicationTables(db)) {
    const rows = store.copyOut(db, table);
    let part = 0;
    for await (const buffer of chunks(rows, chunkBytes)) entries.push(await archive.add(tableEntryName(table.name, ++part), buffer.length, single(buffer)));
    tables.push({ ...table, rows: rows.rowCount });
    say(`表 ${table.name}：${rows.rowCount} 行`);
  }
  return tables;
}

/** Copies the stored files the snapshot refers to, each checked against the checksum recorded at upload. */
async function copyFiles(objects: store.StoredObjectRow[], storage: ObjectStore, archive: ArchiveWriter, entries: ArchiveEntry[], say: (line: string) => void): Promise<void> {
  let done = 0;
  for (const object of objects) {
    const body = await storage.get(object.storage_key).catch((error: Error) => {
      throw new BackupError(`文件 ${object.storage_key} 无法从${storage.kind === 's3' ? ' S3 ' : '文件目录'}读取（${error.message}）：存储与数据库不一致，备份中止`);
    });
    const entry = await archive.add(fileEntryName(object.storage_key), Number(object.size), body);
    if (entry.sha256 !== object.sha256) throw new BackupError(`文件 ${object.storage_key} 的内容与上传时记录的校验和不符（存储中的文件已损坏），备份中止`);
    entries.push(entry);
    done++;
    if (done % 100 === 0 || done === objects.length) say(`文件：${done}/${objects.length}`);
  }
}

/**
 * Writes one consistent archive of the database and its stored files. Every table is read
 * inside one REPEATABLE READ READ ONLY transaction, so the rows agree with each other while the
 * server keeps running; the files listed by that snapshot's stored_object rows follow (a file is
 * written before its row and never changed). A file target is written beside it under a
 * temporary name and renamed when complete: the file is either a whole backup or absent.
 */
export async function writeBackup(options: BackupOptions): Promise<Manifest> {
  const { target, say } = options;
  const file = 'file' in target ? target.file : null;
  if (file && fs.existsSync(file)) throw new BackupError(`文件 ${file} 已存在：备份不会覆盖已有文件，请换一个文件名`);
  const partial = file && path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`);
  const db = await store.connect(options.databaseUrl);
  let archive: ArchiveWriter | null = null;
  try {
    // The moment the rows are from: the snapshot is taken by the first statement after it.
    const createdAt = new Date().toISOString();
    await store.beginSnapshot(db);
    const migrations = await store.appliedMigrations(db);
    if (migrations.length === 0) throw new BackupError('数据库尚未初始化（没有执行过任何迁移），没有可备份的内容');
    const postgresVersion = await store.serverVersion(db);
    const sequences = await store.sequenceValues(db);
    const objects = await store.storedObjects(db);
    // Mode 0600: the archive holds personal data.
    archive = partial ? createArchive(fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }), { end: true }) : createArchive((target as { stream: Writable }).stream, { end: false });
    const entries: ArchiveEntry[] = [];
    say(`备份数据库（PostgreSQL ${postgresVersion}，${migrations.length} 项迁移）…`);
    const tables = await copyTables(db, archive, entries, options.chunkBytes ?? DEFAULT_CHUNK_BYTES, say);
    // The snapshot is no longer needed: do not hold it open (and back vacuum off) while files copy.
    await store.commit(db);
    say(`备份文件（${objects.length} 个，${storageName(options.storage)}）…`);
    await copyFiles(objects, options.storage, archive, entries, say);
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      formatVersion: FORMAT_VERSION,
      jiaoliuVersion: jiaoliuVersion(),
      createdAt,
      postgresVersion,
      migrations,
      tables,
      sequences,
      entries,
    };
    await archive.finish({ path: MANIFEST_NAME, body: Buffer.from(JSON.stringify(manifest, null, 2)) });
    if (file && partial) {
      const handle = await fs.promises.open(partial, 'r');
      await handle.sync().finally(() => handle.close());
      fs.renameSync(partial, file);
    }
    return manifest;
  } catch (error) {
    await archive?.abort();
    if (partial) fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await db.end().catch(() => {});
  }
}

export const storageName = (storage: ObjectStore) => (storage.kind === 's3' ? 'S3' : '磁盘');
