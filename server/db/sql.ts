import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName } from '@mikro-orm/core';
import pg from 'pg';
import type { Statement } from './statement.js';

/**
 * Raw SQL for the chat hot path (send, access check, session lookup), on a connection of the
 * ORM's own pool (search's generic plans: pools of their own, see `queryWithGenericPlan`), without
 * the ORM and knex layers in between.
 *
 * - `query`: one statement as a named prepared statement with bind parameters ($1, $2…):
 *   PostgreSQL parses and plans it once per connection, and values are never spliced into text.
 * - `script`: several statements in ONE round trip (simple query protocol). PostgreSQL runs
 *   them as one implicit transaction: all commit or none do, and under READ COMMITTED each
 *   statement still takes a fresh snapshot, so a row lock taken by the first statement orders
 *   what the later ones read. The simple protocol cannot bind parameters, so values are
 *   inlined by the ORM platform's own quoting (the same as every `em.execute` call does).
 *
 * Neither may run inside an ORM transaction (they would take another connection).
 */

type PgClient = pg.Client;
interface KnexClientLike {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
}

function clientOf(em: EntityManager): KnexClientLike {
  if (em.getTransactionContext()) throw new Error('raw hot-path SQL must not run inside an ORM transaction');
  return em.getConnection().getKnex().client as unknown as KnexClientLike;
}

