import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities/index.js';
import { migrationsList } from './migrations/index.js';

export function ormOptions(databaseUrl: string, debug = false): Options {
  return {
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    // Resolvers fork their own EntityManager; the global one must never be used by accident.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug,
    pool: { min: 0, max: 10 },
  };
}

export async function openOrm(databaseUrl: string): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl));
}

/** Key of the advisory lock held while one instance migrates or loads start-up data ("jiao" in ASCII). */
const STARTUP_LOCK = 0x6a69616f;

/**
 * Runs `work` while holding a PostgreSQL advisory lock, on a connection of its own (the ORM's
 * pool may hand each statement a different one). Instances starting together on one database
 * take turns: the first migrates, the others then find nothing left to do. The lock goes with
 * the connection, so a process that dies holding it does not block the others.
 */
export async function withStartupLock<T>(orm: MikroORM, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [STARTUP_LOCK]);
    }
  } finally {
    await client.end();
  }
}

export async function migrate(orm: MikroORM): Promise<void> {
  await withStartupLock(orm, () => orm.getMigrator().up());
}
