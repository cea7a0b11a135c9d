import type { EntityManager } from '@mikro-orm/postgresql';
import { ThreadReply } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { higher, parseLevel } from '../content/levels.js';
import { authorize, can } from '../../policies/index.js';
import { checkSensitive, sensitiveAuditAfter } from '../content/sensitive.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { inTransaction, publisherOf } from '../core/events.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { toTsvectorLiteral } from '../content/segment.js';
import { checkAttachments, insertAttachments } from '../content/attachments.js';
import { replyForActor, threadForActor } from './access.js';
import { notify } from '../notifications/notifications.js';
import { validMentions, validPostBody } from '../content/posts.js';
import type { ThreadAccess } from './subjects.js';
import { mutedError } from '../content/reasons.js';
import {
  followersWhoMayRead,
  insertReply,
  insertReplyEdit,
  lockReplyText,
  markFloorSeen,
  markReplyDeleted,
  memberAndBoardArchived,
  membersWhoMayRead,
  quotedReply,
  raiseReplyToInternal,
  takeNextFloor,
  uncountReply,
  updateReplyText,
} from './store/replies.js';

/**
 * A reply takes the next floor under the thread's row lock (so floors are gapless and a lock
 * set meanwhile is honoured); followers are told, mentioned members too (once each).
 */
export async function replyToThread(
  ctx: DomainContext,
  threadId: unknown,
  rawBody: unknown,
  quoteReplyId: unknown,
  mentionUserIds: unknown[] | null | undefined,
  attachmentVersionIds: unknown[] | null = null,
  options: { confidentiality?: unknown; acknowledgeSensitive?: boolean | null } = {},
): Promise<ThreadReply> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  if (!can(actor, 'reply', access) && !access.thread.lockedAt && !access.board.archivedAt) {
    const muted = mutedError(access.group.role, access.group.mutedUntil, access.group.group);
    if (muted) throw muted;
  }
  authorize(actor, 'reply', access, access.thread.removedAt ? '帖子已被管理员移除' : access.thread.lockedAt ? '帖子已锁定，不能回复' : access.board.archivedAt ? '该版块已归档，不能回复' : '您不是该群成员，不能回复');
  const body = validPostBody(rawBody);
  const quoteId = quoteReplyId === null || quoteReplyId === undefined ? null : String(quoteReplyId);
  if (quoteId !== null) {
    const quoted = isUuid(quoteId) ? await quotedReply(ctx.em, quoteId, access.thread.id) : undefined;
    if (!quoted) throw badInput('只能引用本帖的楼层', 'quoteReplyId');
    if (quoted.deleted_at || quoted.removed_at) throw badInput('被引用的楼层已删除', 'quoteReplyId');
  }
  const mentions = await validMentions(ctx.em, access.group.group.id, mentionUserIds);
  // A floor is normal or internal; restricted is a property of the whole thread (its floors follow it).
  const requested = parseLevel(options.confidentiality);
  if (requested === 'restricted') throw badInput('回复不能单独设为「受限」，请将整个帖子设为受限', 'confidentiality');
  const restrictedThread = access.thread.confidentiality === 'restricted';
  const verdict = await checkSensitive(ctx.em, access.group.group.id, [body], !!options.acknowledgeSensitive);
  const level = verdict.acknowledged ? higher(requested, 'internal') : requested;
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const floor = await takeNextFloor(em, access.thread.id);
    if (floor === undefined) throw forbidden('帖子已锁定，不能回复');
    // Re-checked under the thread's lock: a removal or a board archive that committed meanwhile wins.
    const still = await memberAndBoardArchived(em, access.group.group.id, actor.userId, access.board.id);
    if (!still.member) throw notFound('帖子');
    if (still.archived) throw forbidden('该版块已归档，不能回复');
    const id = await insertReply(em, { groupId: access.group.group.id, threadId: access.thread.id, floor, authorId: actor.userId, body, quoteId, searchVector: toTsvectorLiteral(body), confidentiality: level });
    if (verdict.acknowledged) {
      audit(em, {
        actorId: actor.userId,
        action: 'content.sensitive_acknowledged',
        targetType: 'group',
        targetId: access.group.group.id,
        reason: '回帖前确认了保密提醒',
        after: sensitiveAuditAfter({ threadId: access.thread.id, replyId: id }, verdict.matches, level),
        ip: ctx.ip,
      });
    }
    await insertAttachments(em, { replyId: id }, await checkAttachments(em, { groupId: access.group.group.id, conversationId: null }, attachmentVersionIds));
    // The replier has seen their own floor.
    await markFloorSeen(em, access.thread.id, actor.userId, floor);
    // Followers and mentioned members hear of it only if they may read the thread now.
    const readers = await membersWhoMayRead(em, access.thread.id, access.group.group.id, mentions);
    if (restrictedThread && readers.length !== mentions.length) throw badInput('受限帖子只能提及可见成员', 'mentionUserIds');
    const followers = await followersWhoMayRead(em, access.group.group.id, access.thread.id);
    const mentioned = new Set(mentions);
    const base = { actorId: actor.userId, groupId: access.group.group.id, threadId: access.thread.id, replyId: id };
    for (const event of await notify(em, { ...base, kind: 'mention', userIds: mentions })) emit(event);
    for (const event of await notify(em, { ...base, kind: 'thread_reply', userIds: followers.filter((u) => !mentioned.has(u)) })) emit(event);
    return id;
  });
  return ctx.em.findOneOrFail(ThreadReply, { id });
}

