import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { higher, parseLevel, validAudience } from '../content/levels.js';
import { type Actor, authorize, can, mayReadSql } from '../../policies/index.js';
import { checkSensitive, sensitiveAuditAfter } from '../content/sensitive.js';
import { Thread } from '../../db/entities/index.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import type { OutgoingEvent } from '../core/realtime.js';
import { inTransaction, publisherOf } from '../core/events.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { toTsvectorLiteral } from '../content/segment.js';
import { checkAttachments, insertAttachments } from '../content/attachments.js';
import { boardForActor, threadForActor } from './access.js';
import { markThreadNotificationsRead, notify } from '../notifications/notifications.js';
import { validMentions, validPostBody, validTitle } from '../content/posts.js';
import type { ThreadAccess } from './subjects.js';
import { mutedError } from '../content/reasons.js';

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

/** SQL: the thread `t` is readable by the user given as the next parameter. */
export const threadReadable = (alias = 't') => mayReadSql(`${alias}.id`, `${alias}.confidentiality`, `${alias}.author_id`, `${alias}.group_id`, '?');

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
    const [still] = await em.execute<Array<{ member: boolean; archived: boolean }>>(
      `select exists(select 1 from group_member where group_id = ? and user_id = ? for share) as member,
              (select archived_at is not null from board where id = ? for share) as archived`,
      [board.group.group.id, actor.userId, board.board.id],
    );
    if (!still.member) throw notFound('版块');
    if (still.archived) throw forbidden('该版块已归档，不能发新帖');
    const [{ id }] = await em.execute<Array<{ id: string }>>(
      `insert into thread (id, group_id, board_id, author_id, title, body, created_at, last_activity_at, search_vector, confidentiality)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, now(), now(), ?::tsvector, ?) returning id`,
      [board.group.group.id, board.board.id, actor.userId, title, body, toTsvectorLiteral(title, body), level],
    );
    if (audience.length) {
      await em.execute(`insert into content_audience (subject_id, user_id, kind) select ?, u, 'thread' from unnest(?::uuid[]) as u`, [id, `{${audience.join(',')}}`]);
    }
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
    await em.execute(`insert into thread_follow (thread_id, user_id, last_seen_floor, created_at) values (?, ?, 0, now())`, [id, actor.userId]);
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
      await em.execute(`update thread set confidentiality = 'internal' where id = ? and confidentiality = 'normal'`, [access.thread.id]);
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
    const [current] = await em.execute<Array<{ title: string; body: string; locked_at: Date | null }>>(`select title, body, locked_at from thread where id = ? for update`, [access.thread.id]);
    if (current.locked_at) throw conflict('帖子已锁定，不能编辑');
    await em.execute(`insert into post_edit (thread_id, previous_title, previous_body, editor_id, edited_at) values (?, ?, ?, ?, now())`, [access.thread.id, current.title, current.body, actor.userId]);
    await em.execute(`update thread set title = ?, body = ?, edited_at = now(), search_vector = ?::tsvector where id = ?`, [title, body, toTsvectorLiteral(title, body), access.thread.id]);
  });
  return refreshed(ctx.em, access.thread.id);
}

async function refreshed(em: EntityManager, id: string): Promise<Thread> {
  const thread = await em.findOneOrFail(Thread, { id });
  await em.refresh(thread);
  return thread;
}

type Flag = 'pinned' | 'essence' | 'locked';
const FLAG_SQL: Record<Flag, { column: string; on: string; action: 'forum.thread_pinned' | 'forum.thread_essence' | 'forum.thread_locked'; already: [string, string] }> = {
  pinned: { column: 'pinned_at', on: 'now()', action: 'forum.thread_pinned', already: ['帖子已置顶', '帖子未置顶'] },
  essence: { column: 'essence', on: 'true', action: 'forum.thread_essence', already: ['帖子已是精华', '帖子不是精华'] },
  locked: { column: 'locked_at', on: 'now()', action: 'forum.thread_locked', already: ['帖子已锁定', '帖子未锁定'] },
};

/** 置顶, 精华, 锁定: group admins, audited. */
export async function setThreadFlag(ctx: DomainContext, threadId: unknown, flag: Flag, value: boolean): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  authorize(actor, 'moderate', access, '只有群主和管理员可以置顶、加精或锁定帖子');
  const spec = FLAG_SQL[flag];
  await ctx.em.transactional(async (em) => {
    const isOn = flag === 'essence' ? `${spec.column}` : `${spec.column} is not null`;
    const changed = await em.execute<Array<{ id: string }>>(
      `update thread set ${spec.column} = ${value ? spec.on : flag === 'essence' ? 'false' : 'null'} where id = ? and ${value ? 'not' : ''} (${isOn}) returning id`,
      [access.thread.id],
    );
    if (!changed.length) throw conflict(spec.already[value ? 0 : 1]);
    audit(em, { actorId: actor.userId, action: spec.action, targetType: 'group', targetId: access.group.group.id, after: { threadId: access.thread.id, [flag]: value }, ip: ctx.ip });
  });
  return refreshed(ctx.em, access.thread.id);
}

