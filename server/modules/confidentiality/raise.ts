import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { levelRank, type AudienceSubjectKind, type ConfidentialityLevel, type Thread, type ThreadReply } from '../../db/entities/index.js';
import { badInput, conflict } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import { messageForActor } from '../chat/access.js';
import { recordEvent } from '../core/events.js';
import { commitMessageChange } from '../chat/messages.js';
import type { MessageView } from '../chat/messageViews.js';
import { requireActor, type DomainContext } from '../context.js';
import { replyForActor, threadForActor } from '../forum/access.js';
import { LEVEL_NAMES, parseLevel, validAudience } from '../content/levels.js';
import { addAudience, raiseLevel } from './store.js';

/**
 * Raising a level after posting (group owner and admins; see policies/confidentiality.ts).
 * Levels only go up: nobody lowers one, not even back to what the author chose, because
 * members may already have treated the content as confidential. Each raise is audited with
 * the prior and resulting level in the same transaction; raising a message to restricted
 * sends its old audience an edit event that carries only the placeholder.
 *
 * Each mutation authorizes on the content itself (MessageAccess, ThreadAccess, ReplyAccess: the
 * rule its viewerCan serialises). The level is checked first (BAD_USER_INPUT; the viewer reads
 * the level anyway), so "already the top level" says so rather than FORBIDDEN.
 */
function assertRaise(current: ConfidentialityLevel, next: ConfidentialityLevel): void {
  if (levelRank(next) <= levelRank(current)) throw badInput(`只能提高保密级别（当前为「${LEVEL_NAMES[current]}」）`, 'confidentiality');
}

const REFUSED = '只有群主和管理员可以提高保密级别';

async function writeAudience(em: EntityManager, subjectId: string, kind: AudienceSubjectKind, userIds: string[]): Promise<void> {
  if (userIds.length) {
    await addAudience(em, subjectId, kind, userIds);
  }
}

export async function raiseMessageConfidentiality(ctx: DomainContext, messageId: unknown, rawLevel: unknown, audienceUserIds: unknown[] | null | undefined): Promise<MessageView> {
  const actor = requireActor(ctx);
  const access = await messageForActor(ctx.em, actor, messageId);
  const conv = access.conversation;
  const level = parseLevel(rawLevel);
  const current = access.message.confidentiality;
  assertRaise(current, level);
  authorize(actor, 'raiseConfidentiality', access, access.message.recalledAt ? '消息已撤回，不能提高保密级别' : access.message.removedAt ? '消息已被移除，不能提高保密级别' : REFUSED);
  const audience = await validAudience(ctx.em, level, audienceUserIds, { conversationId: conv.conversation.id }, access.message.author.id);
  return commitMessageChange(ctx, async (tem, emit) => {
    if (!(await raiseLevel(tem, 'message', access.message.id, current, level))) throw conflict('保密级别已被修改，请刷新后重试');
    await writeAudience(tem, access.message.id, 'message', audience);
    audit(tem, {
      actorId: actor.userId,
      action: 'content.confidentiality_raised',
      targetType: 'group',
      targetId: conv.group!.id,
      before: { messageId: access.message.id, confidentiality: current },
      after: { messageId: access.message.id, confidentiality: level, audienceUserIds: audience },
      ip: ctx.ip,
    });
    emit(await recordEvent(tem, { conversationId: conv.conversation.id, type: 'MESSAGE_EDITED', messageId: access.message.id, userId: actor.userId }));
    return access.message.id;
  });
}

export async function raiseThreadConfidentiality(ctx: DomainContext, threadId: unknown, rawLevel: unknown, audienceUserIds: unknown[] | null | undefined): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  const level = parseLevel(rawLevel);
  const current = access.thread.confidentiality;
  assertRaise(current, level);
  authorize(actor, 'raiseConfidentiality', access, access.thread.removedAt ? '帖子已被移除，不能提高保密级别' : REFUSED);
  const audience = await validAudience(ctx.em, level, audienceUserIds, { groupId: access.group.group.id }, access.thread.author.id);
  await ctx.em.transactional(async (em) => {
    if (!(await raiseLevel(em, 'thread', access.thread.id, current, level))) throw conflict('保密级别已被修改，请刷新后重试');
    await writeAudience(em, access.thread.id, 'thread', audience);
    audit(em, {
      actorId: actor.userId,
      action: 'content.confidentiality_raised',
      targetType: 'group',
      targetId: access.group.group.id,
      before: { threadId: access.thread.id, confidentiality: current },
      after: { threadId: access.thread.id, confidentiality: level, audienceUserIds: audience },
      ip: ctx.ip,
    });
  });
  await ctx.em.refresh(access.thread);
  return access.thread;
}

export async function raiseReplyConfidentiality(ctx: DomainContext, replyId: unknown, rawLevel: unknown, audienceUserIds: unknown[] | null | undefined): Promise<ThreadReply> {
  const actor = requireActor(ctx);
  const access = await replyForActor(ctx.em, actor, replyId);
  const group = access.thread.group;
  const level = parseLevel(rawLevel);
  if (level === 'restricted') throw badInput('回复不能单独设为「受限」，请将整个帖子设为受限', 'confidentiality');
  const current = access.reply.confidentiality;
  assertRaise(current, level);
  const gone = access.reply.deletedAt ? '回复已删除' : access.reply.removedAt ? '回复已被移除' : access.thread.thread.removedAt ? '帖子已被移除' : null;
  authorize(actor, 'raiseConfidentiality', access, gone ? `${gone}，不能提高保密级别` : REFUSED);
  const audience = await validAudience(ctx.em, level, audienceUserIds, { groupId: group.group.id }, access.reply.author.id);
  await ctx.em.transactional(async (em) => {
    if (!(await raiseLevel(em, 'reply', access.reply.id, current, level))) throw conflict('保密级别已被修改，请刷新后重试');
    await writeAudience(em, access.reply.id, 'reply', audience);
    audit(em, {
      actorId: actor.userId,
      action: 'content.confidentiality_raised',
      targetType: 'group',
      targetId: group.group.id,
      before: { replyId: access.reply.id, confidentiality: current },
      after: { replyId: access.reply.id, confidentiality: level, audienceUserIds: audience },
      ip: ctx.ip,
    });
  });
  await ctx.em.refresh(access.reply);
  return access.reply;
}
