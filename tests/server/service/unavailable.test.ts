import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../server/db/embedded.js';
import { ormOptions } from '../../../server/db/orm.js';
import { isDatabaseUnavailable } from '../../../server/db/unavailable.js';

/** The classifier against errors real drivers raise, not hand-made objects. */
const errorOf = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('isDatabaseUnavailable', () => {
  it('knows a refused connection, through pg and through the ORM', async () => {
    const url = `postgresql://nobody:secret@127.0.0.1:${await freePort()}/none`;
    const client = new pg.Client({ connectionString: url });
    expect(isDatabaseUnavailable(await errorOf(() => client.connect()))).toBe(true);
    const orm = await MikroORM.init({ ...ormOptions(url), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true, connect: false });
    try {
      expect(isDatabaseUnavailable(await errorOf(() => orm.em.getConnection().execute('select 1')))).toBe(true);
    } finally {
      await orm.close(true);
    }
  });

  it('knows a connection ended by the server (57P01 admin_shutdown, then "not queryable")', async () => {
    const victim = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    victim.on('error', () => {});
    await victim.connect();
    const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid;
    const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    try {
      const terminated = errorOf(() => victim.query('select pg_sleep(5)'));
      await new Promise((r) => setTimeout(r, 100));
      await admin.query('select pg_terminate_backend($1)', [pid]);
      const error = (await terminated) as { code?: string };
      expect(error.code).toBe('57P01');
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(isDatabaseUnavailable(await errorOf(() => victim.query('select 1')))).toBe(true);
    } finally {
      await admin.end();
      await victim.end().catch(() => {});
    }
  });

  it('knows a pool that cannot hand out a connection in time (knex acquire timeout)', async () => {
    const options = ormOptions(inject('adminDatabaseUrl'));
    const orm = await MikroORM.init({
      ...options,
      entities: [],
      discovery: { warnWhenNoEntities: false },
      allowGlobalContext: true,
      pool: { min: 0, max: 1 },
      driverOptions: { ...(options.driverOptions as object), acquireConnectionTimeout: 200 },
    });
    try {
      let release!: () => void;
      const held = orm.em.fork().transactional(() => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((r) => setTimeout(r, 50));
      const error = await errorOf(() => orm.em.getConnection().execute('select 1'));
      expect(String((error as Error).message)).toMatch(/Timeout acquiring a connection/);
      expect(isDatabaseUnavailable(error)).toBe(true);
      release();
      await held;
    } finally {
      await orm.close(true);
    }
  });

  it('does not take a bad statement or a constraint violation for an outage', async () => {
    const orm = await MikroORM.init({ ...ormOptions(inject('adminDatabaseUrl')), entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
    try {
      const connection = orm.em.getConnection();
      expect(isDatabaseUnavailable(await errorOf(() => connection.execute('select * from no_such_table')))).toBe(false);
      expect(isDatabaseUnavailable(await errorOf(() => connection.execute('select 1/0')))).toBe(false);
      expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    } finally {
      await orm.close(true);
    }
  });
});
