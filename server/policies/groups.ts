import type { GroupRole } from '../db/entities/index.js';
import type { MaybeActor } from './actor.js';

/**
 * A person's standing in a group, defined once for every rule that asks about it. The role is
 * what the access helpers read for the actor (null when not a member).
 */
interface Standing {
  readonly role: GroupRole | null;
}

export const isGroupMember = (actor: MaybeActor, g: Standing) => !!actor && g.role !== null;

/** A role that runs the group: its owner or one of its admins (system admins are not among them). */
export const leadsGroup = (role: GroupRole | null) => role === 'owner' || role === 'admin';

/** The actor runs the group from inside. */
export const runsGroup = (actor: MaybeActor, g: Standing) => !!actor && leadsGroup(g.role);

/** Runs the group, or is a system admin (member or not): settings, membership and moderation tools. */
export const managesGroup = (actor: MaybeActor, g: Standing) => runsGroup(actor, g) || !!actor?.isSystemAdmin;

/**
 * Manages the group and belongs to it: for what lives inside the group (its BBS, files, meetings
 * and announcements), which a system admin only reaches as a member like anyone else.
 */
export const managesGroupAsMember = (actor: MaybeActor, g: Standing) => isGroupMember(actor, g) && managesGroup(actor, g);

/** The owner, or a system admin: the group's admins and its ownership. */
export const ownsGroup = (actor: MaybeActor, g: Standing) => !!actor && (g.role === 'owner' || actor.isSystemAdmin);
