import { ModerationSanction } from '../../db/entities/index.js';
import { authorize } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { moderatedGroupForActor } from './access.js';
import { liftableSanctionIds } from './store.js';

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
