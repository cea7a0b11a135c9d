import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, Conversation, GroupMember, Message, type GroupRole } from '../../db/entities/index.js';
import { notFound } from '../../errors.js';
import { can, type Actor } from '../../policies/index.js';
import { isUuid } from '../ids.js';
import { ConversationAccess, GroupAccess, MessageAccess } from './subjects.js';

/** Loads a group the actor may see, or NOT_FOUND (same answer for hidden and missing). */
export async function groupForActor(em: EntityManager, actor: Actor, id: unknown): Promise<GroupAccess> {
  if (!isUuid(id)) throw notFound('群组');
  const group = await em.findOne(ChatGroup, { id });
  if (!group) throw notFound('群组');
  const [row] = await em.execute<Array<{ role: GroupRole | null; invited: boolean }>>(
    `select (select role from group_member where group_id = ? and user_id = ?) as role,
            exists(select 1 from group_invitation where group_id = ? and invitee_id = ? and status = 'pending') as invited`,
    [group.id, actor.userId, group.id, actor.userId],
  );
  const access = new GroupAccess(group, row?.role ?? null, !!row?.invited);
  if (!can(actor, 'read', access)) throw notFound('群组');
  return access;
}

/**
 * The actor's access to several conversations at once (only those they are a member of), in
 * three queries whatever the number. Order follows `ids`.
 */
export async function conversationsForActor(em: EntityManager, actor: Actor, ids: readonly string[]): Promise<ConversationAccess[]> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return [];
  const rows = await em.execute<Array<{ conversation_id: string; group_id: string | null; role: GroupRole | null; peer_id: string | null; discussion_id: string | null; archived_at: Date | null }>>(
    `select cm.conversation_id, coalesce(g.id, d.group_id) as group_id, gm.role, d.id as discussion_id, d.archived_at,
            (select o.user_id from conversation_member o where o.conversation_id = cm.conversation_id and o.user_id <> cm.user_id and c.kind = 'direct' limit 1) as peer_id
       from conversation_member cm
       join conversation c on c.id = cm.conversation_id
       left join chat_group g on g.conversation_id = c.id
       left join discussion_group d on d.conversation_id = c.id
       left join group_member gm on gm.group_id = coalesce(g.id, d.group_id) and gm.user_id = cm.user_id
      where cm.conversation_id in (?) and cm.user_id = ?
        -- A discussion group is only for current members of its group.
        and (d.id is null or gm.user_id is not null)`,
    [valid, actor.userId],
  );
  if (!rows.length) return [];
  const groupIds = rows.map((r) => r.group_id).filter((id): id is string => !!id);
  const [conversations, groups] = await Promise.all([
    em.find(Conversation, { id: rows.map((r) => r.conversation_id) }),
    groupIds.length ? em.find(ChatGroup, { id: groupIds }) : Promise.resolve([] as ChatGroup[]),
  ]);
  const conversationById = new Map(conversations.map((c) => [c.id, c]));
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const rowById = new Map(rows.map((r) => [r.conversation_id, r]));
  return valid
    .filter((id) => rowById.has(id))
    .map((id) => {
      const row = rowById.get(id)!;
      const discussion = row.discussion_id ? { id: row.discussion_id, archived: !!row.archived_at } : null;
      return new ConversationAccess(conversationById.get(id)!, row.group_id ? groupById.get(row.group_id)! : null, row.role, row.peer_id, discussion);
    });
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

/** A message in one of the actor's conversations, or NOT_FOUND. */
export async function messageForActor(em: EntityManager, actor: Actor, id: unknown): Promise<MessageAccess> {
  if (!isUuid(id)) throw notFound('消息');
  const message = await em.findOne(Message, { id });
  if (!message) throw notFound('消息');
  try {
    return new MessageAccess(message, await conversationForActor(em, actor, message.conversation.id));
  } catch {
    throw notFound('消息');
  }
}

export async function memberOf(em: EntityManager, groupId: string, userId: string): Promise<GroupMember | null> {
  return em.findOne(GroupMember, { group: groupId, user: userId });
}
