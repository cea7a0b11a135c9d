import pg from 'pg';
import { from as copyFrom, to as copyTo, type CopyStreamQuery, type CopyToStreamQuery } from 'pg-copy-streams';
import { sql, sqlText, type Statement } from '../db/statement.js';

/**
 * The SQL of backup and restore. They work on the whole database, not one module's tables, on a
 * connection of their own (COPY needs the driver's client, and the backup's snapshot must hold
 * for every statement). Tables, columns, constraints and sequences come from the catalog of the
 * connection's current schema; identifiers are quoted by the driver, values are parameters.
 */

export type Db = pg.Client;

/** Where the migrator records what it applied; restored by migrating, never copied. */
const MIGRATIONS_TABLE = 'mikro_orm_migrations';

export async function connect(url: string): Promise<Db> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  // Text COPY travels in the client encoding: UTF-8 on both sides, whatever the server's default.
  await run(client, sql`set client_encoding = 'UTF8'`);
  return client;
}

async function run<R>(db: Db, statement: Statement): Promise<R[]> {
  return (await db.query(statement.numbered, [...statement.values])).rows as R[];
}

const id = (name: string) => sqlText(pg.escapeIdentifier(name));

/** A consistent, read-only view of the whole database for every statement that follows, until commit. */
export async function beginSnapshot(db: Db): Promise<void> {
  await run(db, sql`begin isolation level repeatable read read only`);
}

export async function begin(db: Db): Promise<void> {
  await run(db, sql`begin`);
}

/** Key of the advisory lock a restore holds for its transaction ("rest" in ASCII). */
const RESTORE_LOCK = 0x72657374;

/** Two restores into one database take turns: the second then finds the first's rows and refuses. */
export async function lockForRestore(db: Db): Promise<void> {
  await run(db, sql`select pg_advisory_xact_lock(${RESTORE_LOCK})`);
}

export async function commit(db: Db): Promise<void> {
  await run(db, sql`commit`);
}

export async function rollback(db: Db): Promise<void> {
  await run(db, sql`rollback`);
}

export async function serverVersion(db: Db): Promise<string> {
  const [row] = await run<{ server_version: string }>(db, sql`show server_version`);
  return row.server_version;
}

/** The migrations recorded as applied (empty when the migrator never ran here), in order. */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const [table] = await run<{ exists: boolean }>(db, sql`select to_regclass(${MIGRATIONS_TABLE}) is not null as exists`);
  if (!table.exists) return [];
  return (await run<{ name: string }>(db, sql`select name from ${id(MIGRATIONS_TABLE)} order by id`)).map((row) => row.name);
}

export interface TableShape {
  name: string;
  /** Stored columns in table order (generated columns are computed again on load). */
  columns: string[];
}

/** The application's tables in the current schema (the migrator's own aside), by name. */
export async function applicationTables(db: Db): Promise<TableShape[]> {
  const found = await run<{ name: string; columns: string[] }>(
    db,
    sql`select c.relname as name,
               array_agg(a.attname::text order by a.attnum) filter (where a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns
          from pg_class c
          join pg_attribute a on a.attrelid = c.oid
         where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and c.relname <> ${MIGRATIONS_TABLE}
         group by c.relname
         order by c.relname`,
  );
  return found.map((row) => ({ name: row.name, columns: row.columns ?? [] }));
}

/** Whether the table holds any row (an installation to restore into must hold none). */
export async function hasRows(db: Db, table: string): Promise<boolean> {
  const [row] = await run<{ found: boolean }>(db, sql`select exists (select 1 from ${id(table)}) as found`);
  return row.found;
}

export interface SequenceValue {
  name: string;
  /** The last value handed out; null when none has been yet. */
  lastValue: string | null;
}

/** Every sequence of the schema (bigserial and identity columns' too) with its current value. */
export async function sequenceValues(db: Db): Promise<SequenceValue[]> {
  return run<SequenceValue>(db, sql`select sequencename as "name", last_value::text as "lastValue" from pg_sequences where schemaname = current_schema() order by sequencename`);
}

/** Sets a sequence so that the next value follows `lastValue` (or starts afresh when null). */
export async function setSequence(db: Db, sequence: SequenceValue): Promise<void> {
  const [known] = await run<{ exists: boolean }>(db, sql`select to_regclass(${pg.escapeIdentifier(sequence.name)}) is not null as exists`);
  if (!known.exists) throw new Error(`序列 ${sequence.name} 不存在`);
  if (sequence.lastValue === null) await run(db, sql`select setval(${pg.escapeIdentifier(sequence.name)}::regclass, 1, false)`);
  else await run(db, sql`select setval(${pg.escapeIdentifier(sequence.name)}::regclass, ${sequence.lastValue}::bigint, true)`);
}

export interface StoredObjectRow {
  storage_key: string;
  sha256: string;
  size: string;
}

/**
 * The stored files the database refers to (documents' stored_object rows). Read inside the
 * snapshot, they are exactly the files the copied rows need; a file is written before its row
 * and never removed while one refers to it.
 */
export async function storedObjects(db: Db): Promise<StoredObjectRow[]> {
  return run<StoredObjectRow>(db, sql`select storage_key, sha256, size::text from stored_object order by storage_key`);
}

/** A table's rows as COPY text (the most portable format across server versions). */
export function copyOut(db: Db, table: TableShape): CopyToStreamQuery {
  const columns = table.columns.map((column) => pg.escapeIdentifier(column)).join(', ');
  return db.query(copyTo(`copy ${pg.escapeIdentifier(table.name)} (${columns}) to stdout`));
}

/** Loads COPY text into a table; `rowCount` holds the rows once the stream has finished. */
export function copyIn(db: Db, table: TableShape): CopyStreamQuery {
  const columns = table.columns.map((column) => pg.escapeIdentifier(column)).join(', ');
  return db.query(copyFrom(`copy ${pg.escapeIdentifier(table.name)} (${columns}) from stdin`));
}

export interface ForeignKey {
  table: string;
  name: string;
  definition: string;
}

/** The schema's foreign keys, as their own definitions (to drop them for the load and add them back). */
export async function foreignKeys(db: Db): Promise<ForeignKey[]> {
  return run<ForeignKey>(
    db,
    sql`select c.conrelid::regclass::text as "table", c.conname as "name", pg_get_constraintdef(c.oid) as "definition"
          from pg_constraint c
         where c.contype = 'f' and c.connamespace = current_schema()::regnamespace
         order by c.conrelid::regclass::text, c.conname`,
  );
}

export async function dropForeignKey(db: Db, key: ForeignKey): Promise<void> {
  await run(db, sql`alter table ${sqlText(key.table)} drop constraint ${id(key.name)}`);
}

/** Adds a foreign key back; PostgreSQL checks every loaded row against it in one pass. */
export async function addForeignKey(db: Db, key: ForeignKey): Promise<void> {
  await run(db, sql`alter table ${sqlText(key.table)} add constraint ${id(key.name)} ${sqlText(key.definition)}`);
}

/** Triggers the application defined (not the system's) would act on loaded rows as on new ones: off for the load. */
export async function setUserTriggers(db: Db, table: string, enabled: boolean): Promise<void> {
  await run(db, sql`alter table ${id(table)} ${sqlText(enabled ? 'enable' : 'disable')} trigger user`);
}
