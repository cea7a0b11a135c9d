import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../server/db/embedded.js';

/** Debian's PostgreSQL 15 (package postgresql-15), whose service .ci/run leaves stopped. */
const BIN = '/usr/lib/postgresql/15/bin';

export interface Postgres15 {
  /**
   * A database owned by a new role that is NOT a superuser (as a hosted PostgreSQL hands out);
   * returns its URL as that role.
   */
  createOwnedDatabase: (name: string, role: string) => Promise<string>;
  stop: () => Promise<void>;
}

/** uid/gid of "postgres" when running as root (PostgreSQL refuses to run as root). */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A throwaway PostgreSQL 15 cluster, as an external database would be: initdb in a temp folder,
 * the postmaster on a free loopback port, stopped and removed by stop().
 */
export async function startPostgres15(): Promise<Postgres15> {
  const ids = postgresIds();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-pg15-'));
  fs.chmodSync(home, 0o755);
  const dataDir = path.join(home, 'data');
  const password = 'pg15-test';
  const pwfile = path.join(home, 'pw');
  fs.writeFileSync(pwfile, `${password}\n`);
  if (ids) fs.chownSync(home, ids.uid, ids.gid);
  if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
  execFileSync(`${BIN}/initdb`, ['-D', dataDir, '-U', 'jiaoliu', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8'], { ...(ids ?? {}), stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C' } });
  const port = await freePort();
  const child = spawn(`${BIN}/postgres`, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'], { ...(ids ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes('ready to accept connections')) resolve();
    });
    exited.then(() => reject(new Error(`PostgreSQL 15 did not start:\n${log}`)));
  });
  const url = (database: string) => `postgresql://jiaoliu:${password}@127.0.0.1:${port}/${database}`;
  const asSuperuser = async (statements: string[]) => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    createOwnedDatabase: async (name, role) => {
      await asSuperuser([`create role "${role}" login nosuperuser nocreatedb nocreaterole password '${password}'`, `create database "${name}" owner "${role}"`]);
      return `postgresql://${role}:${password}@127.0.0.1:${port}/${name}`;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
