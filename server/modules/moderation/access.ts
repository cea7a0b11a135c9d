import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, User, type ContentType, type GroupRole } from '../../db/entities/index.js';
import { badInput, notFound } from '../../errors.js';
import { can, ModerationTarget, moderatesEverywhere, type Actor } from '../../policies/index.js';
import { groupForActor } from '../groups/access.js';
import { GroupAccess } from '../groups/subjects.js';
import { isUuid } from '../ids.js';

/** A message, thread or reply as moderation sees it: its group, author and state. */
export interface ContentRef {
  type: ContentType;
  id: string;
  group: GroupAccess;
  authorId: string;
  /** The author's role in the group now (null when no longer a member). */
  authorRole: GroupRole | null;
  title: string | null;
  body: string;
  removedAt: Date | null;
  removalReason: string | null;
  /** Recalled by its author, or a deleted reply: nothing left to moderate. */
  gone: boolean;
  conversationId: string | null;
  threadId: string | null;
  replyId: string | null;
}

const WHAT: Record<ContentType, string> = { message: '消息', thread: '帖子', reply: '回复' };

interface Row {
  id: string;
  author_id: string;
  title: string | null;
  body: string;
  removed_at: Date | null;
  removal_reason: string | null;
  gone: boolean;
  group_id: string | null;
  conversation_id: string | null;
  thread_id: string | null;
  visible: boolean;
  in_discussion: boolean;
}

/**
 * Loads content the actor may see, or NOT_FOUND: a message of a conversation they are in, a
 * thread or reply of a group they belong to; a system admin sees every group's content (not
 * private chats). Direct messages belong to no group and cannot be moderated.
 */
export async function contentForActor(em: EntityManager, actor: Actor, rawType: ContentType, id: unknown): Promise<ContentRef> {
  const what = WHAT[rawType];
  if (!isUuid(id)) throw notFound(what);
  const sql: Record<ContentType, string> = {
    message: `select m.id, m.author_id, null as title, m.body, m.removed_at, m.removal_reason, m.recalled_at is not null as gone,
                     coalesce(g.id, d.group_id) as group_id, m.conversation_id, null::uuid as thread_id, d.id is not null as in_discussion,
                     exists(select 1 from conversation_member cm where cm.conversation_id = m.conversation_id and cm.user_id = ?) as visible
                from message m
                left join chat_group g on g.conversation_id = m.conversation_id
                left join discussion_group d on d.conversation_id = m.conversation_id
               where m.id = ?`,
    thread: `select t.id, t.author_id, t.title, t.body, t.removed_at, t.removal_reason, false as gone, t.group_id, null::uuid as conversation_id, t.id as thread_id, false as in_discussion,
                    exists(select 1 from group_member gm where gm.group_id = t.group_id and gm.user_id = ?) as visible
               from thread t where t.id = ?`,
    reply: `select r.id, r.author_id, null as title, r.body, r.removed_at, r.removal_reason, r.deleted_at is not null as gone, t.group_id, null::uuid as conversation_id, t.id as thread_id, false as in_discussion,
                   exists(select 1 from group_member gm where gm.group_id = t.group_id and gm.user_id = ?) as visible
              from thread_reply r join thread t on t.id = r.thread_id where r.id = ?`,
  };
  const [row] = await em.execute<Row[]>(sql[rawType], [actor.userId, id]);
  // A system admin reaches any group's content, but a discussion group stays for its members.
  if (!row || !(row.visible || (moderatesEverywhere(actor) && row.group_id && !row.in_discussion))) throw notFound(what);
  if (!row.group_id) throw badInput('私聊消息不属于任何群，不能举报或处理', 'targetId');
  const group = await em.findOneOrFail(ChatGroup, { id: row.group_id });
  const [roles] = await em.execute<Array<{ actor_role: GroupRole | null; actor_muted_until: Date | null; author_role: GroupRole | null }>>(
    `select (select role from group_member where group_id = ? and user_id = ?) as actor_role,
            (select muted_until from group_member where group_id = ? and user_id = ?) as actor_muted_until,
            (select role from group_member where group_id = ? and user_id = ?) as author_role`,
    [group.id, actor.userId, group.id, actor.userId, group.id, row.author_id],
  );
  return {
    type: rawType,
    id: row.id,
    group: new GroupAccess(group, roles.actor_role, false, roles.actor_muted_until ? new Date(roles.actor_muted_until) : null),
    authorId: row.author_id,
    authorRole: roles.author_role,
    title: row.title,
    body: row.body,
    removedAt: row.removed_at ? new Date(row.removed_at) : null,
    removalReason: row.removal_reason,
    gone: !!row.gone,
    conversationId: row.conversation_id,
    threadId: row.thread_id,
    replyId: rawType === 'reply' ? row.id : null,
  };
}

/**
 * A group the actor moderates or may see (system admins see every group), with the target
 * person's role there. An unknown person answers NOT_FOUND; `mustBeMember` refuses people who
 * are not in the group (warn, mute, kick) with NOT_FOUND too.
 */
export async function targetForActor(em: EntityManager, actor: Actor, groupId: unknown, userId: unknown, mustBeMember: boolean): Promise<ModerationTarget> {
  const access = await moderatedGroupForActor(em, actor, groupId);
  if (!isUuid(userId)) throw notFound('成员');
  const [row] = await em.execute<Array<{ role: GroupRole | null }>>(
    `select (select role from group_member where group_id = ? and user_id = u.id) as role from app_user u where u.id = ?`,
    [access.group.id, userId],
  );
  if (!row || (mustBeMember && !row.role)) throw notFound('成员');
  return new ModerationTarget(access, userId, row.role);
}

/** groupForActor, but a system admin sees every group (they act anywhere). */
export async function moderatedGroupForActor(em: EntityManager, actor: Actor, groupId: unknown): Promise<GroupAccess> {
  if (moderatesEverywhere(actor) && isUuid(groupId)) {
    const group = await em.findOne(ChatGroup, { id: groupId });
    if (!group) throw notFound('群组');
    const [row] = await em.execute<Array<{ role: GroupRole | null; muted_until: Date | null }>>(
      `select gm.role, gm.muted_until from (select 1) one left join group_member gm on gm.group_id = ? and gm.user_id = ?`,
      [group.id, actor.userId],
    );
    return new GroupAccess(group, row?.role ?? null, false, row?.muted_until ? new Date(row.muted_until) : null);
  }
  return groupForActor(em, actor, groupId);
}

/** Whether the actor may moderate the group (queue, log); for presenters. */
export const moderates = (actor: Actor | null, access: GroupAccess) => can(actor, 'moderate', access);

export async function userExists(em: EntityManager, id: string): Promise<boolean> {
  return !!(await em.findOne(User, { id }, { fields: ['id'] }));
}
