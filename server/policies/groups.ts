import type { GroupRole } from '../db/entities/index.js';
import { sqlText, type Statement } from '../db/statement.js';
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
/** `leadsGroup` in SQL, over a role column fixed by code (tests/server/policies/sql-agreement.test.ts holds them together). */
export const leadsGroupSql = (role: string): Statement => sqlText(`coalesce(${role} in ('owner', 'admin'), false)`);

/**
 * Which notifications a person is shown: those about groups they belong to (leaving a group hides
 * what it said about its threads), and those that speak to someone outside the group about the
 * group alone (an invitation, a rejected application); the group itself is then shown only while
 * they may see it (GroupAccess 'read'), the notification by the group's name stored with it.
 * SQL over a notification row aliased `n` (its user_id, kind and group_id).
 */
export const NOTIFICATION_KINDS_FOR_OUTSIDERS = ['group_invitation', 'application_rejected'] as const;
export const notificationShownSql = (): Statement =>
  sqlText(`(n.kind in (${NOTIFICATION_KINDS_FOR_OUTSIDERS.map((k) => `'${k}'`).join(', ')}) or exists (select 1 from group_member gm where gm.group_id = n.group_id and gm.user_id = n.user_id))`);

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
