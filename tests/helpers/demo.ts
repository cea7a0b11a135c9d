import type { MikroORM } from '@mikro-orm/postgresql';

/** Looks up ids of demo rows straight from the database (tests only). */
export async function userId(orm: MikroORM, loginName: string): Promise<string> {
  const [row] = await orm.em.fork().getConnection().execute<Array<{ id: string }>>(`select id from app_user where login_name = ?`, [loginName]);
  if (!row) throw new Error(`no demo user ${loginName}`);
  return row.id;
}

export async function unitId(orm: MikroORM, name: string): Promise<string> {
  const [row] = await orm.em.fork().getConnection().execute<Array<{ id: string }>>(`select id from org_unit where name = ?`, [name]);
  if (!row) throw new Error(`no demo unit ${name}`);
  return row.id;
}

export async function sql<T = Record<string, any>>(orm: MikroORM, query: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().getConnection().execute<T[]>(query, params);
}

export async function count(orm: MikroORM, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await sql<{ n: string }>(orm, `select count(*) as n from ${table} where ${where}`, params);
  return Number(row.n);
}
