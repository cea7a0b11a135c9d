import { ChatGroup, ModerationSanction } from '../../db/entities/index.js';
import { authorize, can, ModerationTarget, moderatesEverywhere } from '../../policies/index.js';
import { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { moderatedGroupForActor } from './access.js';
import { liftableSanctionIds, membershipsInGroups } from './store.js';

/** At most this many standing sanctions are listed (a group with more has bigger problems). */
const MAX_LISTED = 200;

/**
 * 群管理 → 警告与禁止: the group's warnings that still count toward its escalation rule and its bans
 * not lifted, newest first, for those who moderate it (revoking and unbanning are then checked per
 * person by the actions themselves).
 */
export async function liftableSanctions(ctx: DomainContext, groupId: unknown): Promise<ModerationSanction[]> {
  const actor = requireActor(ctx);
  const access = await moderatedGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'readSanctions', access, '只有群主和管理员可以查看本群的警告与禁止');
  const since = new Date(Date.now() - access.group.warnWindowDays * 86_400_000);
  const ids = await liftableSanctionIds(ctx.em, access.group.id, since, MAX_LISTED);
  if (!ids.length) return [];
  const found = new Map((await ctx.em.find(ModerationSanction, { id: { $in: ids } })).map((s) => [s.id, s]));
  return ids.map((id) => found.get(id)!).filter(Boolean);
}

/**
 * Whether the actor may lift each sanction now (revoke a warning, unban), from the same rules the
 * actions check: an admin cannot lift the owner's or another admin's, nobody their own. Lifted
 * sanctions, mutes and kicks answer false. Two reads for any number of groups (their rows, then
 * the actor's and the sanctioned people's memberships); none for one's own record (我的记录).
 */
export async function mayLiftSanctions(ctx: DomainContext, sanctions: ModerationSanction[]): Promise<boolean[]> {
  const actor = ctx.actor;
  if (!actor) return sanctions.map(() => false);
  const liftable = sanctions.filter((s) => !s.revokedAt && (s.kind === 'warning' || s.kind === 'ban') && s.user.id !== actor.userId);
  if (!liftable.length) return sanctions.map(() => false);
  const groupIds = [...new Set(liftable.map((s) => s.group.id))];
  const [groups, members] = await Promise.all([
    ctx.em.find(ChatGroup, { id: { $in: groupIds } }),
    membershipsInGroups(ctx.em, groupIds, [...new Set([actor.userId, ...liftable.map((s) => s.user.id)])]),
  ]);
  const member = new Map(members.map((m) => [`${m.group_id}:${m.user_id}`, m]));
  const access = new Map(
    groups.map((g) => {
      const own = member.get(`${g.id}:${actor.userId}`);
      return [g.id, new GroupAccess(g, own?.role ?? null, false, own?.muted_until ? new Date(own.muted_until) : null)];
    }),
  );
  const allowed = new Set<string>();
  for (const s of liftable) {
    const group = access.get(s.group.id);
    // The group as moderatedGroupForActor gives it: hidden ones (not a member, not a system admin) allow nothing.
    if (!group || !(moderatesEverywhere(actor) || can(actor, 'read', group))) continue;
    const target = new ModerationTarget(group, s.user.id, member.get(`${s.group.id}:${s.user.id}`)?.role ?? null);
    if (can(actor, s.kind === 'warning' ? 'revokeWarning' : 'unban', target)) allowed.add(s.id);
  }
  return sanctions.map((s) => allowed.has(s.id));
}
