import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runAdmin as runAdminProcess } from '../../helpers/adminProcess.js';


/** Runs `npm run admin -- …` with only the environment the test names (nothing of its own configuration leaks in). */
export const runAdmin = (args: string[], env: Record<string, string | undefined>) => runAdminProcess(args, env, { isolated: true });

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Every table of the public schema with its row count (the migrator's table included). */
export function tableCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const { rows: tables } = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by tablename`);
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = Number((await client.query<{ n: string }>(`select count(*) as n from "${name}"`)).rows[0].n);
    return counts;
  });
}

/** Rows of a query, for checks on a database the test has no ORM for. */
export function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  return withClient(url, async (client) => (await client.query<R>(text, values)).rows);
}

/** SHA-256 of every file under a folder (a disk store's files), by path relative to it; temp files aside. */
export function fileChecksums(dir: string): Record<string, string> {
  const sums: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.tmp') walk(full);
      } else sums[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return sums;
}

/** A new, empty database on the tests' PostgreSQL (no template: no tables, no rows); its URL. */
export async function emptyDatabase(adminUrl: string): Promise<string> {
  const name = `jiaoliu_restore_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
