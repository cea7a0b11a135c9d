import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { higher, parseLevel, validAudience } from '../content/levels.js';
import { type Actor, authorize, can } from '../../policies/index.js';
import { checkSensitive, sensitiveAuditAfter } from '../content/sensitive.js';
import { Thread } from '../../db/entities/index.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { inTransaction, publisherOf } from '../core/events.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { toTitledTsvectorLiteral } from '../content/segment.js';
import { checkAttachments, insertAttachments } from '../content/attachments.js';
import { boardForActor, threadForActor } from './access.js';
import { markThreadNotificationsRead, notify } from '../notifications/notifications.js';
import { validMentions, validPostBody, validTitle } from '../content/posts.js';
import type { ThreadAccess } from './subjects.js';
import { mutedError } from '../content/reasons.js';
import {
  changeThreadFlag,
  countThreadView,
  followedThreadKeys,
  followRows,
  followThread,
  insertAuthorFollow,
  insertThread,
  insertThreadAudience,
  insertThreadEdit,
  lockThreadText,
  markFollowerUpToDate,
  memberAndBoardLocked,
  raiseThreadToInternal,
  threadKeys,
  unfollowThread,
  updateThreadText,
  type ThreadCursor,
  type ThreadFlag,
  type ThreadKeyRow,
} from './store/threads.js';

export interface ThreadInput {
  boardId: unknown;
  title: unknown;
  body: unknown;
  mentionUserIds?: unknown[] | null;
  attachmentVersionIds?: unknown[] | null;
  /** NORMAL (default), INTERNAL or RESTRICTED. */
  confidentiality?: unknown;
  /** RESTRICTED only: members (besides the author and the group admins) who may read the thread. */
  audienceUserIds?: unknown[] | null;
  /** Post anyway although the sensitive-content check warned (then INTERNAL, audited). */
  acknowledgeSensitive?: boolean | null;
}

export async function createThread(ctx: DomainContext, input: ThreadInput): Promise<Thread> {
  const actor = requireActor(ctx);
  const board = await boardForActor(ctx.em, actor, input.boardId);
  if (!can(actor, 'post', board)) {
    const muted = mutedError(board.group.role, board.group.mutedUntil, board.group.group);
    if (muted && !board.board.archivedAt) throw muted;
  }
  authorize(actor, 'post', board, board.board.archivedAt ? '该版块已归档，不能发新帖' : '您不是该群成员，不能发帖');
  const title = validTitle(input.title);
  const body = validPostBody(input.body);
  const mentions = await validMentions(ctx.em, board.group.group.id, input.mentionUserIds);
  const requested = parseLevel(input.confidentiality);
  const audience = await validAudience(ctx.em, requested, input.audienceUserIds, { groupId: board.group.group.id }, actor.userId);
  if (requested === 'restricted' && mentions.some((id) => !audience.includes(id))) throw badInput('受限帖子只能提及可见成员', 'mentionUserIds');
  const verdict = await checkSensitive(ctx.em, board.group.group.id, [title, body], !!input.acknowledgeSensitive);
  const level = verdict.acknowledged ? higher(requested, 'internal') : requested;
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    // Re-checked in the transaction, under a share lock on the membership and the board.
    const still = await memberAndBoardLocked(em, board.group.group.id, actor.userId, board.board.id);
    if (!still.member) throw notFound('版块');
    if (still.archived) throw forbidden('该版块已归档，不能发新帖');
    const id = await insertThread(em, { groupId: board.group.group.id, boardId: board.board.id, authorId: actor.userId, title, body, searchVector: toTitledTsvectorLiteral(title, body), confidentiality: level });
    if (audience.length) await insertThreadAudience(em, id, audience);
    if (verdict.acknowledged) {
      audit(em, {
        actorId: actor.userId,
        action: 'content.sensitive_acknowledged',
        targetType: 'group',
        targetId: board.group.group.id,
        reason: '发帖前确认了保密提醒',
        after: sensitiveAuditAfter({ threadId: id }, verdict.matches, level),
        ip: ctx.ip,
      });
    }
    await insertAttachments(em, { threadId: id }, await checkAttachments(em, { groupId: board.group.group.id, conversationId: null }, input.attachmentVersionIds));
    await insertAuthorFollow(em, id, actor.userId);
    for (const event of await notify(em, { kind: 'mention', userIds: mentions, actorId: actor.userId, groupId: board.group.group.id, threadId: id })) emit(event);
    return id;
  });
  return ctx.em.findOneOrFail(Thread, { id });
}

export async function editThread(ctx: DomainContext, threadId: unknown, rawTitle: unknown, rawBody: unknown, acknowledgeSensitive = false): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  authorize(actor, 'edit', access, access.thread.lockedAt ? '帖子已锁定，不能编辑' : '只能编辑自己的帖子');
  const title = validTitle(rawTitle);
  const body = validPostBody(rawBody);
  if (title === access.thread.title && body === access.thread.body) throw badInput('内容没有变化', 'body');
  const verdict = await checkSensitive(ctx.em, access.group.group.id, [title, body], acknowledgeSensitive);
  await ctx.em.transactional(async (em) => {
    if (verdict.acknowledged) {
      await raiseThreadToInternal(em, access.thread.id);
      audit(em, {
        actorId: actor.userId,
        action: 'content.sensitive_acknowledged',
        targetType: 'group',
        targetId: access.group.group.id,
        reason: '编辑时确认了保密提醒',
        after: sensitiveAuditAfter({ threadId: access.thread.id }, verdict.matches, higher(access.thread.confidentiality, 'internal')),
        ip: ctx.ip,
      });
    }
    const current = await lockThreadText(em, access.thread.id);
    if (current.locked_at) throw conflict('帖子已锁定，不能编辑');
    await insertThreadEdit(em, access.thread.id, current, actor.userId);
    await updateThreadText(em, access.thread.id, title, body, toTitledTsvectorLiteral(title, body));
  });
  return refreshed(ctx.em, access.thread.id);
}

