import type { EntityManager } from '@mikro-orm/postgresql';
import { Conversation, User } from '../../db/entities/index.js';
import { badInput, conflict } from '../../errors.js';
import { userForActor } from '../accounts/access.js';
import { requireActor, type DomainContext } from '../context.js';
import { conversationForActor, conversationsForActor } from '../groups/access.js';
import type { ConversationAccess } from '../groups/subjects.js';
import { blockedAmong, deleteBlock, directConversationIds, insertBlock, insertDirectConversation, insertDirectMembers } from './store/conversations.js';

const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** Finds or creates the private conversation with another active official. */
export async function openDirect(ctx: DomainContext, userId: unknown): Promise<ConversationAccess> {
  const actor = requireActor(ctx);
  const peer = await userForActor(ctx.em, actor, userId);
  if (peer.id === actor.userId) throw badInput('不能与自己私聊', 'userId');
  if (peer.status !== 'active') throw conflict('对方账号未启用，无法私聊');
  const key = directKey(actor.userId, peer.id);
  await ctx.em.transactional(async (em) => {
    // Insert-or-nothing on the unique key: two people opening at once share one conversation.
    const created = await insertDirectConversation(em, key);
    if (created) await insertDirectMembers(em, created, [actor.userId, peer.id]);
  });
  const conversation = await ctx.em.findOneOrFail(Conversation, { directKey: key });
  return conversationForActor(ctx.em, actor, conversation.id);
}

/** The viewer's private conversations, newest activity first. */
export async function directConversations(ctx: DomainContext, first = 50): Promise<ConversationAccess[]> {
  const actor = requireActor(ctx);
  const limit = Math.min(Math.max(1, first), 100);
  return conversationsForActor(ctx.em, actor, await directConversationIds(ctx.em, actor.userId, limit));
}

export async function setBlocked(ctx: DomainContext, userId: unknown, blocked: boolean): Promise<User> {
  const actor = requireActor(ctx);
  const target = await userForActor(ctx.em, actor, userId);
  if (target.id === actor.userId) throw badInput('不能屏蔽自己', 'userId');
  const changed = blocked ? await insertBlock(ctx.em, actor.userId, target.id) : await deleteBlock(ctx.em, actor.userId, target.id);
  if (!changed) throw conflict(blocked ? '已经屏蔽了此人' : '没有屏蔽此人');
  return target;
}

export async function blockedIds(em: EntityManager, blockerId: string, userIds: readonly string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  return new Set(await blockedAmong(em, blockerId, [...userIds]));
}
