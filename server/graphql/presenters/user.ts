import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities/index.js';
import { maskPhone } from '../../modules/accounts/validation.js';
import { can, type MaybeActor } from '../../policies/index.js';
import type { GraphQLContext } from '../context.js';

/**
 * Field resolvers of the GraphQL User type; the parent is a User entity the viewer may read
 * (every path to a User goes through userForActor or a query that filters the same way).
 */
const actorOf = (ctx: GraphQLContext): MaybeActor => ctx.domain.actor;
const isPrivateVisible = (user: User, ctx: GraphQLContext) => can(actorOf(ctx), 'readPrivate', user);

/** Loads unit and admin units of a batch of users in two queries. */
async function withRelations(em: EntityManager, users: User[]): Promise<User[]> {
  await em.populate(users, ['unit', 'adminUnits']);
  return users;
}

export const userResolvers = {
  status: (user: User, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.status.toUpperCase() : null),
  statusReason: (user: User, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.statusReason : null),
  applicationNote: (user: User, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.applicationNote : null),
  reviewedAt: (user: User, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.reviewedAt : null),
  phone: (user: User, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.phone : maskPhone(user.phone)),
  unit: (user: User) => user.unit.getEntity(),
};

/** Batched (mercurius loaders): one query for the whole list instead of one per user. */
export const userLoaders = {
  reviewedBy: async (queries: Array<{ obj: User }>, ctx: GraphQLContext) => {
    const ids = [...new Set(queries.map((q) => (isPrivateVisible(q.obj, ctx) ? q.obj.reviewedBy?.id : undefined)).filter((id): id is string => !!id))];
    const reviewers = ids.length ? await ctx.domain.em.find(User, { id: ids }, { populate: ['unit'] }) : [];
    const byId = new Map(reviewers.map((r) => [r.id, r]));
    return queries.map((q) => {
      const reviewer = isPrivateVisible(q.obj, ctx) && q.obj.reviewedBy ? byId.get(q.obj.reviewedBy.id) : undefined;
      return reviewer && can(actorOf(ctx), 'read', reviewer) ? reviewer : null;
    });
  },
  adminUnits: async (queries: Array<{ obj: User }>, ctx: GraphQLContext) => {
    const users = await withRelations(ctx.domain.em, queries.map((q) => q.obj));
    return users.map((u) => u.adminUnits.getItems());
  },
  viewerCan: async (queries: Array<{ obj: User }>, ctx: GraphQLContext) => {
    const users = await withRelations(ctx.domain.em, queries.map((q) => q.obj));
    const actor = actorOf(ctx);
    return users.map((user) => ({
      review: user.status === 'pending' && can(actor, 'review', user),
      updateProfile: can(actor, 'updateProfile', user),
      updateIdentity: can(actor, 'updateIdentity', user),
      manageStatus: (user.status === 'active' || user.status === 'disabled') && can(actor, 'manageStatus', user),
      manageRoles: user.status === 'active' && can(actor, 'manageRoles', user),
    }));
  },
};
