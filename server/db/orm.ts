import { MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities/index.js';
import { migrationsList } from './migrations/index.js';

/** Where the ORM's and the driver's own messages go (pino in main.ts); unset keeps their console output. */
export interface OrmLog {
  debug: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

export function ormOptions(databaseUrl: string, debug = false, log?: OrmLog): Options {
  // Connections: a connect attempt to an unreachable host fails after 5 s (pg waits forever by
  // default), and TCP keep-alive finds connections a vanished server left half-open. Connections
  // the server closed (restart, crash, admin shutdown) are dropped by knex's pool itself: the pg
  // dialect marks them on 'error'/'end' and the pool's validation refuses them on the next acquire.
  const connection = { connectionTimeoutMillis: 5000, keepAlive: true };
  const routed: Partial<Options> = log
    ? {
        // The migrator's progress and the ORM's notices become log records, without colour codes.
        colors: false,
        logger: (message: string) => log.debug({ component: 'orm' }, message),
        // knex warns when the pool drops a connection the server cut ("Connection Error: …").
        driverOptions: {
          connection,
          log: {
            warn: (message: unknown) => log.warn({ component: 'knex' }, String(message)),
            error: (message: unknown) => log.error({ component: 'knex' }, String(message)),
            deprecate: (message: unknown) => log.debug({ component: 'knex' }, String(message)),
            debug: (message: unknown) => log.debug({ component: 'knex' }, String(message)),
          },
        },
      }
    : { driverOptions: { connection } };
  return {
    ...routed,
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false },
    // Resolvers fork their own EntityManager; the global one must never be used by accident.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug,
    pool: { min: 0, max: 10 },
    // Never create a database by accident (a mistyped name); openOrm creates one only when asked.
    ensureDatabase: false,
  };
}

/**
 * Opens the ORM on an existing database. A database that does not exist (a mistyped name in
 * DATABASE_URL) is an error that says so, unless `createDatabase` (DATABASE_CREATE=true) asks for it.
 */
export async function openOrm(databaseUrl: string, log?: OrmLog, options: { createDatabase?: boolean } = {}): Promise<MikroORM> {
  const orm = await MikroORM.init({ ...ormOptions(databaseUrl, false, log), ensureDatabase: !!options.createDatabase });
  // The ORM connects lazily: ask now, so that a missing database is named as such.
  const check = await orm.checkConnection();
  if (!check.ok && (check.error as { code?: string } | undefined)?.code === '3D000') {
    await orm.close(true);
    throw Object.assign(new Error(`数据库 ${databaseAddress(databaseUrl)} 不存在。请检查 DATABASE_URL 中的数据库名；确需新建时设置 DATABASE_CREATE=true`), { code: 'DATABASE_MISSING' });
  }
  return orm;
}

/** Key of the advisory lock held while one instance migrates or loads start-up data ("jiao" in ASCII). */
const STARTUP_LOCK = 0x6a69616f;

/** How long start-up waits for its lock connection before it gives up. */
const STARTUP_CONNECT_TIMEOUT_MS = 10_000;

/** host:port/database of a connection URL, without user or password (for messages). */
function databaseAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return '(DATABASE_URL)';
  }
}

/**
 * Runs `work` while holding a PostgreSQL advisory lock, on a connection of its own (the ORM's
 * pool may hand each statement a different one). Instances starting together on one database
 * take turns: the first migrates, the others then find nothing left to do. The lock goes with
 * the connection, so a process that dies holding it does not block the others.
 */
export async function withStartupLock<T>(orm: MikroORM, work: () => Promise<T>, options: { connectTimeoutMs?: number } = {}): Promise<T> {
  const connectTimeoutMs = options.connectTimeoutMs ?? STARTUP_CONNECT_TIMEOUT_MS;
  const clientUrl = orm.config.get('clientUrl')!;
  // pg waits forever for an address that never answers: a start must fail, and say where.
  const client = new pg.Client({ connectionString: clientUrl, connectionTimeoutMillis: connectTimeoutMs });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`无法连接数据库 ${databaseAddress(clientUrl)}（${connectTimeoutMs / 1000} 秒内未连上）：${(error as Error).message}`, { cause: error });
  }
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

/** Applies pending migrations under the start-up lock; returns their names. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  return withStartupLock(orm, async () => (await orm.getMigrator().up()).map((migration) => migration.name));
}
