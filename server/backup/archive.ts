import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { BackupError, MANIFEST_NAME, parseManifest, type ArchiveEntry, type Manifest } from './manifest.js';

/**
 * The archive is a gzip-compressed tar, written and read as streams: no entry, and never the
 * whole database, is held in memory (a table part is at most one chunk).
 */

/** An archive being written to a stream. */
export interface ArchiveWriter {
  /** Adds an entry of known size from a stream; resolves with its size and SHA-256 once written. */
  add(path: string, size: number, body: AsyncIterable<Buffer>): Promise<ArchiveEntry>;
  /** Writes the last entry and waits until every byte is on disk. */
  finish(last: { path: string; body: Buffer }): Promise<void>;
  /** Stops writing (after a failure); the caller removes the file. */
  abort(): Promise<void>;
}

/** `end: false` leaves the output open when done (standard output). */
export function createArchive(out: Writable, options: { end: boolean }): ArchiveWriter {
  const pack = tar.pack();
  const written = pipeline(pack, zlib.createGzip({ level: 6 }), out, { end: options.end });
  // Surfaced by finish(); a failed add() rejects on its own.
  written.catch(() => {});
  const mtime = new Date();

  return {
    async add(path, size, body) {
      const hash = createHash('sha256');
      let seen = 0;
      const done = new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name: path, size, mode: 0o600, mtime }, (error) => (error ? reject(error) : resolve()));
        (async () => {
          for await (const chunk of body) {
            hash.update(chunk);
            seen += chunk.length;
            if (seen > size) throw new BackupError(`${path} 比预期的 ${size} 字节长`);
            if (!entry.write(chunk)) await once(entry, 'drain');
          }
          if (seen !== size) throw new BackupError(`${path} 只有 ${seen} 字节，预期 ${size} 字节`);
          entry.end(null);
        })().catch((error: Error) => {
          entry.destroy(error);
          reject(error);
        });
      });
      await done;
      return { path, size, sha256: hash.digest('hex') };
    },
    async finish(last) {
      await new Promise<void>((resolve, reject) => pack.entry({ name: last.path, size: last.body.length, mode: 0o600, mtime }, last.body, (error) => (error ? reject(error) : resolve())));
      pack.finalize();
      await written;
    },
    async abort() {
      pack.destroy();
      await written.catch(() => {});
    },
  };
}

/** One entry while the archive is read: its path and size, and its bytes (consume them or not). */
export interface ReadEntry {
  path: string;
  size: number;
  body: Readable;
}

/** What a damaged archive's stream errors mean to an operator. */
function damaged(error: Error): BackupError {
  if (error instanceof BackupError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new BackupError(`找不到备份文件：${(error as NodeJS.ErrnoException).path ?? ''}`);
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(error.message)) return new BackupError('备份文件不完整（在中途截断），无法恢复');
  if (code === 'Z_DATA_ERROR' || /header|checksum|invalid tar/i.test(error.message)) return new BackupError(`备份文件已损坏，无法恢复（${error.message}）`);
  return new BackupError(`无法读取备份文件：${error.message}`);
}

/**
 * Reads the archive's entries in order, calling `onEntry` for each; an entry not consumed by it
 * is skipped. Stream errors (a truncated or corrupt file) become a BackupError saying so.
 */
export async function readArchive(file: string, onEntry: (entry: ReadEntry) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(fs.createReadStream(file), zlib.createGunzip(), extract);
  let feedError: Error | null = null;
  feeding.catch((error: Error) => (feedError = error));
  let handlerError: { error: unknown } | null = null;
  try {
    for await (const entry of extract) {
      const { name, size, type } = entry.header;
      if (type !== 'file') throw new BackupError(`备份文件含有意外的条目 ${name}`);
      // A Node stream for the stores (minio and fs want one); tar-stream's entries are streamx streams.
      await onEntry({ path: name, size: size ?? 0, body: Readable.from(entry, { objectMode: false }) }).catch(async (error: unknown) => {
        // Did the file break first (then that is the news)? Its reader reports within a turn.
        await new Promise(setImmediate);
        if (!feedError) handlerError = { error };
        throw error;
      });
      entry.resume();
    }
    await feeding;
  } catch (error) {
    extract.destroy();
    await feeding.catch(() => {});
    // A failure of the caller's own (the file store, a table's rows) is reported as itself, not
    // as the "premature close" that stopping the reader causes.
    const own = handlerError as { error: unknown } | null;
    if (own) throw own.error;
    throw damaged(feedError ?? (error as Error));
  }
}

/** Hashes a stream to its end. */
export async function digest(body: AsyncIterable<Buffer>): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Largest manifest read (a million files' entries fit many times over). */
const MANIFEST_LIMIT = 512 * 1024 * 1024;

/**
 * Reads the whole archive once without writing anything: every entry's size and SHA-256 must
 * match the manifest (the last entry), in order. A truncated, corrupted or foreign file is
 * refused here, before a restore touches the installation.
 */
export async function verifyArchive(file: string): Promise<Manifest> {
  const seen: ArchiveEntry[] = [];
  let manifestText: string | null = null;
  await readArchive(file, async (entry) => {
    if (manifestText !== null) throw new BackupError(`备份文件已损坏：清单之后还有条目 ${entry.path}`);
    if (entry.path === MANIFEST_NAME) {
      if (entry.size > MANIFEST_LIMIT) throw new BackupError('备份文件的清单过大');
      const parts: Buffer[] = [];
      for await (const chunk of entry.body) parts.push(chunk as Buffer);
      manifestText = Buffer.concat(parts).toString('utf8');
      return;
    }
    seen.push({ path: entry.path, ...(await digest(entry.body)) });
  });
  if (manifestText === null) throw new BackupError('备份文件不完整：缺少清单 manifest.json（文件可能在中途截断）');
  const manifest = parseManifest(manifestText);
  const expected = manifest.entries;
  for (let i = 0; i < Math.max(seen.length, expected.length); i++) {
    const [got, want] = [seen[i], expected[i]];
    if (!got) throw new BackupError(`备份文件不完整：缺少 ${want.path}`);
    if (!want || got.path !== want.path) throw new BackupError(`备份文件已损坏：条目 ${got.path} 不在清单中的位置`);
    if (got.size !== want.size || got.sha256 !== want.sha256) throw new BackupError(`备份文件已损坏：${got.path} 的大小或校验和与清单不符`);
  }
  return manifest;
}