async function refreshed(em: EntityManager, id: string): Promise<Thread> {
  const thread = await em.findOneOrFail(Thread, { id });
  await em.refresh(thread);
  return thread;
}

const FLAGS: Record<ThreadFlag, { action: 'forum.thread_pinned' | 'forum.thread_essence' | 'forum.thread_locked'; already: [string, string] }> = {
  pinned: { action: 'forum.thread_pinned', already: ['帖子已置顶', '帖子未置顶'] },
  essence: { action: 'forum.thread_essence', already: ['帖子已是精华', '帖子不是精华'] },
  locked: { action: 'forum.thread_locked', already: ['帖子已锁定', '帖子未锁定'] },
};

/** 置顶, 精华, 锁定: group admins, audited. */
export async function setThreadFlag(ctx: DomainContext, threadId: unknown, flag: ThreadFlag, value: boolean): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  authorize(actor, 'moderate', access, '只有群主和管理员可以置顶、加精或锁定帖子');
  const spec = FLAGS[flag];
  await ctx.em.transactional(async (em) => {
    if (!(await changeThreadFlag(em, access.thread.id, flag, value))) throw conflict(spec.already[value ? 0 : 1]);
    audit(em, { actorId: actor.userId, action: spec.action, targetType: 'group', targetId: access.group.group.id, after: { threadId: access.thread.id, [flag]: value }, ip: ctx.ip });
  });
  return refreshed(ctx.em, access.thread.id);
}

/** A visit: one more view, the follower has seen every reply so far, its notifications are read. */
export async function viewThread(ctx: DomainContext, threadId: unknown): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  await ctx.em.transactional(async (em) => {
    await countThreadView(em, access.thread.id);
    await markFollowerUpToDate(em, access.thread.id, actor.userId);
    await markThreadNotificationsRead(em, actor.userId, access.thread.id);
  });
  return refreshed(ctx.em, access.thread.id);
}

export async function setFollowed(ctx: DomainContext, threadId: unknown, follow: boolean): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  if (follow) await followThread(ctx.em, access.thread.id, actor.userId);
  else await unfollowThread(ctx.em, access.thread.id, actor.userId);
  return access.thread;
}

/**
 * Threads of a board (or of the whole group), pinned first, then by last activity, newest
 * first. The cursor holds the sort key exactly (the timestamp as PostgreSQL prints it).
 */
export async function listThreads(em: EntityManager, scope: { boardId?: string; group: GroupAccess; viewer: Actor }, args: PageArgs & { essence?: boolean | null }): Promise<Page<Thread>> {
  const size = pageSize(args.first);
  const cursor = threadCursor(decodeTypedCursor(args.after, ['int', 'timestamp', 'uuid']));
  // Threads removed by moderation are gone for members; the group's admins still list them.
  const includeRemoved = can(scope.viewer, 'listRemovedThreads', scope.group);
  const keys = await threadKeys(em, { boardId: scope.boardId, groupId: scope.group.group.id, viewerId: scope.viewer.userId, includeRemoved, essenceOnly: !!args.essence }, cursor, size + 1);
  return threadPage(em, keys, size);
}

const threadCursor = (cursor: ReturnType<typeof decodeTypedCursor>): ThreadCursor | null => (cursor ? [Number(cursor[0]), String(cursor[1]), String(cursor[2])] : null);

async function threadPage(em: EntityManager, keys: ThreadKeyRow[], size: number): Promise<Page<Thread>> {
  const threads = keys.length ? await em.find(Thread, { id: keys.map((k) => k.id) }) : [];
  const byId = new Map(threads.map((t) => [t.id, t]));
  const page = toPage(keys, size, (k) => [k.pinned, k.activity, k.id]);
  return { ...page, nodes: page.nodes.map((k) => byId.get(k.id)!) };
}

/**
 * 我的帖子: followed threads in groups the viewer still belongs to, those with new replies
 * first, then by last activity.
 */
export async function myThreads(ctx: DomainContext, args: PageArgs): Promise<Page<Thread>> {
  const actor = requireActor(ctx);
  const size = pageSize(args.first);
  const cursor = threadCursor(decodeTypedCursor(args.after, ['int', 'timestamp', 'uuid']));
  const keys = await followedThreadKeys(ctx.em, actor.userId, cursor, size + 1);
  return threadPage(ctx.em, keys, size);
}

/** For presenters: the viewer's follow state of several threads. */
export async function followStates(em: EntityManager, userId: string, threadIds: string[]): Promise<Map<string, number>> {
  if (!threadIds.length) return new Map();
  const rows = await followRows(em, userId, threadIds);
  return new Map(rows.map((r) => [r.thread_id, Number(r.last_seen_floor)]));
}

export type { ThreadAccess };
