import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, Conversation, GroupMember, type GroupRole } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { can, type Actor } from '../../policies/index.js';
import { isUuid } from '../ids.js';
import { entityColumns, plainView, query } from '../../db/sql.js';
import { ConversationAccess, GroupAccess } from './subjects.js';

/** Loads a group the actor may see, or NOT_FOUND (same answer for hidden and missing). */
export async function groupForActor(em: EntityManager, actor: Actor, id: unknown): Promise<GroupAccess> {
  if (!isUuid(id)) throw notFound('群组');
  const group = await em.findOne(ChatGroup, { id });
  if (!group) throw notFound('群组');
  const [row] = await em.execute<Array<{ role: GroupRole | null; muted_until: Date | null; invited: boolean; banned: boolean }>>(
    `select gm.role, gm.muted_until,
            exists(select 1 from group_invitation where group_id = ? and invitee_id = ? and status = 'pending') as invited,
            exists(select 1 from moderation_sanction where group_id = ? and user_id = ? and kind = 'ban' and revoked_at is null) as banned
       from (select 1) one left join group_member gm on gm.group_id = ? and gm.user_id = ?`,
    [group.id, actor.userId, group.id, actor.userId, group.id, actor.userId],
  );
  const access = new GroupAccess(group, row?.role ?? null, !!row?.invited, row?.muted_until ? new Date(row.muted_until) : null, !!row?.banned);
  if (!can(actor, 'read', access)) throw notFound('群组');
  return access;
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
  const c = entityColumns(em, Conversation, 'c');
  const g = entityColumns(em, ChatGroup, 'g');
  const rows = await query<Record<string, unknown> & { conversation_id: string; role: GroupRole | null; muted_until: Date | null; peer_id: string | null }>(
    em,
    'jiaoliu_conversations_for_actor_v2',
    `select cm.conversation_id, gm.role, gm.muted_until, d.id as discussion_id, d.archived_at as discussion_archived_at, ${c.sql}, ${g.sql},
            (select o.user_id from conversation_member o where o.conversation_id = cm.conversation_id and o.user_id <> cm.user_id and c.kind = 'direct' limit 1) as peer_id
       from conversation_member cm
       join conversation c on c.id = cm.conversation_id
       left join discussion_group d on d.conversation_id = c.id
       -- A group's conversation, or the group a discussion group belongs to.
       left join lateral (select * from chat_group where conversation_id = c.id
                           union all select * from chat_group where id = d.group_id limit 1) g on true
       left join group_member gm on gm.group_id = g.id and gm.user_id = cm.user_id
      where cm.conversation_id = any($1::uuid[]) and cm.user_id = $2
        -- A discussion group is only for current members of its group.
        and (d.id is null or gm.user_id is not null)`,
    [valid, actor.userId],
  );
  const byId = new Map(
    rows.map((row) => {
      const conversation = plainView(em, Conversation, c.pick(row)!);
      const groupRow = g.pick(row);
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
