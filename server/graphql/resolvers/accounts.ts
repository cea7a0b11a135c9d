import { userForActor } from '../../modules/accounts/access.js';
import * as auth from '../../modules/accounts/auth.js';
import { createAccount, register, reviewRegistration, type AccountInput } from '../../modules/accounts/registration.js';
import { listSessions } from '../../modules/accounts/sessions.js';
import { personById } from '../../modules/accounts/people.js';
import { setStatus, setSystemAdmin, setUnitAdmin, updateIdentity, updateProfile } from '../../modules/accounts/users.js';
import { requireActor } from '../../modules/context.js';
import { pendingRegistrations } from '../../modules/org/directory.js';
import type { GraphQLContext } from '../context.js';
import { connection } from '../presenters/connection.js';

type Ctx = GraphQLContext;

/** Thin resolvers: arguments in, one domain call, the entity out (presenters shape it). */
export const accountQueries = {
  // A person view (one prepared statement): the User presenter loads the entity only for fields that need it.
  viewer: async (_: unknown, __: unknown, { domain }: Ctx) => (domain.actor ? personById(domain.em, domain.actor.userId) : null),
  user: (_: unknown, args: { id: string }, { domain }: Ctx) => {
    requireActor(domain);
    return userForActor(domain.em, domain.actor, args.id);
  },
  pendingRegistrations: async (_: unknown, args: { first?: number; after?: string }, { domain }: Ctx) =>
    connection(await pendingRegistrations(domain, args)),
  mySessions: async (_: unknown, __: unknown, { domain }: Ctx) => {
    const actor = requireActor(domain);
    const sessions = await listSessions(domain.em, actor.userId);
    return sessions.map((s) => ({ ...s, current: s.id === actor.sessionId }));
  },
};

export const accountMutations = {
  register: (_: unknown, args: { input: AccountInput }, { domain }: Ctx) => register(domain, args.input),
  login: async (_: unknown, args: { loginName: string; password: string }, ctx: Ctx) => {
    const result = await auth.login(ctx.domain, args.loginName, args.password);
    ctx.domain.actor = result.actor;
    ctx.setSessionCookie(result.token, result.expiresAt);
    return result;
  },
  logout: async (_: unknown, __: unknown, ctx: Ctx) => {
    await auth.logout(ctx.domain);
    ctx.domain.actor = null;
    ctx.clearSessionCookie();
    return true;
  },
  logoutEverywhere: async (_: unknown, __: unknown, ctx: Ctx) => {
    const ended = await auth.logoutEverywhere(ctx.domain);
    ctx.domain.actor = null;
    ctx.clearSessionCookie();
    return ended;
  },
  revokeSession: async (_: unknown, args: { id: string }, { domain }: Ctx) => {
    await auth.revokeSession(domain, args.id);
    return true;
  },
  changePassword: (_: unknown, args: { currentPassword: string; newPassword: string }, { domain }: Ctx) =>
    auth.changePassword(domain, args.currentPassword, args.newPassword),
  approveRegistration: (_: unknown, args: { userId: string; note?: string }, { domain }: Ctx) =>
    reviewRegistration(domain, args.userId, 'approve', args.note),
  rejectRegistration: (_: unknown, args: { userId: string; reason: string }, { domain }: Ctx) =>
    reviewRegistration(domain, args.userId, 'reject', args.reason),
  createUser: (_: unknown, args: { input: AccountInput }, { domain }: Ctx) => createAccount(domain, args.input),
  updateProfile: (_: unknown, args: { userId: string; input: { title?: string; phone?: string } }, { domain }: Ctx) =>
    updateProfile(domain, args.userId, args.input),
  updateIdentity: (_: unknown, args: { userId: string; input: { realName?: string; unitId?: string; reason: string } }, { domain }: Ctx) =>
    updateIdentity(domain, args.userId, args.input),
  disableUser: (_: unknown, args: { userId: string; reason: string }, { domain }: Ctx) => setStatus(domain, args.userId, 'disabled', args.reason),
  enableUser: (_: unknown, args: { userId: string; reason: string }, { domain }: Ctx) => setStatus(domain, args.userId, 'active', args.reason),
  grantUnitAdmin: (_: unknown, args: { userId: string; unitId: string }, { domain }: Ctx) => setUnitAdmin(domain, args.userId, args.unitId, true),
  revokeUnitAdmin: (_: unknown, args: { userId: string; unitId: string }, { domain }: Ctx) => setUnitAdmin(domain, args.userId, args.unitId, false),
  setSystemAdmin: (_: unknown, args: { userId: string; value: boolean }, { domain }: Ctx) => setSystemAdmin(domain, args.userId, args.value),
};
