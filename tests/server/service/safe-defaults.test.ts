import { afterAll, describe, expect, inject, it } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../../../server/db/orm.js';
import { dropDatabase } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { PEOPLE } from '../../../seeds/demo.js';
import { startServerProcess } from '../../helpers/serverProcess.js';

/** Issue 14, safe production defaults: no database made by a typo, no demo accounts in production. */

const name = `jiaoliu_typo_${Date.now().toString(36)}`;
const url = new URL(inject('adminDatabaseUrl'));
url.pathname = `/${name}`;

async function databaseExists(): Promise<boolean> {
  const admin = await MikroORM.init({ ...ormOptions(inject('adminDatabaseUrl')), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  try {
    return (await sql(admin, `select 1 from pg_database where datname = ?`, [name])).length > 0;
  } finally {
    await admin.close(true);
  }
}

/** The server's output when it refuses to start (startServerProcess throws with what it printed). */
async function refusal(env: Record<string, string | undefined>): Promise<string> {
  const started = await startServerProcess({ env, readyTimeoutMs: 60_000 }).then(
    async (server) => {
      await server.stop();
      return null;
    },
    (error: Error) => error.message,
  );
  expect(started, 'the server should have refused to start').not.toBeNull();
  return started!;
}

afterAll(async () => {
  await dropDatabase(url.toString()).catch(() => {});
});

describe('safe defaults', () => {
  it('refuses a DATABASE_URL whose database does not exist, saying so, and creates nothing', async () => {
    const output = await refusal({ DATABASE_URL: url.toString() });
    expect(output).toContain(`数据库 ${url.host}/${name} 不存在`);
    expect(output).toContain('DATABASE_CREATE=true');
    expect(await databaseExists()).toBe(false);
  });

  it('creates it when asked with DATABASE_CREATE=true', async () => {
    const server = await startServerProcess({ env: { DATABASE_URL: url.toString(), DATABASE_CREATE: 'true' } });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await databaseExists()).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses to load the demo data in production, whatever DEMO_DATA says', async () => {
    const output = await refusal({ NODE_ENV: 'production', DEMO_DATA: 'true', DATABASE_URL: url.toString() });
    expect(output).toContain('生产环境（NODE_ENV=production）不能载入演示数据');
  });

  it('refuses a production start while a demo account can still sign in with the published password', async () => {
    const demo = await startServerProcess({ env: { DATABASE_URL: url.toString(), DEMO_DATA: 'true' }, readyTimeoutMs: 90_000 });
    expect(await demo.stop()).toBe(0);
    const output = await refusal({ NODE_ENV: 'production', DATABASE_URL: url.toString() });
    expect(output).toMatch(/以下账号仍在使用公开的演示密码，生产环境拒绝启动：[^"]*lijinsong[^"]*zhaomin/);
    // Once those accounts cannot sign in (disabled here), production starts.
    const admin = await MikroORM.init(ormOptions(url.toString()));
    try {
      await sql(admin, `update app_user set status = 'disabled' where login_name in (?)`, [PEOPLE.map((p) => p.login)]);
    } finally {
      await admin.close(true);
    }
    const production = await startServerProcess({ env: { NODE_ENV: 'production', DATABASE_URL: url.toString() } });
    try {
      expect((await fetch(`${production.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await production.stop()).toBe(0);
    }
  }, 120_000);
});
