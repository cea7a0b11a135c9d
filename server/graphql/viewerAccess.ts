import { ChatGroup } from '../db/entities/index.js';
import { viewerGroupStanding } from '../modules/groups/store.js';
import { GroupAccess } from '../modules/groups/subjects.js';
import { requireActor, type DomainContext } from '../modules/context.js';
import { can } from '../policies/index.js';

/**
 * The viewer's standing in groups (role, own mute, invitation, ban), loaded once per request and
 * shared by every presenter: a page showing a group's chat, BBS, files, meetings and moderation
 * fields reads it once. Keyed by the domain context, which for a subscription lives as long as its
 * socket (as the presenters' own caches did before). The groups asked for in one tick load together:
 * their rows (unless the caller holds them) and the standing in one batch (modules/groups/store.ts).
 */
export class ViewerAccess {
  private readonly byGroup = new Map<string, Promise<GroupAccess | null>>();
  private pending: Map<string, { row: ChatGroup | null; settle: (access: GroupAccess | null) => void; fail: (error: unknown) => void }> | null = null;

  constructor(private readonly domain: DomainContext) {}

  /** Standing in groups whose rows the caller holds, whether or not the viewer may see them. */
  ofGroups(groups: ChatGroup[]): Promise<GroupAccess[]> {
    return Promise.all(groups.map((g) => this.load(g.id, g))) as Promise<GroupAccess[]>;
  }

  /** Standing in one group, whether or not the viewer may see it; null when there is no such group. */
  standing(groupId: string): Promise<GroupAccess | null> {
    return this.load(groupId, null);
  }

  /** A group the viewer may see (policies: GroupAccess 'read'), or null: hidden and missing alike. */
  async visible(groupId: string): Promise<GroupAccess | null> {
    const access = await this.standing(groupId);
    return access && can(this.domain.actor, 'read', access) ? access : null;
  }

  private load(groupId: string, row: ChatGroup | null): Promise<GroupAccess | null> {
    let access = this.byGroup.get(groupId);
    if (!access) {
      if (!this.pending) {
        const batch = (this.pending = new Map());
        // Like DataLoader: load once the resolvers of this tick have asked.
        void Promise.resolve().then(() => process.nextTick(() => void this.flush(batch)));
      }
      const batch = this.pending;
      access = new Promise((settle, fail) => batch.set(groupId, { row, settle, fail }));
      this.byGroup.set(groupId, access);
    }
    return access;
  }

  private async flush(batch: NonNullable<ViewerAccess['pending']>): Promise<void> {
    if (this.pending === batch) this.pending = null;
    try {
      const ids = [...batch.keys()];
      const missingRows = ids.filter((id) => !batch.get(id)!.row);
      const [found, { roles, invites, bans }] = await Promise.all([
        missingRows.length ? this.domain.em.find(ChatGroup, { id: missingRows }) : [],
        viewerGroupStanding(this.domain.em, requireActor(this.domain).userId, ids),
      ]);
      const rows = new Map(found.map((g) => [g.id, g]));
      const role = new Map(roles.map((r) => [r.group_id, r]));
      const invited = new Set(invites.map((r) => r.group_id));
      const banned = new Set(bans.map((r) => r.group_id));
      for (const [id, entry] of batch) {
        const group = entry.row ?? rows.get(id);
        const own = role.get(id);
        entry.settle(group ? new GroupAccess(group, own?.role ?? null, invited.has(id), own?.muted_until ? new Date(own.muted_until) : null, banned.has(id)) : null);
      }
    } catch (error) {
      for (const [id, entry] of batch) {
        this.byGroup.delete(id);
        entry.fail(error);
      }
    }
  }
}

const perRequest = new WeakMap<DomainContext, ViewerAccess>();

/** The request's (or socket's) access loader. */
export function viewerAccess(domain: DomainContext): ViewerAccess {
  let access = perRequest.get(domain);
  if (!access) perRequest.set(domain, (access = new ViewerAccess(domain)));
  return access;
}
