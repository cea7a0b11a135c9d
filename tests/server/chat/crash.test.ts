import { spawn, type ChildProcess } from 'node:child_process';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/db/embedded.js';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase, freshDatabase } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn } from '../../helpers/graphql.js';

let databaseUrl: string;
let child: ChildProcess | undefined;

/** The real server (`server/main.ts`) as its own process, so it can be killed with SIGKILL. */
async function startServerProcess(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false', LOG_LEVEL: 'fatal' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 30_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('已启动')) {
        clearTimeout(timer);
        resolve();
      }
    });
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr.slice(-500)}`)));
  });
  return proc;
}

beforeAll(async () => {
  databaseUrl = await freshDatabase();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await dropDatabase(databaseUrl);
});

describe('crash safety', () => {
  it('keeps every acknowledged message when the server is killed with SIGKILL', async () => {
    const port = await freePort();
    child = await startServerProcess(port);
    const url = `http://127.0.0.1:${port}`;
    const li = await signedIn(url, 'lijinsong');
    const { myGroups } = await li.request(`{ myGroups { name conversation { id } } }`);
    const conversation = myGroups.find((g: any) => g.name === '政务服务工作交流').conversation.id;
    const acknowledged: string[] = [];
    // Fire a burst, kill the server in the middle of it; whatever was answered must be stored.
    const sends = Array.from({ length: 60 }, (_, i) =>
      li
        .request(`mutation($c: ID!, $k: String!) { sendMessage(conversationId: $c, body: "崩溃前的消息", clientMessageId: $k) { id } }`, { c: conversation, k: `crash-test-${i.toString().padStart(4, '0')}` })
        .then((r) => acknowledged.push(r.sendMessage.id))
        .catch(() => {}),
    );
    for (let waited = 0; acknowledged.length < 3 && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await Promise.all(sends);
    const orm = await MikroORM.init(ormOptions(databaseUrl));
    try {
      const stored = await sql<{ id: string }>(orm, `select id from message where client_message_id like 'crash-test-%'`);
      const ids = new Set(stored.map((r) => r.id));
      expect(acknowledged.every((id) => ids.has(id))).toBe(true);
      expect(acknowledged.length).toBeGreaterThan(0);
      // Seqs stay gapless even across the crash.
      const seqs = await sql<{ seq: number }>(orm, `select seq from message where conversation_id = ? order by seq`, [conversation]);
      expect(seqs.map((r) => r.seq)).toEqual(seqs.map((_, i) => i + 1));
    } finally {
      await orm.close(true);
    }
  });
});
