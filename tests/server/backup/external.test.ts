import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import tar from 'tar-stream';
import zlib from 'node:zlib';
import { writeBackup } from '../../../server/backup/backup.js';
import { DiskStore } from '../../../server/storage/diskStore.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { startPostgres15, type Postgres15 } from '../../helpers/postgres15.js';
import { emptyDatabase, query, runAdmin, tableCounts } from './helpers.js';

/**
 * Issue 14: an external PostgreSQL, and across server versions. The tests' PostgreSQL (the
 * embedded 18) is backed up and restored into Debian's PostgreSQL 15, as the database's owner
 * without superuser rights, which is then backed up in turn and restored into an empty database
 * on 18: the same rows arrive at the end.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-backup-pg15-'));
let pg15: Postgres15;
let source: string;
const databases: string[] = [];

beforeAll(async () => {
  [pg15, source] = await Promise.all([startPostgres15(), freshDatabase()]);
  databases.push(source);
});

afterAll(async () => {
  await pg15?.stop();
  for (const url of databases) await dropDatabase(url).catch(() => {});
  fs.rmSync(work, { recursive: true, force: true });
});

/** The manifest of an archive (its last entry). */
async function manifestOf(file: string): Promise<{ postgresVersion: string; entries: Array<{ path: string }> }> {
  const extract = tar.extract();
  fs.createReadStream(file).pipe(zlib.createGunzip()).pipe(extract as unknown as NodeJS.WritableStream);
  let text = '';
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const chunk of entry) parts.push(chunk as Buffer);
    if (entry.header.name === 'manifest.json') text = Buffer.concat(parts).toString('utf8');
  }
  return JSON.parse(text);
}

it('restores a PostgreSQL 18 backup into an external PostgreSQL 15, and a PostgreSQL 15 backup back into 18', async () => {
  const counts = await tableCounts(source);
  const files = path.join(work, 'files');

  const from18 = path.join(work, 'from18.tar.gz');
  const backup = await runAdmin(['backup', from18], { DATABASE_URL: source, JIAOLIU_DATA_DIR: work });
  expect(backup.code, backup.stderr).toBe(0);
  expect(backup.stderr).toMatch(/PostgreSQL 18\./);

  // As the database's owner, not a superuser: what an external PostgreSQL usually grants.
  const on15 = await pg15.createOwnedDatabase('jiaoliu', 'jiaoliu_owner');
  expect((await query<{ rolsuper: boolean }>(on15, `select rolsuper from pg_roles where rolname = current_user`))[0].rolsuper).toBe(false);
  const restore = await runAdmin(['restore', from18], { DATABASE_URL: on15, JIAOLIU_DATA_DIR: path.join(work, 'on15') });
  expect(restore.code, restore.stderr).toBe(0);
  expect((await query<{ v: string }>(on15, `select current_setting('server_version') as v`))[0].v).toMatch(/^15\./);
  expect(await tableCounts(on15)).toEqual(counts);

  // Back up the 15 installation (in process, with 1 KiB parts, so that tables span many
  // entries and rows cross the entries' boundaries), then restore it on 18 as a real process.
  const from15 = path.join(work, 'from15.tar.gz');
  await writeBackup({ databaseUrl: on15, storage: new DiskStore(files), target: { file: from15 }, say: () => {}, chunkBytes: 1024 });
  const manifest = await manifestOf(from15);
  expect(manifest.postgresVersion).toMatch(/^15\./);
  const parts = manifest.entries.map((e) => e.path.split('/')).filter(([kind]) => kind === 'tables');
  expect(parts.filter(([, table]) => table === 'message').length).toBeGreaterThan(1);

  const back = await emptyDatabase(inject('adminDatabaseUrl'));
  databases.push(back);
  const again = await runAdmin(['restore', from15], { DATABASE_URL: back, JIAOLIU_DATA_DIR: path.join(work, 'back') });
  expect(again.code, again.stderr).toBe(0);
  expect(await tableCounts(back)).toEqual(counts);
  const messages = `select id, conversation_id, seq, body, created_at from message order by id`;
  expect(await query(back, messages)).toEqual(await query(source, messages));
}, 120_000);
