import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../server/db/embedded.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A real Jiaoliu server process (server/main.ts), as `npm start` or a production unit runs it. */
export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed (stdout and stderr), for assertions and for failing tests' messages. */
  output: () => string;
  /** Sends a signal and waits for the exit; returns the exit code (null when killed by a signal). */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
}

export interface ServerProcessOptions {
  /** Environment on top of the test's own (PORT and HOST are set here). */
  env?: Record<string, string | undefined>;
  /** The command; defaults to `node --import tsx server/main.ts` in the checkout. */
  command?: string[];
  /** The path polled until it answers 200. */
  readyPath?: string;
  readyTimeoutMs?: number;
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const [command, ...args] = options.command ?? [process.execPath, '--import', 'tsx', 'server/main.ts'];
  let output = '';
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', DEMO_DATA: 'false', SCHEDULER_POLL_MS: '500', ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode) throw new Error(`server exited before it was ready:\n${output}`);
    const ok = await fetch(url + (options.readyPath ?? '/healthz')).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within the time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && !child.signalCode) child.kill(signal);
      return exited;
    },
  };
}
