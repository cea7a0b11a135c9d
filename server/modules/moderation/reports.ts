import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { ModerationReport, ModerationSanction, type ContentType, type ReportStatus } from '../../db/entities/index.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { authorize, can, ReportableContent } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import { inTransaction, publisherOf } from '../core/events.js';
import { isUniqueViolation } from '../../db/sql.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { notify } from '../notifications/notifications.js';
import { decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { contentForActor, moderatedGroupForActor } from './access.js';
import { parseContentType, parseReason, REASON_LABELS } from '../content/reasons.js';
import { groupAuditEntries, insertReport, openReportCounts, removedContentOf, reportKeys, resolveOpenReport } from './store.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { GroupAccess } from '../groups/subjects.js';

/** A member reports a message, thread or reply; one report per person per item (unique index). */
export async function reportContent(ctx: DomainContext, rawType: unknown, id: unknown, rawReason: unknown, rawNote: unknown): Promise<ModerationReport> {
  const actor = requireActor(ctx);
  const content = await contentForActor(ctx.em, actor, parseContentType(rawType), id);
  if (content.gone) throw notFound('内容');
  authorize(actor, 'report', new ReportableContent(content.group, content.authorId, !!content.removedAt), content.authorId === actor.userId ? '不能举报自己的内容' : content.removedAt ? '该内容已被移除' : '只有群成员可以举报');
  const reason = parseReason(rawReason);
  const note = valid.optionalText(rawNote, 'note', '举报说明', 500);
  try {
    const reportId = await insertReport(ctx.em, { groupId: content.group.group.id, reporterId: actor.userId, contentType: content.type, contentId: content.id, contentAuthorId: content.authorId, reason, note });
    return ctx.em.findOneOrFail(ModerationReport, { id: reportId });
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException || isUniqueViolation(error)) throw conflict('您已经举报过该内容');
    throw error;
  }
}

/** Resolves a report (action taken or dismissed) with a note; the reporter learns the outcome. */
export async function resolveReport(ctx: DomainContext, reportId: unknown, rawOutcome: unknown, rawNote: unknown): Promise<ModerationReport> {
  const actor = requireActor(ctx);
  if (!isUuid(reportId)) throw notFound('举报');
  const report = await ctx.em.findOne(ModerationReport, { id: reportId });
  if (!report) throw notFound('举报');
  const access = await moderatedGroupForActor(ctx.em, actor, report.group.id).catch(() => {
    throw notFound('举报');
  });
  // The queue is the moderators'; to everyone else a report id does not exist.
  if (!can(actor, 'moderate', access)) throw notFound('举报');
  const outcome = String(rawOutcome ?? '').toLowerCase();
  if (outcome !== 'actioned' && outcome !== 'dismissed') throw badInput('处理结果无效', 'outcome');
  const note = valid.optionalText(rawNote, 'note', '处理说明', 500);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (!(await resolveOpenReport(em, report.id, outcome, actor.userId, note))) throw conflict('该举报已经处理过了');
    audit(em, {
      actorId: actor.userId, action: 'moderation.report_resolved', targetType: 'group', targetId: report.group.id, reason: note, ip: ctx.ip,
      before: { reportId: report.id, status: 'open', userId: report.contentAuthor.id, contentType: report.contentType, contentId: report.contentId },
      after: { status: outcome },
    });
    for (const e of await notify(em, {
      kind: 'report_resolved', userIds: [report.reporter.id], actorId: actor.userId, groupId: report.group.id, subjectId: report.id,
      data: { outcome, note, contentType: report.contentType, reason: report.reason, reasonLabel: REASON_LABELS[report.reason] },
    })) emit(e);
  });
  await ctx.em.refresh(report);
  return report;
}

export interface QueueCount {
  reason: string;
  contentType: ContentType;
  count: number;
}

export interface ModerationQueue {
  access: GroupAccess;
  openCount: number;
  counts: QueueCount[];
}