async function withConnection<T>(em: EntityManager, work: (connection: PgClient) => Promise<T>): Promise<T> {
  const client = clientOf(em);
  const connection = await client.acquireConnection();
  try {
    return await work(connection);
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * One statement with numbered parameters. With a `name` it is prepared once per connection (pg
 * keeps it for the connection's life, so the name must be unique per text and the set of names
 * bounded); without, it is planned for its values each time.
 */
export async function query<R>(em: EntityManager, name: string | undefined, statement: Statement): Promise<R[]> {
  const [text, values] = [statement.numbered, [...statement.values]];
  return withConnection(em, async (connection) => (await connection.query(name ? { name, text, values } : { text, values })).rows as R[]);
}

/**
 * One prepared statement run with its generic plan (planned once per connection, not per call),
 * for a statement whose plan the text already decides and whose planning is a large share of its
 * cost (search), under further planner `settings` (name → value). A plan is made once per
 * connection and name, so a statement's settings must be the same on every call.
 *
 * These statements run on small pools of their own, one per set of settings, whose connections
 * carry the settings from their start: the ORM's connections never see them, and a call costs no
 * round trips to set and reset them (four of a search's seven, when they were set per call). The
 * pools end with the ORM's connection.
 */
export async function queryWithGenericPlan<R>(em: EntityManager, name: string, statement: Statement, settings: Record<string, string> = {}): Promise<R[]> {
  const [text, values] = [statement.numbered, [...statement.values]];
  clientOf(em); // the same rule as the ORM pool's statements: never from inside a transaction
  const pool = settingsPool(em, { plan_cache_mode: 'force_generic_plan', ...settings });
  return (await pool.query<R & pg.QueryResultRow>({ name, text, values })).rows;
}

const SETTINGS_POOL_SIZE = 8;
const settingsPools = new WeakMap<object, Map<string, pg.Pool>>();
function settingsPool(em: EntityManager, settings: Record<string, string>): pg.Pool {
  const connection = em.getConnection();
  let pools = settingsPools.get(connection);
  if (!pools) {
    settingsPools.set(connection, (pools = new Map()));
    const close = connection.close.bind(connection);
    connection.close = async (force?: boolean) => {
      const ending = [...pools!.values()].map((pool) => pool.end().catch(() => {}));
      pools!.clear();
      await Promise.all(ending);
      return close(force);
    };
  }
  const options = Object.entries(settings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([setting, value]) => {
      if (!/^[a-z_]+$/.test(setting) || !/^[a-z0-9_]+$/.test(value)) throw new Error(`unexpected planner setting ${setting}=${value}`);
      return `-c ${setting}=${value}`;
    })
    .join(' ');
  let pool = pools.get(options);
  if (!pool) {
    // The ORM's own URL, so that its TLS and other connection parameters apply here too.
    pool = new pg.Pool({ connectionString: em.config.get('clientUrl'), options, max: SETTINGS_POOL_SIZE, idleTimeoutMillis: 30_000, allowExitOnIdle: true, connectionTimeoutMillis: 5000, keepAlive: true });
    // An idle connection's error (the server went away): pg.Pool drops that connection and opens
    // a new one for the next query, so the pool recovers when PostgreSQL is back.
    pool.on('error', () => {});
    pools.set(options, pool);
  }
  return pool;
}

/** Several statements (`?` placeholders, inlined) in one round trip; the rows of each statement, in order. */
export async function script(em: EntityManager, statements: Statement[]): Promise<unknown[][]> {
  const platform = em.getPlatform();
  const text = statements.map((s) => platform.formatQuery(s.text, [...s.values])).join(';\n');
  return withConnection(em, async (connection) => {
    const result = (await connection.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(result) ? result.map((r) => r.rows) : [result.rows];
  });
}

/** PostgreSQL's unique_violation, from `query` or `script` (which the ORM's exception converter does not see). */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

/**
 * Selects the columns an ORM load of `entity` reads (scalars and owning to-one keys, no lazy
 * ones) under `alias`, renamed `<alias>__<column>` so that several entities fit in one row;
 * `pick` takes them back out of a row, ready for `em.map` (which makes managed entities of them).
 */
export interface EntityColumns {
  sql: string;
  pick: (row: Record<string, unknown>) => Record<string, unknown> | null;
}
const columnsCache = new Map<string, EntityColumns>();
export function entityColumns(em: EntityManager, entity: EntityName<object>, alias: string): EntityColumns {
  const meta = em.getMetadata().find(entity)!;
  const cacheKey = `${meta.className}:${alias}`;
  const cached = columnsCache.get(cacheKey);
  if (cached) return cached;
  const fields = meta.props
    .filter((p) => !p.lazy && p.persist !== false && (p.kind === 'scalar' || p.kind === 'm:1' || (p.kind === '1:1' && p.owner)))
    .flatMap((p) => p.fieldNames ?? []);
  const key = (field: string) => `${alias}__${field}`;
  const primary = key(meta.primaryKeys.length ? (meta.properties as Record<string, { fieldNames: string[] }>)[meta.primaryKeys[0] as string].fieldNames[0] : fields[0]);
  const columns: EntityColumns = {
    sql: fields.map((f) => `${alias}.${f} as ${key(f)}`).join(', '),
    pick: (row) => {
      if (row[primary] === null || row[primary] === undefined) return null;
      const out: Record<string, unknown> = {};
      for (const f of fields) out[f] = row[key(f)];
      return out;
    },
  };
  columnsCache.set(cacheKey, columns);
  return columns;
}

/**
 * A managed entity from a row picked by `entityColumns`, hydrated the way `em.find` hydrates its
 * results (the entity factory, merged into the identity map), without `em.map`'s extra work:
 * property validation and a cascading merge through the entity's relations. For read paths that
 * map many rows.
 */
export function hydrate<T extends object>(em: EntityManager, entity: EntityName<T>, picked: Record<string, unknown>): T {
  const meta = em.getMetadata().find(entity)!;
  const data = em.getDriver().mapResult(picked as never, meta as never) as Record<string, unknown>;
  return em.getEntityFactory().create(meta.className, data as never, { merge: true, refresh: true, convertCustomTypes: true }) as T;
}

/**
 * A plain, unmanaged view of an entity from a row picked by `entityColumns`: its properties by
 * name, each to-one relation as `{ id }` (what a reference answers for `.id`). For presenters
 * whose fields read only columns; about a tenth of `hydrate`'s cost.
 */
export function plainView<T extends object>(em: EntityManager, entity: EntityName<T>, picked: Record<string, unknown>): T {
  const meta = em.getMetadata().find(entity)!;
  const data = em.getDriver().mapResult(picked as never, meta as never) as Record<string, unknown>;
  for (const prop of meta.relations) {
    const value = data[prop.name];
    if (typeof value === 'string') data[prop.name] = { id: value };
  }
  pickedRows.set(data, picked);
  return data as T;
}
const pickedRows = new WeakMap<object, Record<string, unknown>>();

/**
 * The managed entity behind a value that is either one already or a `plainView` (hydrated from
 * the row the view was made of, no query): for presenters that hand a plain view on to fields
 * that may need a real entity.
 */
export function managed<T extends object>(em: EntityManager, entity: EntityName<T>, value: T): T {
  const picked = pickedRows.get(value);
  return picked ? hydrate(em, entity, picked) : value;
}
