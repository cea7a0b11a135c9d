import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive, tempDataDir } from '../../../server/db/embedded.js';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.js';

/**
 * `npm start` with the embedded PostgreSQL (no DATABASE_URL) after the server was killed with
 * SIGKILL: the postmaster ends with its parent, and one left running anyway (where the kernel
 * cannot tie it to its parent) is found at the next start and stopped, and the start succeeds;
 * one whose server still runs is not an orphan: a second start on its folder is refused.
 */
const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'orphanPostgres.ts');
const dataRoot = path.dirname(tempDataDir('jiaoliu-orphan-'));
const postgresDir = path.join(dataRoot, 'postgres');
const started: ServerProcess[] = [];
const postmasters: number[] = [];

const env = { JIAOLIU_DATA_DIR: dataRoot, DATABASE_URL: undefined, DEMO_DATA: 'false', SHUTDOWN_DRAIN_MS: '0' };

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess({ env, readyPath: '/readyz', readyTimeoutMs: 90_000 });
  started.push(server);
  return server;
}

function postmasterPid(): number {
  const pid = Number(fs.readFileSync(path.join(postgresDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  postmasters.push(pid);
  return pid;
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

const records = (server: ServerProcess) =>
  server
    .output()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

afterAll(async () => {
  for (const server of started) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  for (const pid of postmasters) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  fs.rmSync(dataRoot, { recursive: true, force: true });
});

describe('embedded PostgreSQL after a killed server', () => {
  it('ends with a server killed by SIGKILL; the next start succeeds', async () => {
    const first = await start();
    const pid = postmasterPid();
    expect(processAlive(pid)).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await gone(pid, 10_000)).toBe(true);

    const second = await start();
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(fs.existsSync(path.join(postgresDir, 'postmaster.pid'))).toBe(false);
  }, 180_000);

  it('stops an orphaned postmaster holding the data folder, then starts', async () => {
    // A server killed where nothing ties PostgreSQL to it: the postmaster lives on.
    const owner = spawn(process.execPath, ['--import', 'tsx', fixture, postgresDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const orphan = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
      owner.stdout!.once('data', (chunk) => resolve(JSON.parse(String(chunk))));
      owner.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    postmasters.push(orphan.pid);
    owner.kill('SIGKILL');
    await new Promise((r) => owner.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));
    expect(processAlive(orphan.pid)).toBe(true);
    expect(postmasterPid()).toBe(orphan.pid);

    const server = await start();
    expect(processAlive(orphan.pid)).toBe(false);
    expect(postmasterPid()).not.toBe(orphan.pid);
    const note = records(server).find((r) => r.orphanPid !== undefined);
    expect(note).toMatchObject({ component: 'lifecycle', orphanPid: orphan.pid, orphanPort: orphan.port });
    expect(note!.msg).toContain('遗留的嵌入式 PostgreSQL');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 180_000);

  it('refuses a second start on a data folder whose server still runs, and leaves that server serving', async () => {
    const first = await start();
    const pid = postmasterPid();

    const error = (await start().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`另一个交流实例正在使用数据目录 ${postgresDir}（进程 ${first.child.pid}）`);

    // The first server's database was not touched: same postmaster, and it still answers.
    expect(processAlive(pid)).toBe(true);
    expect(postmasterPid()).toBe(pid);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const answer = await fetch(`${first.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { id } }' }) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ data: { viewer: null } });
    expect(await first.stop('SIGTERM')).toBe(0);
  }, 180_000);
});
