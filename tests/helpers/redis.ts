import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/db/embedded.js';
import { waitForPort } from './ports.js';

/** A real Debian redis-server on a free loopback port, without persistence, in a temp folder. */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills it (SIGKILL when `crash`), keeping the port so `start` brings it back at the same URL. */
  stop: (crash?: boolean) => Promise<void>;
  start: () => Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers (a black-holed Redis). */
  pause: () => void;
  /** SIGCONT after `pause`. */
  resume: () => void;
  /** Stops it for good and removes its folder. */
  close: () => Promise<void>;
}

export const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';

export async function startRedis(): Promise<TestRedis> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: apt-get install -y redis-server (.ci/run does)`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    await waitForPort(port, 10_000, 'redis-server');
  };
  const stop = async (crash = false) => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(crash ? 'SIGKILL' : 'SIGTERM');
      running.kill('SIGCONT'); // a paused server acts on SIGTERM only once it runs again
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
