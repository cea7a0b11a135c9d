import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities/index.js';
import { badInput } from '../../errors.js';
import { authorize, isAnyAdmin } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { unitById } from '../accounts/access.js';
import { isUuid } from '../ids.js';
import { decodeCursor, emptyPage, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';

export interface DirectoryFilter {
  unitId?: string | null;
  includeSubunits?: boolean | null;
  /** Matches real name, login name, title or unit name. */
  query?: string | null;
}

/** LIKE needs its wildcards escaped; the value still travels as a parameter. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface UserRow {
  id: string;
  real_name: string;
}

/**
 * Keyset-paginated people search, sorted by real name in pinyin order (ICU collation
 * created by the migration), then id. Statuses other than active are for admins only.
 */
async function pageOfUsers(
  em: EntityManager,
  where: string[],
  params: unknown[],
  args: PageArgs,
): Promise<Page<User>> {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  if (cursor && !isUuid(cursor[1])) throw badInput('分页游标无效', 'after');
  const conditions = [...where];
  const values = [...params];
  if (cursor) {
    conditions.push(`(u.real_name collate "pinyin", u.id) > (? collate "pinyin", ?::uuid)`);
    values.push(String(cursor[0]), String(cursor[1]));
  }
  const sqlWhere = conditions.length ? `where ${conditions.join(' and ')}` : '';
  const rows = await em.execute<UserRow[]>(
    `select u.id, u.real_name from app_user u join org_unit o on o.id = u.unit_id ${sqlWhere}
      order by u.real_name collate "pinyin", u.id limit ?`,
    [...values, size + 1],
  );
  const totalCount = async () => {
    const [{ count }] = await em.execute<Array<{ count: string }>>(
      `select count(*) from app_user u join org_unit o on o.id = u.unit_id ${where.length ? `where ${where.join(' and ')}` : ''}`,
      params,
    );
    return Number(count);
  };
  const users = await em.find(User, { id: rows.map((r) => r.id) }, { populate: ['unit'] });
  const byId = new Map(users.map((u) => [u.id, u]));
  const page = toPage(rows, size, (r) => [r.real_name, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!), totalCount };
}

export async function searchDirectory(ctx: DomainContext, filter: DirectoryFilter, args: PageArgs): Promise<Page<User>> {
  requireActor(ctx);
  const where = [`u.status = 'active'`];
  const params: unknown[] = [];
  if (filter.unitId) {
    const unit = await unitById(ctx.em, filter.unitId);
    authorize(ctx.actor, 'listMembers', unit);
    if (filter.includeSubunits) {
      where.push(`starts_with(o.path, ?)`);
      params.push(unit.path);
    } else {
      where.push(`u.unit_id = ?`);
      params.push(unit.id);
    }
  }
  const query = (filter.query ?? '').trim();
  if (query) {
    if ([...query].length > 50) throw badInput('搜索内容不能超过 50 个字', 'query');
    where.push(`(u.real_name ilike ? or u.login_name ilike ? or u.title ilike ? or o.name ilike ?)`);
    const pattern = likePattern(query);
    params.push(pattern, pattern, pattern, pattern);
  }
  return pageOfUsers(ctx.em, where, params, args);
}

/** Registrations waiting for the actor: pending accounts in the units they administer. */
export async function pendingRegistrations(ctx: DomainContext, args: PageArgs): Promise<Page<User>> {
  const actor = requireActor(ctx);
  if (!isAnyAdmin(actor)) return emptyPage();
  const where = [`u.status = 'pending'`];
  const params: unknown[] = [];
  if (!actor.isSystemAdmin) {
    where.push(`(${actor.adminUnitPaths.map(() => 'starts_with(o.path, ?)').join(' or ')})`);
    params.push(...actor.adminUnitPaths);
  }
  return pageOfUsers(ctx.em, where, params, args);
}
