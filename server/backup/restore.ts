import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { ObjectStore } from '../storage/objectStore.js';
import { digest, readArchive, verifyArchive } from './archive.js';
import { storageName } from './backup.js';
import { BackupError, fileEntryName, MANIFEST_NAME, type Manifest, type ManifestTable } from './manifest.js';
import * as store from './store.js';

export interface RestoreOptions {
  databaseUrl: string;
  storage: ObjectStore;
  file: string;
  /** The migrations this version knows, in order. */
  knownMigrations: string[];
  /** Applies the known migrations up to and including `last` (under the start-up lock). */
  migrateTo: (last: string) => Promise<void>;
  say: (line: string) => void;
}

export interface RestoreSummary {
  manifest: Manifest;
  tables: number;
  rows: number;
  files: number;
  bytes: number;
  /** Migrations this version has beyond the backup's: the next start (or `migrate`) applies them. */
  pendingMigrations: number;
}

/** The backup's schema must be one this version can build: its migrations a prefix of ours. */
function checkMigrations(manifest: Manifest, known: string[]): void {
  manifest.migrations.forEach((name, i) => {
    if (known[i] === name) return;
    if (!known.includes(name)) throw new BackupError(`这份备份来自较新的交流版本（${manifest.jiaoliuVersion}）：其中的迁移 ${name} 本版本不认识。请用不低于 ${manifest.jiaoliuVersion} 的版本恢复`);
    throw new BackupError(`这份备份的迁移顺序与本版本不符（第 ${i + 1} 项为 ${name}），无法恢复`);
  });
}

/**
 * Refuses anything but an empty installation: every table must be empty, and the migrations
 * already applied there must be the backup's first ones (a database migrated beyond the backup
 * has a schema its rows may not fit).
 */
async function checkEmpty(db: store.Db, manifest: Manifest): Promise<void> {
  const applied = await store.appliedMigrations(db);
  const beyond = applied.find((name, i) => manifest.migrations[i] !== name);
  if (beyond) throw new BackupError(`目标数据库已执行了备份中没有的迁移 ${beyond}（比备份新）。请恢复到新建的空数据库，或先用生成备份的版本（${manifest.jiaoliuVersion}）恢复再升级`);
  const filled: string[] = [];
  for (const table of await store.applicationTables(db)) if (await store.hasRows(db, table.name)) filled.push(table.name);
  if (filled.length) throw new BackupError(`目标数据库不是空的（${filled.slice(0, 5).join('、')}${filled.length > 5 ? ' 等' : ''} 表已有数据）。恢复只写入空的安装（新建的数据库和空的文件目录），不会覆盖现有数据；未做任何改动`);
}

/**
 * The file store must not hold anything of the backup's but identical copies: a key already
 * there with other content (a store in use, an operator restoring into a scratch database with
 * the production bucket's settings) refuses the restore before anything is written. Answers the
 * keys already there with the backup's very bytes: those are left as they are, neither written
 * nor ever removed (the restore did not create them).
 */
async function checkStore(storage: ObjectStore, manifest: Manifest, say: (line: string) => void): Promise<Set<string>> {
  const identical = new Set<string>();
  const clashing: string[] = [];
  for (const entry of manifest.entries) {
    if (!entry.path.startsWith(fileEntryName(''))) continue;
    const key = entry.path.slice(fileEntryName('').length);
    if (!(await storage.exists(key))) continue;
    const there = await digest(await storage.get(key));
    if (there.sha256 === entry.sha256 && there.size === entry.size) identical.add(key);
    else clashing.push(key);
  }
  if (clashing.length) {
    throw new BackupError(
      `文件存储（${storageName(storage)}）中已有 ${clashing.length} 个与备份同名但内容不同的文件（${clashing.slice(0, 3).join('、')}${clashing.length > 3 ? ' 等' : ''}）。` +
        '恢复只写入空的安装，不会覆盖或删除现有文件：请确认文件存储的设置（是否指向了正在使用的目录或存储桶？）；未做任何改动',
    );
  }
  if (identical.size) say(`文件存储中已有 ${identical.size} 个与备份相同的文件，保留不动`);
  return identical;
}

/** After migrating, the tables must be exactly the backup's, column for column. */
async function checkTables(db: store.Db, manifest: Manifest): Promise<void> {
  const here = new Map((await store.applicationTables(db)).map((t) => [t.name, t.columns.join(',')]));
  for (const table of manifest.tables) {
    if (here.get(table.name) !== table.columns.join(',')) throw new BackupError(`表 ${table.name} 的结构与备份不符，无法恢复（数据库是否被手工修改过？）`);
  }
  if (here.size !== manifest.tables.length) throw new BackupError('目标数据库的表与备份不符，无法恢复');
}

/** One table's COPY in progress, fed by its parts in archive order. */
interface Loading {
  table: ManifestTable;
  copy: ReturnType<typeof store.copyIn>;
}

async function endCopy(loading: Loading, say: (line: string) => void): Promise<number> {
  loading.copy.end();
  await finished(loading.copy);
  const { table, copy } = loading;
  if (copy.rowCount !== table.rows) throw new BackupError(`表 ${table.name} 载入 ${copy.rowCount} 行，与备份中的 ${table.rows} 行不符`);
  say(`表 ${table.name}：${copy.rowCount} 行`);
  return copy.rowCount;
}

