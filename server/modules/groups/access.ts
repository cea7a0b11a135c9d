import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, Conversation, GroupMember } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { can, type Actor } from '../../policies/index.js';
import { isUuid } from '../ids.js';
import { plainView } from '../../db/sql.js';
import { ConversationAccess, GroupAccess } from './subjects.js';
import { conversationAccessRows, groupStanding, viewerGroupStanding } from './store.js';

/** Loads a group the actor may see, or NOT_FOUND (same answer for hidden and missing). */
export async function groupForActor(em: EntityManager, actor: Actor, id: unknown): Promise<GroupAccess> {
  if (!isUuid(id)) throw notFound('群组');
  const group = await em.findOne(ChatGroup, { id });
  if (!group) throw notFound('群组');
  const row = await groupStanding(em, group.id, actor.userId);
  const access = new GroupAccess(group, row?.role ?? null, !!row?.invited, row?.muted_until ? new Date(row.muted_until) : null, !!row?.banned);
  if (!can(actor, 'read', access)) throw notFound('群组');
  return access;
}

/**
 * Of the given groups, those the actor may see now (policies: GroupAccess 'read'), read afresh
 * (not the request's cached standing: a live event may follow an invitation, a decline or a ban).
 */
export async function visibleGroups(em: EntityManager, actor: Actor, ids: readonly string[]): Promise<Map<string, ChatGroup>> {
  const unique = [...new Set(ids.filter(isUuid))];
  if (!unique.length) return new Map();
  const [groups, { roles, invites, bans }] = await Promise.all([em.find(ChatGroup, { id: unique }), viewerGroupStanding(em, actor.userId, unique)]);
  const role = new Map(roles.map((r) => [r.group_id, r.role]));
  const invited = new Set(invites.map((r) => r.group_id));
  const banned = new Set(bans.map((r) => r.group_id));
  return new Map(groups.filter((g) => can(actor, 'read', new GroupAccess(g, role.get(g.id) ?? null, invited.has(g.id), null, banned.has(g.id)))).map((g) => [g.id, g]));
}

/**
 * The actor's access to several conversations at once (only those they are a member of), in
 * one query whatever the number: membership, role, peer, and the conversation and group rows
 * themselves, as plain views (db/sql.ts `plainView`: columns and relation ids, not managed; a
 * tenth of the cost of entities, which was a tenth of a history page's server time). Order
 * follows `ids`.
 */
export async function conversationsForActor(em: EntityManager, actor: Actor, ids: readonly string[]): Promise<ConversationAccess[]> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return [];
  const rows = await conversationAccessRows(em, valid, actor.userId);
  const byId = new Map(
    rows.map((row) => {
      const conversation = plainView(em, Conversation, row.conversation);
      const groupRow = row.group;
      const discussion = row.discussion_id ? { id: String(row.discussion_id), archived: !!row.discussion_archived_at } : null;
      return [row.conversation_id, new ConversationAccess(conversation, groupRow ? plainView(em, ChatGroup, groupRow) : null, row.role, row.peer_id, discussion, row.muted_until ? new Date(row.muted_until) : null)] as const;
    }),
  );
  return valid.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
}

/**
 * Loads a conversation the actor is a member of, or NOT_FOUND: outsiders cannot tell a
 * conversation they are not in from one that does not exist.
 */
export async function conversationForActor(em: EntityManager, actor: Actor, id: unknown): Promise<ConversationAccess> {
  if (!isUuid(id)) throw notFound('会话');
  const [access] = await conversationsForActor(em, actor, [id]);
  if (!access) throw notFound('会话');
  return access;
}

export async function memberOf(em: EntityManager, groupId: string, userId: string): Promise<GroupMember | null> {
  return em.findOne(GroupMember, { group: groupId, user: userId });
}
