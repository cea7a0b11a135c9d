import type { EntityManager } from '@mikro-orm/postgresql';
import { joinSql, rows, sql, sqlText, type Statement } from '../../db/statement.js';

/** The org tree's SQL: the people directory's keyset pages and counts, and the units' member counts. */

/** Which people a directory list shows. */
export interface PeopleFilter {
  status: 'active' | 'pending';
  /** In this unit only. */
  unitId?: string;
  /** In the unit of this path or below it. */
  subtreeOf?: string;
  /** An ilike pattern on real name, login name, title or unit name. */
  pattern?: string;
  /** With `pattern`: letters also found in the pinyin of real name or title (content/pinyin.ts). */
  pinyin?: string;
  /** In any of the units of these paths or below them. */
  withinPaths?: string[];
}

function peopleWhere(filter: PeopleFilter): Statement {
  const conditions: Statement[] = [filter.status === 'active' ? sqlText(`u.status = 'active'`) : sqlText(`u.status = 'pending'`)];
  if (filter.subtreeOf !== undefined) conditions.push(sql`starts_with(o.path, ${filter.subtreeOf})`);
  if (filter.unitId !== undefined) conditions.push(sql`u.unit_id = ${filter.unitId}`);
  const p = filter.pattern;
  const py = filter.pinyin === undefined ? sqlText('') : sql` or u.name_pinyin like ${`%${filter.pinyin}%`}`;
  if (p !== undefined) conditions.push(sql`(u.real_name ilike ${p} or u.login_name ilike ${p} or u.title ilike ${p} or o.name ilike ${p}${py})`);
  if (filter.withinPaths) conditions.push(sql`(${joinSql(filter.withinPaths.map((path) => sql`starts_with(o.path, ${path})`), ' or ')})`);
  return joinSql(conditions, ' and ');
}

/** A page of people by real name in pinyin order (ICU collation made by the migration), then id, after the keyset (name, id). */
export function peoplePageRows(em: EntityManager, filter: PeopleFilter, after: [string, string] | null, limit: number): Promise<Array<{ id: string; real_name: string }>> {
  const keyset = after ? sql` and (u.real_name collate "pinyin", u.id) > (${after[0]} collate "pinyin", ${after[1]}::uuid)` : sqlText('');
  return rows<{ id: string; real_name: string }>(
    em,
    sql`select u.id, u.real_name from app_user u join org_unit o on o.id = u.unit_id where ${peopleWhere(filter)}${keyset}
      order by u.real_name collate "pinyin", u.id limit ${limit}`,
  );
}

export async function countPeople(em: EntityManager, filter: PeopleFilter): Promise<number> {
  const [{ count }] = await rows<{ count: string }>(em, sql`select count(*) from app_user u join org_unit o on o.id = u.unit_id where ${peopleWhere(filter)}`);
  return Number(count);
}

/** Every unit's id and path. */
export function unitPaths(em: EntityManager): Promise<Array<{ id: string; path: string }>> {
  return rows<{ id: string; path: string }>(em, sql`select id, path from org_unit`);
}

/** Active officials per unit (directly in it). */
export function activeCountsByUnit(em: EntityManager): Promise<Array<{ unit_id: string; n: string }>> {
  return rows<{ unit_id: string; n: string }>(em, sql`select unit_id, count(*) as n from app_user where status = 'active' group by unit_id`);
}

/** One organisation import at a time (until the transaction ends): each plans over the other's result. */
export async function lockOrganisationImport(em: EntityManager): Promise<void> {
  await rows(em, sql`select pg_advisory_xact_lock(hashtext('jiaoliu-org-import'))`);
}

/** The highest unit sort order, so that imported units list after the existing ones. */
export async function maxUnitSortOrder(em: EntityManager): Promise<number> {
  const [row] = await rows<{ max: number | null }>(em, sql`select max(sort_order) as max from org_unit`);
  return Number(row?.max ?? 0);
}
