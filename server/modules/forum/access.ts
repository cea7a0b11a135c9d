import type { EntityManager } from '@mikro-orm/postgresql';
import { Board, DiscussionGroup, Thread, ThreadReply } from '../../db/entities/index.js';
import { notFound, notFoundAs } from '../../errors.js';
import { can, ContentReaders, restrictedReaders, type Actor } from '../../policies/index.js';
import { groupForActor } from '../groups/access.js';
import type { GroupAccess } from '../groups/subjects.js';
import { isUuid } from '../ids.js';
import { BoardAccess, DiscussionAccess, ReplyAccess, ThreadAccess } from './subjects.js';
import { isConversationMember } from './store/discussions.js';
import { threadAudience } from './store/threads.js';

/**
 * Access helpers for the BBS and discussion groups. Whatever the actor may not read answers
 * NOT_FOUND, the same as what does not exist.
 */
async function forumGroup(em: EntityManager, actor: Actor, groupId: string, what: string): Promise<GroupAccess> {
  const access = await groupForActor(em, actor, groupId).catch(notFoundAs(what));
  if (!can(actor, 'readForum', access)) throw notFound(what);
  return access;
}

/** The group's BBS for a member, or NOT_FOUND. */
export async function forumForActor(em: EntityManager, actor: Actor, groupId: unknown): Promise<GroupAccess> {
  if (!isUuid(groupId)) throw notFound('群组');
  return forumGroup(em, actor, groupId, '群组');
}

export async function boardForActor(em: EntityManager, actor: Actor, id: unknown): Promise<BoardAccess> {
  if (!isUuid(id)) throw notFound('版块');
  const board = await em.findOne(Board, { id });
  if (!board) throw notFound('版块');
  return new BoardAccess(board, await forumGroup(em, actor, board.group.id, '版块'));
}

export async function threadForActor(em: EntityManager, actor: Actor, id: unknown): Promise<ThreadAccess> {
  if (!isUuid(id)) throw notFound('帖子');
  const thread = await em.findOne(Thread, { id });
  if (!thread) throw notFound('帖子');
  const group = await forumGroup(em, actor, thread.group.id, '帖子');
  // A restricted thread (and every floor in it) exists only for its readers.
  if (thread.confidentiality === 'restricted') {
    const readers = restrictedReaders(thread.author.id, await threadAudience(em, thread.id), { userId: actor.userId, role: group.role });
    if (!can(actor, 'read', new ContentReaders('restricted', readers))) throw notFound('帖子');
  }
  const board = await em.findOneOrFail(Board, { id: thread.board.id });
  return new ThreadAccess(thread, board, group);
}

export async function replyForActor(em: EntityManager, actor: Actor, id: unknown): Promise<ReplyAccess> {
  if (!isUuid(id)) throw notFound('回复');
  const reply = await em.findOne(ThreadReply, { id });
  if (!reply) throw notFound('回复');
  return new ReplyAccess(reply, await threadForActor(em, actor, reply.thread.id).catch(notFoundAs('回复')));
}

/** A discussion group the actor is in, or NOT_FOUND (also for the group's other members). */
export async function discussionForActor(em: EntityManager, actor: Actor, id: unknown): Promise<DiscussionAccess> {
  if (!isUuid(id)) throw notFound('讨论组');
  const discussion = await em.findOne(DiscussionGroup, { id });
  if (!discussion) throw notFound('讨论组');
  const group = await forumGroup(em, actor, discussion.group.id, '讨论组');
  const access = new DiscussionAccess(discussion, group, await isConversationMember(em, discussion.conversation.id, actor.userId));
  if (!can(actor, 'read', access)) throw notFound('讨论组');
  return access;
}