/**
 * Restores an archive into an empty installation. The archive is verified whole first (nothing
 * is written when it is damaged); then the schema is migrated to exactly the backup's, and in
 * ONE transaction the foreign keys are dropped, every table is loaded with COPY, sequences are
 * set, and the keys are added back (PostgreSQL checks all rows then). The files go into the
 * configured store during that transaction, each read back and checked against its SHA-256;
 * any failure rolls the database back and removes the files this restore put (never a file that
 * was there before: `checkStore` refuses other content, and leaves identical copies alone).
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const { say } = options;
  say('检查备份文件…');
  const manifest = await verifyArchive(options.file);
  say(`备份：交流 ${manifest.jiaoliuVersion}，${manifest.createdAt}，PostgreSQL ${manifest.postgresVersion}，${manifest.migrations.length} 项迁移`);
  checkMigrations(manifest, options.knownMigrations);

  const db = await store.connect(options.databaseUrl);
  // The keys this restore created: a failure removes these and no others.
  const put: string[] = [];
  // The table being loaded (set inside the archive reader's callback).
  const state: { loading: Loading | null } = { loading: null };
  try {
    await checkEmpty(db, manifest);
    const alreadyThere = await checkStore(options.storage, manifest, say);
    const last = manifest.migrations.at(-1);
    if (last && (await store.appliedMigrations(db)).length < manifest.migrations.length) {
      say(`执行迁移至 ${last}…`);
      await options.migrateTo(last);
    }
    await store.begin(db);
    await store.lockForRestore(db);
    await checkEmpty(db, manifest);
    await checkTables(db, manifest);

    const keys = await store.foreignKeys(db);
    for (const key of keys) await store.dropForeignKey(db, key);
    for (const table of manifest.tables) await store.setUserTriggers(db, table.name, false);

    const tables = new Map(manifest.tables.map((t) => [t.name, t]));
    const files = new Map(manifest.entries.filter((e) => e.path.startsWith('files/')).map((e) => [e.path, e]));
    let rows = 0;
    let bytes = 0;
    let restoredFiles = 0;
    say(`载入数据库（${manifest.tables.length} 张表）…`);
    await readArchive(options.file, async (entry) => {
      const tablePart = /^tables\/([^/]+)\/\d+\.copy$/.exec(entry.path);
      if (tablePart) {
        const table = tables.get(tablePart[1]);
        if (!table) throw new BackupError(`备份文件含有清单之外的表 ${tablePart[1]}`);
        if (state.loading?.table !== table) {
          if (state.loading) rows += await endCopy(state.loading, say);
          state.loading = { table, copy: store.copyIn(db, table) };
        }
        const { copy } = state.loading;
        for await (const chunk of entry.body) if (!copy.write(chunk)) await once(copy, 'drain');
        return;
      }
      if (state.loading) {
        rows += await endCopy(state.loading, say);
        state.loading = null;
      }
      if (entry.path === MANIFEST_NAME) return;
      const expected = files.get(entry.path);
      if (!expected) throw new BackupError(`备份文件含有清单之外的条目 ${entry.path}`);
      const key = entry.path.slice(fileEntryName('').length);
      if (restoredFiles === 0) say(`恢复文件（${files.size} 个，${storageName(options.storage)}）…`);
      restoredFiles += 1;
      if (alreadyThere.has(key)) {
        bytes += expected.size;
      } else {
        // Recorded before writing: a key half-written when the restore fails is this restore's to remove.
        put.push(key);
        await options.storage.put(key, entry.body, entry.size);
        const back = await digest(await options.storage.get(key));
        if (back.sha256 !== expected.sha256 || back.size !== expected.size) throw new BackupError(`文件 ${key} 写入存储后读回的校验和不符，恢复中止`);
        bytes += back.size;
      }
      if (restoredFiles % 100 === 0 || restoredFiles === files.size) say(`文件：${restoredFiles}/${files.size}`);
    });
    if (state.loading) rows += await endCopy(state.loading, say);
    state.loading = null;

    for (const sequence of manifest.sequences) await store.setSequence(db, sequence);
    for (const table of manifest.tables) await store.setUserTriggers(db, table.name, true);
    say(`检查 ${keys.length} 个外键…`);
    for (const key of keys) await store.addForeignKey(db, key);
    await store.commit(db);
    return {
      manifest,
      tables: manifest.tables.length,
      rows,
      files: restoredFiles,
      bytes,
      pendingMigrations: options.knownMigrations.length - manifest.migrations.length,
    };
  } catch (error) {
    // A COPY still open is cancelled first (CopyFail), so that the connection can roll back.
    if (state.loading) await new Promise((resolve) => state.loading!.copy.destroy(new Error('restore aborted')).once('close', resolve));
    await store.rollback(db).catch(() => {});
    for (const key of put) await options.storage.remove(key).catch(() => {});
    throw error;
  } finally {
    await db.end().catch(() => {});
  }
}