/** The group's moderation queue: open counts per reason and type (the reports are paged separately). */
export async function moderationQueue(ctx: DomainContext, groupId: unknown): Promise<ModerationQueue> {
  const actor = requireActor(ctx);
  const access = await moderatedGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'moderate', access, '只有群主和管理员可以查看举报');
  const rows = await openReportCounts(ctx.em, access.group.id);
  const counts = rows.map((r) => ({ reason: r.reason, contentType: r.content_type, count: Number(r.n) }));
  return { access, openCount: counts.reduce((n, c) => n + c.count, 0), counts };
}

export async function queueReports(em: EntityManager, access: GroupAccess, status: ReportStatus | null, args: PageArgs): Promise<Page<ModerationReport>> {
  const size = pageSize(args.first);
  const cursor = decodeTypedCursor(args.after, ['timestamp', 'uuid']);
  const rows = await reportKeys(em, access.group.id, status, cursor ? [String(cursor[0]), String(cursor[1])] : null, size + 1);
  const reports = rows.length ? await em.find(ModerationReport, { id: rows.map((r) => r.id) }) : [];
  const byId = new Map(reports.map((r) => [r.id, r]));
  const page = toPage(rows, size, (r) => [r.created_key, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!) };
}

export interface AuditFilter {
  action?: string | null;
  actorId?: string | null;
  targetUserId?: string | null;
  from?: Date | string | null;
  to?: Date | string | null;
}

export interface AuditRow {
  id: string;
  at: Date;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  targetUserId: string | null;
}

/**
 * The group's audit log (its group-scoped entries), newest first, filtered by action, actor,
 * target person (the userId the entry is about) and time range; cursor = entry id.
 */
export async function groupAuditLog(ctx: DomainContext, groupId: unknown, filter: AuditFilter, args: PageArgs): Promise<Page<AuditRow>> {
  const actor = requireActor(ctx);
  const access = await moderatedGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'readAuditLog', access, '只有群主和管理员可以查看本群的操作记录');
  const size = pageSize(args.first);
  const cursor = decodeTypedCursor(args.after, ['digits']);
  if (filter.action && !/^[a-z_.]{1,64}$/.test(filter.action)) throw badInput('操作类型无效', 'action');
  if (filter.actorId && !isUuid(filter.actorId)) throw badInput('操作人无效', 'actorId');
  if (filter.targetUserId && !isUuid(filter.targetUserId)) throw badInput('对象无效', 'targetUserId');
  const time = (raw: Date | string | null | undefined, field: string) => {
    if (raw === null || raw === undefined || raw === '') return null;
    const at = raw instanceof Date ? raw : new Date(String(raw));
    if (Number.isNaN(at.getTime())) throw badInput('时间无效', field);
    return at;
  };
  const rows = await groupAuditEntries(ctx.em, {
    groupId: access.group.id,
    action: filter.action || null,
    actorId: filter.actorId || null,
    targetUserId: filter.targetUserId || null,
    from: time(filter.from, 'from'),
    to: time(filter.to, 'to'),
    beforeId: cursor ? String(cursor[0]) : null,
    limit: size + 1,
  });
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown> | null));
  const page = toPage(rows, size, (r) => [r.id]);
  return {
    ...page,
    nodes: page.nodes.map((r) => ({ id: r.id, at: new Date(r.at), actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id, reason: r.reason, before: parse(r.before), after: parse(r.after), ip: r.ip, targetUserId: r.target_user_id })),
  };
}

export interface RemovedContentRow {
  type: ContentType;
  id: string;
  groupId: string;
  title: string | null;
  body: string;
  reason: string;
  removedAt: Date;
  movedToThreadId: string | null;
}

/** 我的记录: the viewer's warnings, mutes, kicks and bans, and their removed content with its text. */
export async function myModerationRecord(ctx: DomainContext): Promise<{ sanctions: ModerationSanction[]; removedContent: RemovedContentRow[] }> {
  const actor = requireActor(ctx);
  const sanctions = await ctx.em.find(ModerationSanction, { user: actor.userId }, { orderBy: { createdAt: 'desc' }, limit: 200 });
  const rows = await removedContentOf(ctx.em, actor.userId);
  return {
    sanctions,
    removedContent: rows.map((r) => ({ type: r.type, id: r.id, groupId: r.group_id, title: r.title, body: r.body, reason: r.reason, removedAt: new Date(r.removed_at), movedToThreadId: r.moved_to_thread_id })),
  };
}
