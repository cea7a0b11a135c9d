import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AdminRun {
  code: number | null;
  stdout: string;
  /** Standard output as bytes (an archive written to `-`). */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface AdminRunOptions {
  /** Only PATH, HOME and `env` (nothing of the test's own configuration); otherwise `env` on top of the test's environment. */
  isolated?: boolean;
  /** Written to the command's standard input. */
  input?: string;
}

/** `npm run admin -- <args>` as the operator runs it: a real process in the checkout. */
export function runAdmin(args: string[], env: Record<string, string | undefined> = {}, options: AdminRunOptions = {}): Promise<AdminRun> {
  return new Promise((resolve, reject) => {
    const base = options.isolated ? { PATH: process.env.PATH, HOME: process.env.HOME } : { ...process.env, LOG_LEVEL: 'warn', ADMIN_PASSWORD: undefined };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/admin/main.ts', ...args], {
      cwd: root,
      env: { ...base, ...env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