export async function editReply(ctx: DomainContext, replyId: unknown, rawBody: unknown, acknowledgeSensitive = false): Promise<ThreadReply> {
  const actor = requireActor(ctx);
  const access = await replyForActor(ctx.em, actor, replyId);
  authorize(actor, 'edit', access, access.reply.deletedAt ? '该楼层已删除' : access.thread.thread.lockedAt ? '帖子已锁定，不能编辑' : '只能编辑自己的回复');
  const body = validPostBody(rawBody);
  if (body === access.reply.body) throw badInput('内容没有变化', 'body');
  const group = access.thread.group.group;
  const verdict = await checkSensitive(ctx.em, group.id, [body], acknowledgeSensitive);
  await ctx.em.transactional(async (em) => {
    if (verdict.acknowledged) {
      await raiseReplyToInternal(em, access.reply.id);
      audit(em, {
        actorId: actor.userId,
        action: 'content.sensitive_acknowledged',
        targetType: 'group',
        targetId: group.id,
        reason: '编辑时确认了保密提醒',
        after: sensitiveAuditAfter({ threadId: access.thread.thread.id, replyId: access.reply.id }, verdict.matches, higher(access.reply.confidentiality, 'internal')),
        ip: ctx.ip,
      });
    }
    const current = await lockReplyText(em, access.reply.id);
    if (current.deleted_at) throw conflict('该楼层已删除');
    await insertReplyEdit(em, access.thread.thread.id, access.reply.id, current.body, actor.userId);
    await updateReplyText(em, access.reply.id, body, toTsvectorLiteral(body));
  });
  return reloaded(ctx.em, access.reply.id);
}

/** The text goes (from every read and from search); the floor number stays as a tombstone. */
export async function deleteReply(ctx: DomainContext, replyId: unknown): Promise<ThreadReply> {
  const actor = requireActor(ctx);
  const access = await replyForActor(ctx.em, actor, replyId);
  if (access.reply.deletedAt) throw conflict('该楼层已删除');
  authorize(actor, 'delete', access, '只能删除自己的回复');
  await ctx.em.transactional(async (em) => {
    if (!(await markReplyDeleted(em, access.reply.id))) throw conflict('该楼层已删除');
    await uncountReply(em, access.thread.thread.id);
  });
  return reloaded(ctx.em, access.reply.id);
}

async function reloaded(em: EntityManager, id: string): Promise<ThreadReply> {
  const reply = await em.findOneOrFail(ThreadReply, { id });
  await em.refresh(reply);
  return reply;
}

/** Floors in order after a floor number. */
export async function listReplies(em: EntityManager, access: ThreadAccess, args: PageArgs): Promise<Page<ThreadReply>> {
  const size = pageSize(args.first);
  const cursor = decodeTypedCursor(args.after, ['int']);
  const after = cursor ? Number(cursor[0]) : 0;
  if (!Number.isInteger(after) || after < 0) throw badInput('分页游标无效', 'after');
  const replies = await em.find(ThreadReply, { thread: access.thread.id, floor: { $gt: after } }, { orderBy: { floor: 'asc' }, limit: size + 1 });
  return toPage(replies, size, (r) => [r.floor]);
}
