import { OrgUnit } from '../../db/entities/index.js';
import type { UnitView } from '../../modules/accounts/people.js';
import { memberCounts, pathIds } from '../../modules/org/units.js';
import { abilities, UNIT_ABILITIES } from '../../policies/index.js';
import type { GraphQLContext } from '../context.js';

/** The parent is an OrgUnit entity or a unit view (modules/accounts/people.ts): the fields read alike. */
type Unit = OrgUnit | UnitView;

export const orgUnitResolvers = {
  level: (unit: Unit) => unit.level.toUpperCase(),
  viewerCan: (unit: Unit, _: unknown, ctx: GraphQLContext) => abilities(ctx.domain.actor, unit, UNIT_ABILITIES),
};

export const orgUnitLoaders = {
  parent: async (queries: Array<{ obj: Unit }>, ctx: GraphQLContext) => {
    const ids = queries.map((q) => q.obj.parent?.id).filter((id): id is string => !!id);
    const parents = ids.length ? await ctx.domain.em.find(OrgUnit, { id: ids }) : [];
    const byId = new Map(parents.map((u) => [u.id, u]));
    return queries.map((q) => (q.obj.parent ? byId.get(q.obj.parent.id) ?? null : null));
  },
  ancestors: async (queries: Array<{ obj: Unit }>, ctx: GraphQLContext) => {
    const idsOf = (unit: Unit) => pathIds(unit).slice(0, -1);
    const all = [...new Set(queries.flatMap((q) => idsOf(q.obj)))];
    const units = all.length ? await ctx.domain.em.find(OrgUnit, { id: all }) : [];
    const byId = new Map(units.map((u) => [u.id, u]));
    return queries.map((q) => idsOf(q.obj).map((id) => byId.get(id)!).filter(Boolean));
  },
  children: async (queries: Array<{ obj: Unit }>, ctx: GraphQLContext) => {
    const ids = queries.map((q) => q.obj.id);
    const children = await ctx.domain.em.find(OrgUnit, { parent: { $in: ids } }, { orderBy: { sortOrder: 'asc', name: 'asc' } });
    return queries.map((q) => children.filter((c) => c.parent?.id === q.obj.id));
  },
  memberCount: async (queries: Array<{ obj: Unit }>, ctx: GraphQLContext) => {
    if (!ctx.domain.actor) return queries.map(() => null);
    const counts = await countsForRequest(ctx);
    return queries.map((q) => counts.get(q.obj.id)?.direct ?? 0);
  },
  subtreeMemberCount: async (queries: Array<{ obj: Unit }>, ctx: GraphQLContext) => {
    if (!ctx.domain.actor) return queries.map(() => null);
    const counts = await countsForRequest(ctx);
    return queries.map((q) => counts.get(q.obj.id)?.subtree ?? 0);
  },
};

/** Both count fields share one computation per request. */
const requestCounts = new WeakMap<object, ReturnType<typeof memberCounts>>();
function countsForRequest(ctx: GraphQLContext): ReturnType<typeof memberCounts> {
  let counts = requestCounts.get(ctx.domain);
  if (!counts) requestCounts.set(ctx.domain, (counts = memberCounts(ctx.domain.em)));
  return counts;
}
