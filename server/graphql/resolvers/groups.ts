import { acceptInvitation, applyToGroup, createGroup, declineInvitation, invite, leaveGroup, myGroups, myInvitations, reviewApplication, searchGroups, setRole, transferOwnership, updateGroup, withdrawApplication, type GroupInput } from '../../modules/groups/groups.js';
import { groupForActor } from '../../modules/groups/access.js';
import { createDefaultBoards } from '../../modules/forum/boards.js';
import { removeMember } from '../../modules/moderation/actions.js';
import { requireActor } from '../../modules/context.js';
import type { GraphQLContext } from '../context.js';
import { connection } from '../presenters/connection.js';

type Ctx = GraphQLContext;

export const groupQueries = {
  myGroups: (_: unknown, __: unknown, { domain }: Ctx) => myGroups(domain),
  groups: async (_: unknown, args: { query?: string; first?: number; after?: string }, { domain }: Ctx) => connection(await searchGroups(domain, args.query, args)),
  group: async (_: unknown, args: { id: string }, { domain }: Ctx) => (await groupForActor(domain.em, requireActor(domain), args.id)).group,
  myInvitations: (_: unknown, __: unknown, { domain }: Ctx) => myInvitations(domain),
};

export const groupMutations = {
  createGroup: (_: unknown, args: { input: GroupInput }, { domain }: Ctx) => createGroup(domain, args.input, createDefaultBoards),
  updateGroup: (_: unknown, args: { groupId: string; input: GroupInput }, { domain }: Ctx) => updateGroup(domain, args.groupId, args.input),
  applyToGroup: (_: unknown, args: { groupId: string; message?: string; acceptRules: boolean }, { domain }: Ctx) => applyToGroup(domain, args.groupId, args.message, args.acceptRules),
  withdrawApplication: (_: unknown, args: { applicationId: string }, { domain }: Ctx) => withdrawApplication(domain, args.applicationId),
  approveApplication: (_: unknown, args: { applicationId: string }, { domain }: Ctx) => reviewApplication(domain, args.applicationId, true),
  rejectApplication: (_: unknown, args: { applicationId: string; reason: string }, { domain }: Ctx) => reviewApplication(domain, args.applicationId, false, args.reason),
  inviteToGroup: (_: unknown, args: { groupId: string; userId: string }, { domain }: Ctx) => invite(domain, args.groupId, args.userId),
  acceptInvitation: (_: unknown, args: { invitationId: string; acceptRules: boolean }, { domain }: Ctx) => acceptInvitation(domain, args.invitationId, args.acceptRules),
  declineInvitation: (_: unknown, args: { invitationId: string }, { domain }: Ctx) => declineInvitation(domain, args.invitationId),
  leaveGroup: (_: unknown, args: { groupId: string }, { domain }: Ctx) => leaveGroup(domain, args.groupId),
  /** Deprecated: the same kick as kickMember (modules/moderation/actions.ts). */
  removeMember: (_: unknown, args: { groupId: string; userId: string; reason: string }, { domain }: Ctx) => removeMember(domain, args.groupId, args.userId, args.reason),
  setGroupRole: (_: unknown, args: { groupId: string; userId: string; role: string }, { domain }: Ctx) => setRole(domain, args.groupId, args.userId, args.role),
  transferOwnership: (_: unknown, args: { groupId: string; userId: string }, { domain }: Ctx) => transferOwnership(domain, args.groupId, args.userId),
};
