import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities/index.js';
import { badInput } from '../../errors.js';
import { authorize, isAnyAdmin } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { unitById } from '../accounts/access.js';
import { isUuid } from '../ids.js';
import { queryPinyin } from '../content/pinyin.js';
import { decodeCursor, emptyPage, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { countPeople, peoplePageRows, type PeopleFilter } from './store.js';

export interface DirectoryFilter {
  unitId?: string | null;
  includeSubunits?: boolean | null;
  /** Matches real name, login name, title or unit name, and in letters the pinyin of name or title. */
  query?: string | null;
}

/** LIKE needs its wildcards escaped; the value still travels as a parameter. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Keyset-paginated people search, sorted by real name in pinyin order (ICU collation
 * created by the migration), then id. Statuses other than active are for admins only.
 */
async function pageOfUsers(em: EntityManager, filter: PeopleFilter, args: PageArgs): Promise<Page<User>> {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  if (cursor && !isUuid(cursor[1])) throw badInput('分页游标无效', 'after');
  const rows = await peoplePageRows(em, filter, cursor ? [String(cursor[0]), String(cursor[1])] : null, size + 1);
  const totalCount = () => countPeople(em, filter);
  const users = await em.find(User, { id: rows.map((r) => r.id) }, { populate: ['unit'] });
  const byId = new Map(users.map((u) => [u.id, u]));
  const page = toPage(rows, size, (r) => [r.real_name, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!), totalCount };
}

export async function searchDirectory(ctx: DomainContext, filter: DirectoryFilter, args: PageArgs): Promise<Page<User>> {
  requireActor(ctx);
  const people: PeopleFilter = { status: 'active' };
  if (filter.unitId) {
    const unit = await unitById(ctx.em, filter.unitId);
    authorize(ctx.actor, 'listMembers', unit);
    if (filter.includeSubunits) people.subtreeOf = unit.path;
    else people.unitId = unit.id;
  }
  const query = (filter.query ?? '').trim();
  if (query) {
    if ([...query].length > 50) throw badInput('搜索内容不能超过 50 个字', 'query');
    people.pattern = likePattern(query);
    people.pinyin = queryPinyin(query) ?? undefined;
  }
  return pageOfUsers(ctx.em, people, args);
}

/** Registrations waiting for the actor: pending accounts in the units they administer. */
export async function pendingRegistrations(ctx: DomainContext, args: PageArgs): Promise<Page<User>> {
  const actor = requireActor(ctx);
  if (!isAnyAdmin(actor)) return emptyPage();
  return pageOfUsers(ctx.em, actor.isSystemAdmin ? { status: 'pending' } : { status: 'pending', withinPaths: actor.adminUnitPaths }, args);
}
