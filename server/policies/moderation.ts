import type { GroupRole } from '../db/entities/index.js';
import { sql, sqlText, type Statement } from '../db/statement.js';
import { GroupAccess } from '../modules/groups/subjects.js';
import type { MaybeActor } from './actor.js';
import { allow } from './engine.js';
import { isGroupMember, managesGroup, ownsGroup, runsGroup } from './groups.js';
import { mayReadSql } from './confidentiality.js';

/**
 * Who may act on whom: the one place that decides it.
 * - nobody acts on themselves;
 * - a system admin acts on anyone, in any group;
 * - the group's owner acts on everyone else;
 * - an admin acts on plain members (and on people who are no longer members, e.g. to ban or
 *   unban them), never on the owner or another admin;
 * - plain members act on no one.
 * The owner cannot be kicked or banned by anyone (a group needs an owner: transfer it first).
 */
export class ModerationTarget {
  constructor(
    /** The actor's access to the group. */
    readonly access: GroupAccess,
    readonly targetUserId: string,
    /** The target's role now; null when not (or no longer) a member. */
    readonly targetRole: GroupRole | null,
  ) {}
}

export function mayActOn(actor: MaybeActor, t: ModerationTarget): boolean {
  if (!actor || t.targetUserId === actor.userId) return false;
  if (ownsGroup(actor, t.access)) return true;
  if (runsGroup(actor, t.access)) return t.targetRole === 'member' || t.targetRole === null;
  return false;
}

/** The actions a moderator takes on a person (or on their content). */
export const MODERATION_ACTIONS = ['removeContent', 'restoreContent', 'moveContent', 'warn', 'revokeWarning', 'mute', 'unmute', 'kick', 'ban', 'unban'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

for (const action of MODERATION_ACTIONS) {
  const structural = action === 'kick' || action === 'ban';
  allow(ModerationTarget, action, (actor, t) => mayActOn(actor, t) && !(structural && t.targetRole === 'owner'));
}

/** The group's moderation tools: queue, audit log, 全员禁言, escalation rule. */
allow(GroupAccess, 'moderate', (actor, g) => managesGroup(actor, g));
allow(GroupAccess, 'readAuditLog', (actor, g) => managesGroup(actor, g));
/** The group's standing warnings and bans (群管理 → 警告与禁止), to revoke or lift them. */
allow(GroupAccess, 'readSanctions', (actor, g) => managesGroup(actor, g));

/** System admins moderate anywhere: they reach every group and its content (a discussion group's stays for its members). */
export const moderatesEverywhere = (actor: MaybeActor): boolean => !!actor?.isSystemAdmin;

/** An audit entry's IP address: system admins only (a group's moderators read its entries without it). */
export const mayReadAuditIp = (actor: MaybeActor): boolean => !!actor?.isSystemAdmin;

/** A member reports content they can see, not their own, and not content already removed. */
export class ReportableContent {
  constructor(
    readonly access: GroupAccess,
    readonly authorId: string,
    readonly removed: boolean,
  ) {}
}
allow(ReportableContent, 'report', (actor, c) => !!actor && isGroupMember(actor, c.access) && c.authorId !== actor.userId && !c.removed);

/** Far future: a mute "until lifted". */
export const INDEFINITE = new Date('9999-12-31T00:00:00Z');

/**
 * When the actor's posting ban ends, if one holds now: their own mute, or 全员禁言 for plain
 * members (owner and admins keep speaking). Null when they may post.
 */
export function mutedUntil(role: GroupRole | null, memberMutedUntil: Date | null, groupMutedAllUntil: Date | null, now = Date.now()): Date | null {
  const own = memberMutedUntil && memberMutedUntil.getTime() > now ? memberMutedUntil : null;
  const all = role === 'member' && groupMutedAllUntil && groupMutedAllUntil.getTime() > now ? groupMutedAllUntil : null;
  if (own && all) return own.getTime() >= all.getTime() ? own : all;
  return own ?? all;
}

/**
 * Whether the audit log shows a message's or thread's text (a message's start, a thread's title)
 * to its reader: only what the reader may read in the product itself — content still shown (not
 * recalled or removed), in a conversation or group they are in or, for a system admin (who
 * moderates everywhere, `moderatesEverywhere`), any group's own chat and BBS, but never a
 * discussion group's messages, which stay for its members (not the parent group's owner and
 * admins); and at a level they may read (`mayReadSql`). `x` is the row's alias (fixed by code),
 * `viewer` the reader's id.
 */
export const auditShowsTextSql = {
  message: (x: string, viewer: Statement, everywhere: boolean) =>
    sql`(${sqlText(`${x}.recalled_at is null and ${x}.removed_at is null`)}
      and (exists (select 1 from conversation_member cm where cm.conversation_id = ${sqlText(`${x}.conversation_id`)} and cm.user_id = ${viewer})
           or (${everywhere}::boolean and exists (select 1 from chat_group g where g.conversation_id = ${sqlText(`${x}.conversation_id`)})))
      and ${mayReadSql(`${x}.id`, `${x}.confidentiality`, `${x}.author_id`, `jl_conversation_group(${x}.conversation_id)`, viewer)})`,
  thread: (x: string, viewer: Statement, everywhere: boolean) =>
    sql`(${sqlText(`${x}.removed_at is null`)}
      and (${everywhere}::boolean or exists (select 1 from group_member gm where gm.group_id = ${sqlText(`${x}.group_id`)} and gm.user_id = ${viewer}))
      and ${mayReadSql(`${x}.id`, `${x}.confidentiality`, `${x}.author_id`, `${x}.group_id`, viewer)})`,
};
