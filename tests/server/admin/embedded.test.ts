import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../../../server/db/embedded.js';
import { runAdmin } from '../../helpers/adminProcess.js';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.js';

/**
 * `npm run admin` on the default installation (embedded PostgreSQL, no DATABASE_URL): while the
 * server runs it uses the server's postmaster (a second one cannot open the folder); with no
 * server it starts PostgreSQL for the command and stops it after.
 */
const dataRoot = path.dirname(tempDataDir('jiaoliu-admin-'));
const env = { JIAOLIU_DATA_DIR: dataRoot, DATABASE_URL: undefined, DEMO_DATA: 'false', SHUTDOWN_DRAIN_MS: '0' };
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server && server.child.exitCode === null) await server.stop('SIGINT');
  fs.rmSync(dataRoot, { recursive: true, force: true });
});

describe('administration commands on the embedded PostgreSQL', () => {
  it('work while the server runs, on its database, and start PostgreSQL themselves when it does not', async () => {
    server = await startServerProcess({ env, readyPath: '/readyz', readyTimeoutMs: 90_000 });
    const pidFile = path.join(dataRoot, 'postgres', 'postmaster.pid');
    const serverPostmaster = fs.readFileSync(pidFile, 'utf8').split('\n')[0];

    const whileRunning = await runAdmin(['migrate'], env);
    expect(whileRunning.stderr).not.toContain('启动嵌入式 PostgreSQL');
    expect(whileRunning.stdout).toMatch(/数据库结构已是最新：共 \d+ 项迁移/);
    expect(whileRunning.code).toBe(0);
    // The server's postmaster is untouched and the server still answers.
    expect(fs.readFileSync(pidFile, 'utf8').split('\n')[0]).toBe(serverPostmaster);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    expect(await server.stop('SIGINT')).toBe(0);
    const alone = await runAdmin(['migrate'], env);
    expect(alone.stderr).toContain('启动嵌入式 PostgreSQL');
    expect(alone.code).toBe(0);
    expect(fs.existsSync(pidFile)).toBe(false); // stopped again after the command

    const unknown = await runAdmin(['no-such-command'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('未知命令 no-such-command');
  }, 240_000);
});