/** A visit: one more view, the follower has seen every reply so far, its notifications are read. */
export async function viewThread(ctx: DomainContext, threadId: unknown): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  await ctx.em.transactional(async (em) => {
    await em.execute(`update thread set view_count = view_count + 1 where id = ?`, [access.thread.id]);
    await em.execute(`update thread_follow f set last_seen_floor = t.last_floor from thread t where t.id = f.thread_id and f.thread_id = ? and f.user_id = ?`, [access.thread.id, actor.userId]);
    await markThreadNotificationsRead(em, actor.userId, access.thread.id);
  });
  return refreshed(ctx.em, access.thread.id);
}

export async function setFollowed(ctx: DomainContext, threadId: unknown, follow: boolean): Promise<Thread> {
  const actor = requireActor(ctx);
  const access = await threadForActor(ctx.em, actor, threadId);
  if (follow) {
    await ctx.em.execute(
      `insert into thread_follow (thread_id, user_id, last_seen_floor, created_at) select id, ?, last_floor, now() from thread where id = ? on conflict do nothing`,
      [actor.userId, access.thread.id],
    );
  } else {
    await ctx.em.execute(`delete from thread_follow where thread_id = ? and user_id = ?`, [access.thread.id, actor.userId]);
  }
  return access.thread;
}

interface ThreadKeyRow {
  id: string;
  pinned: number;
  activity: string;
}

/**
 * Threads of a board (or of the whole group), pinned first, then by last activity, newest
 * first. The cursor holds the sort key exactly (the timestamp as PostgreSQL prints it).
 */
export async function listThreads(em: EntityManager, scope: { boardId?: string; group: GroupAccess; viewer: Actor }, args: PageArgs & { essence?: boolean | null }): Promise<Page<Thread>> {
  const size = pageSize(args.first);
  const cursor = decodeTypedCursor(args.after, ['int', 'timestamp', 'uuid']);
  const where = [scope.boardId ? 't.board_id = ?' : 't.group_id = ?', threadReadable('t')];
  const params: unknown[] = [scope.boardId ?? scope.group.group.id, scope.viewer.userId];
  if (!scope.boardId) where.push(`exists (select 1 from board b where b.id = t.board_id and b.archived_at is null)`);
  // Threads removed by moderation are gone for members; the group's admins still list them.
  if (!can(scope.viewer, 'listRemovedThreads', scope.group)) where.push('t.removed_at is null');
  if (args.essence) where.push('t.essence');
  if (cursor) {
    where.push(`((t.pinned_at is not null)::int, t.last_activity_at, t.id) < (?, ?::timestamptz, ?::uuid)`);
    params.push(Number(cursor[0]), String(cursor[1]), String(cursor[2]));
  }
  const keys = await em.execute<ThreadKeyRow[]>(
    `select t.id, (t.pinned_at is not null)::int as pinned, t.last_activity_at::text as activity
       from thread t where ${where.join(' and ')}
      order by (t.pinned_at is not null) desc, t.last_activity_at desc, t.id desc limit ?`,
    [...params, size + 1],
  );
  return threadPage(em, keys, size);
}

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
  const cursor = decodeTypedCursor(args.after, ['int', 'timestamp', 'uuid']);
  const keys = await ctx.em.execute<ThreadKeyRow[]>(
    `select t.id, (t.last_floor > f.last_seen_floor)::int as pinned, t.last_activity_at::text as activity
       from thread_follow f
       join thread t on t.id = f.thread_id
       join group_member gm on gm.group_id = t.group_id and gm.user_id = f.user_id
      where f.user_id = ? and ${threadReadable('t')} and (t.removed_at is null or gm.role <> 'member') ${cursor ? `and ((t.last_floor > f.last_seen_floor)::int, t.last_activity_at, t.id) < (?, ?::timestamptz, ?::uuid)` : ''}
      order by (t.last_floor > f.last_seen_floor) desc, t.last_activity_at desc, t.id desc limit ?`,
    [actor.userId, actor.userId, ...(cursor ? [Number(cursor[0]), String(cursor[1]), String(cursor[2])] : []), size + 1],
  );
  return threadPage(ctx.em, keys, size);
}

/** For presenters: the viewer's follow state of several threads. */
export async function followStates(em: EntityManager, userId: string, threadIds: string[]): Promise<Map<string, number>> {
  if (!threadIds.length) return new Map();
  const rows = await em.execute<Array<{ thread_id: string; last_seen_floor: number }>>(
    `select thread_id, last_seen_floor from thread_follow where user_id = ? and thread_id in (?)`,
    [userId, threadIds],
  );
  return new Map(rows.map((r) => [r.thread_id, Number(r.last_seen_floor)]));
}

export type { ThreadAccess };
