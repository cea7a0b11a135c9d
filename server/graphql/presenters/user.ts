import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities/index.js';
import { adminUnitsOf, PersonView } from '../../modules/accounts/people.js';
import { maskPhone } from '../../modules/core/validation.js';
import { directoryFields } from '../../modules/accounts/directoryAccounts.js';
import { directoryDnsByUser } from '../../modules/accounts/store.js';
import { can, userAbilities, type MaybeActor } from '../../policies/index.js';
import type { GraphQLContext } from '../context.js';

/**
 * Field resolvers of the GraphQL User type; the parent is a User entity or a person view (the same
 * person as read with the content that names them, modules/accounts/people.ts) the viewer may read
 * (every path to a User goes through userForActor or a query that filters the same way).
 */
type Person = User | PersonView;
const actorOf = (ctx: GraphQLContext): MaybeActor => ctx.domain.actor;
const isPrivateVisible = (user: Person, ctx: GraphQLContext) => can(actorOf(ctx), 'readPrivate', user);

/**
 * User entities of a batch of people with unit and admin units loaded, in order: entities are
 * populated (two queries), person views are loaded as entities (the rules beyond reading need them).
 */
async function withRelations(em: EntityManager, people: Person[]): Promise<User[]> {
  const viewIds = people.filter((p) => p instanceof PersonView).map((p) => p.id);
  const loaded = viewIds.length ? new Map((await em.find(User, { id: viewIds })).map((u) => [u.id, u])) : new Map<string, User>();
  const users = people.map((p) => (p instanceof PersonView ? loaded.get(p.id)! : p));
  await em.populate(users, ['unit', 'adminUnits']);
  return users;
}

export const userResolvers = {
  status: (user: Person, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.status.toUpperCase() : null),
  statusReason: (user: Person, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.statusReason : null),
  applicationNote: (user: Person, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.applicationNote : null),
  reviewedAt: (user: Person, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.reviewedAt : null),
  phone: (user: Person, _: unknown, ctx: GraphQLContext) => (isPrivateVisible(user, ctx) ? user.phone : maskPhone(user.phone)),
  // The session knows it (modules/accounts/sessions.ts), for its own person only.
  mustChangePassword: (user: Person, _: unknown, ctx: GraphQLContext) => {
    const actor = actorOf(ctx);
    return actor && actor.userId === user.id ? !!actor.mustChangePassword : null;
  },
  unit: (user: Person) => (user instanceof PersonView ? user.unit : user.unit.getEntity()),
};

/** The directory DN of each person (null: a local account); those of person views in one statement. */
async function directoryDns(em: EntityManager, people: Person[]): Promise<Array<string | null>> {
  const loaded = await directoryDnsByUser(em, people.filter((p) => p instanceof PersonView).map((p) => p.id));
  return people.map((p) => (p instanceof PersonView ? loaded.get(p.id) ?? null : p.directoryDn));
}

const reviewerIdOf = (user: Person) => (user instanceof PersonView ? user.reviewedById : user.reviewedBy?.id);

/** Batched (mercurius loaders): one query for the whole list instead of one per user. */
export const userLoaders = {
  reviewedBy: async (queries: Array<{ obj: Person }>, ctx: GraphQLContext) => {
    const ids = [...new Set(queries.map((q) => (isPrivateVisible(q.obj, ctx) ? reviewerIdOf(q.obj) : undefined)).filter((id): id is string => !!id))];
    const reviewers = ids.length ? await ctx.domain.em.find(User, { id: ids }, { populate: ['unit'] }) : [];
    const byId = new Map(reviewers.map((r) => [r.id, r]));
    return queries.map((q) => {
      const reviewerId = isPrivateVisible(q.obj, ctx) ? reviewerIdOf(q.obj) : null;
      const reviewer = reviewerId ? byId.get(reviewerId) : undefined;
      return reviewer && can(actorOf(ctx), 'read', reviewer) ? reviewer : null;
    });
  },
  adminUnits: async (queries: Array<{ obj: Person }>, ctx: GraphQLContext) => {
    // Person views: unit views in one statement; entities: their collection.
    const entities = queries.map((q) => q.obj).filter((p): p is User => p instanceof User);
    const [units] = await Promise.all([
      adminUnitsOf(ctx.domain.em, queries.filter((q) => q.obj instanceof PersonView).map((q) => q.obj.id)),
      entities.length ? withRelations(ctx.domain.em, entities) : null,
    ]);
    return queries.map((q) => (q.obj instanceof PersonView ? units.get(q.obj.id)! : q.obj.adminUnits.getItems()));
  },
  directoryManaged: async (queries: Array<{ obj: Person }>, ctx: GraphQLContext) => (await directoryDns(ctx.domain.em, queries.map((q) => q.obj))).map((dn) => dn !== null),
  directoryFields: async (queries: Array<{ obj: Person }>, ctx: GraphQLContext) =>
    (await directoryDns(ctx.domain.em, queries.map((q) => q.obj))).map((directoryDn) => directoryFields(ctx.domain.deps.config, { directoryDn })),
  viewerCan: async (queries: Array<{ obj: Person }>, ctx: GraphQLContext) => {
    const users = await withRelations(ctx.domain.em, queries.map((q) => q.obj));
    const actor = actorOf(ctx);
    return users.map((user) => userAbilities(actor, user));
  },
};
