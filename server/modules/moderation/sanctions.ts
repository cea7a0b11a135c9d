import { ModerationSanction } from '../../db/entities/index.js';
import { authorize, can, ModerationTarget } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { moderatedGroupForActor } from './access.js';
import { liftableSanctionIds, rolesInGroup } from './store.js';

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
 * sanctions, mutes and kicks answer false. One access check and one role read per group.
 */
export async function mayLiftSanctions(ctx: DomainContext, sanctions: ModerationSanction[]): Promise<boolean[]> {
  const actor = ctx.actor;
  if (!actor) return sanctions.map(() => false);
  const liftable = (s: ModerationSanction) => !s.revokedAt && (s.kind === 'warning' || s.kind === 'ban');
  const byGroup = new Map<string, ModerationSanction[]>();
  for (const s of sanctions.filter(liftable)) byGroup.set(s.group.id, [...(byGroup.get(s.group.id) ?? []), s]);
  const allowed = new Set<string>();
  for (const [groupId, list] of byGroup) {
    const access = await moderatedGroupForActor(ctx.em, actor, groupId).catch(() => null);
    if (!access) continue;
    const roles = await rolesInGroup(ctx.em, groupId, [...new Set(list.map((s) => s.user.id))]);
    for (const s of list) if (can(actor, s.kind === 'warning' ? 'revokeWarning' : 'unban', new ModerationTarget(access, s.user.id, roles.get(s.user.id) ?? null))) allowed.add(s.id);
  }
  return sanctions.map((s) => allowed.has(s.id));
}
