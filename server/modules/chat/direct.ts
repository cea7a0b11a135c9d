import type { EntityManager } from '@mikro-orm/postgresql';
import { Conversation, User } from '../../db/entities/index.js';
import { badInput, conflict } from '../../errors.js';
import { userForActor } from '../accounts/access.js';
import { requireActor, type DomainContext } from '../context.js';
import { conversationForActor, conversationsForActor } from '../groups/access.js';
import type { ConversationAccess } from '../groups/subjects.js';

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
    const created = await em.execute<Array<{ id: string }>>(
      `insert into conversation (id, kind, last_seq, direct_key, created_at) values (gen_random_uuid(), 'direct', 0, ?, now())
       on conflict (direct_key) do nothing returning id`,
      [key],
    );
    if (created.length) {
      await em.execute(
        `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, 0, now()), (?, ?, 0, now())`,
        [created[0].id, actor.userId, created[0].id, peer.id],
      );
    }
  });
  const conversation = await ctx.em.findOneOrFail(Conversation, { directKey: key });
  return conversationForActor(ctx.em, actor, conversation.id);
}

/** The viewer's private conversations, newest activity first. */
export async function directConversations(ctx: DomainContext, first = 50): Promise<ConversationAccess[]> {
  const actor = requireActor(ctx);
  const limit = Math.min(Math.max(1, first), 100);
  const rows = await ctx.em.execute<Array<{ id: string }>>(
    `select c.id from conversation c join conversation_member cm on cm.conversation_id = c.id
      where cm.user_id = ? and c.kind = 'direct'
      order by coalesce(c.last_message_at, c.created_at) desc limit ?`,
    [actor.userId, limit],
  );
  return conversationsForActor(ctx.em, actor, rows.map((r) => r.id));
}

export async function setBlocked(ctx: DomainContext, userId: unknown, blocked: boolean): Promise<User> {
  const actor = requireActor(ctx);
  const target = await userForActor(ctx.em, actor, userId);
  if (target.id === actor.userId) throw badInput('不能屏蔽自己', 'userId');
  const changed = blocked
    ? await ctx.em.execute<unknown[]>(`insert into user_block (blocker_id, blocked_id, created_at) values (?, ?, now()) on conflict do nothing returning blocked_id`, [actor.userId, target.id])
    : await ctx.em.execute<unknown[]>(`delete from user_block where blocker_id = ? and blocked_id = ? returning blocked_id`, [actor.userId, target.id]);
  if (!changed.length) throw conflict(blocked ? '已经屏蔽了此人' : '没有屏蔽此人');
  return target;
}

export async function blockedIds(em: EntityManager, blockerId: string, userIds: readonly string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await em.execute<Array<{ blocked_id: string }>>(`select blocked_id from user_block where blocker_id = ? and blocked_id in (?)`, [blockerId, userIds as string[]]);
  return new Set(rows.map((r) => r.blocked_id));
}
