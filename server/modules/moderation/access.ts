import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, User, type ContentType, type GroupRole } from '../../db/entities/index.js';
import { badInput, notFound } from '../../errors.js';
import { can, ModerationTarget, moderatesEverywhere, type Actor } from '../../policies/index.js';
import { groupForActor } from '../groups/access.js';
import { GroupAccess } from '../groups/subjects.js';
import { isUuid } from '../ids.js';
import { actorAndAuthorRoles, findContent, membership, personRole } from './store.js';

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

/**
 * Loads content the actor may see, or NOT_FOUND: a message of a conversation they are in, a
 * thread or reply of a group they belong to; a system admin sees every group's content (not
 * private chats). Direct messages belong to no group and cannot be moderated.
 */
export async function contentForActor(em: EntityManager, actor: Actor, rawType: ContentType, id: unknown): Promise<ContentRef> {
  const what = WHAT[rawType];
  if (!isUuid(id)) throw notFound(what);
  const row = await findContent(em, rawType, id, actor.userId);
  // A system admin reaches any group's content, but a discussion group stays for its members.
  if (!row || !(row.visible || (moderatesEverywhere(actor) && row.group_id && !row.in_discussion))) throw notFound(what);
  if (!row.group_id) throw badInput('私聊消息不属于任何群，不能举报或处理', 'targetId');
  const group = await em.findOneOrFail(ChatGroup, { id: row.group_id });
  const roles = await actorAndAuthorRoles(em, group.id, actor.userId, row.author_id);
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
  const row = await personRole(em, access.group.id, userId);
  if (!row || (mustBeMember && !row.role)) throw notFound('成员');
  return new ModerationTarget(access, userId, row.role);
}

/** groupForActor, but a system admin sees every group (they act anywhere). */
export async function moderatedGroupForActor(em: EntityManager, actor: Actor, groupId: unknown): Promise<GroupAccess> {
  if (moderatesEverywhere(actor) && isUuid(groupId)) {
    const group = await em.findOne(ChatGroup, { id: groupId });
    if (!group) throw notFound('群组');
    const row = await membership(em, group.id, actor.userId);
    return new GroupAccess(group, row?.role ?? null, false, row?.muted_until ? new Date(row.muted_until) : null);
  }
  return groupForActor(em, actor, groupId);
}

/** Whether the actor may moderate the group (queue, log); for presenters. */
export const moderates = (actor: Actor | null, access: GroupAccess) => can(actor, 'moderate', access);

export async function userExists(em: EntityManager, id: string): Promise<boolean> {
  return !!(await em.findOne(User, { id }, { fields: ['id'] }));
}
