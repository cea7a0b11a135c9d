import { timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ArchiveExport } from '../../db/entities/index.js';
import { audit } from '../../audit/logger.js';
import { AppError, badInput, conflict, notFound } from '../../errors.js';
import { authorize, can, holdsExportRight, seesGroupArchive, type Actor } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { moderatedGroupForActor } from '../moderation/access.js';
import { isUuid } from '../ids.js';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageArgs } from '../pagination.js';
import { enqueueJob } from '../scheduler/jobs.js';
import { rangeLabel } from './build.js';
import { countExportsOf, countPendingExports, deleteExportRow, exportRow, exportsOf, lockRequester, personProfile, type ExportRow, type PersonRow } from './store.js';
import { ARCHIVE_LINK_SECONDS, ARCHIVE_MAX_PENDING_PER_PERSON, ARCHIVE_MAX_RANGE_DAYS, ArchiveExportView } from './subjects.js';

/** The scheduled jobs of archives: building one, and removing its ZIP when it expires. */
export const ARCHIVE_EXPORT_JOB = 'archive.export';
export const ARCHIVE_EXPIRE_JOB = 'archive.expire';

export function viewOf(row: ExportRow): ArchiveExportView {
  return new ArchiveExportView(
    row.id, row.requester_id, row.kind, row.group_id, row.group_name, row.range_from ? new Date(row.range_from) : null, row.range_to ? new Date(row.range_to) : null,
    row.status, row.progress, row.storage_key, row.size === null ? null : Number(row.size), row.error, new Date(row.created_at), row.finished_at ? new Date(row.finished_at) : null, new Date(row.expires_at),
    row.requester_role,
  );
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 3600 * 1000;

/** A calendar day "YYYY-MM-DD" in Beijing time as the UTC instant it starts at. */
function beijingDay(raw: unknown, field: string): Date {
  const match = DAY.exec(String(raw ?? '').trim());
  const date = match ? new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00+08:00`) : null;
  // Reject days that do not exist (2026-02-30 would roll over).
  if (!date || Number.isNaN(date.getTime()) || new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10) !== match![0]) throw badInput('日期格式应为 YYYY-MM-DD', field);
  return date;
}

/** The inclusive range of days as instants [from, to): from ≤ to, at most ARCHIVE_MAX_RANGE_DAYS days. */
export function parseRange(rawFrom: unknown, rawTo: unknown): { from: Date; to: Date } {
  const from = beijingDay(rawFrom, 'from');
  const to = new Date(beijingDay(rawTo, 'to').getTime() + DAY_MS);
  if (to <= from) throw badInput('开始日期不能晚于结束日期', 'from');
  if (to.getTime() - from.getTime() > ARCHIVE_MAX_RANGE_DAYS * DAY_MS) throw badInput(`一次最多导出 ${ARCHIVE_MAX_RANGE_DAYS} 天的档案，请缩小日期范围`, 'to');
  return { from, to };
}

/** Inserts the export and its job after the per-person limit, in the caller's transaction. */
async function queueExport(em: EntityManager, actor: Actor, fields: { kind: 'group' | 'personal'; groupId: string | null; from: Date | null; to: Date | null }): Promise<string> {
  await lockRequester(em, actor.userId);
  if ((await countPendingExports(em, actor.userId)) >= ARCHIVE_MAX_PENDING_PER_PERSON) {
    throw conflict(`您已有 ${ARCHIVE_MAX_PENDING_PER_PERSON} 个导出正在进行，请等其完成后再申请`);
  }
  const row = em.create(ArchiveExport, {
    requester: actor.userId,
    kind: fields.kind,
    group: fields.groupId,
    rangeFrom: fields.from,
    rangeTo: fields.to,
    status: 'queued',
    progress: 0,
    createdAt: new Date(),
    // Replaced by "finished + keep days" when done; until then a queued export is never expired.
    expiresAt: new Date(Date.now() + 365 * DAY_MS),
  } as never) as ArchiveExport;
  await em.flush();
  await enqueueJob(em, { kind: ARCHIVE_EXPORT_JOB, subjectId: row.id, runAt: new Date() });
  return row.id;
}

/** 导出群组档案: the group's owner or admins, or a system admin, for a range of days. */
export async function requestGroupArchive(ctx: DomainContext, groupId: unknown, rawFrom: unknown, rawTo: unknown): Promise<ArchiveExportView> {
  const actor = requireActor(ctx);
  const id = await ctx.em.transactional(async (em) => {
    // A system admin reaches every group, invite-only ones included (as for moderation).
    const group = await moderatedGroupForActor(em, actor, groupId);
    if (!seesGroupArchive(actor, group)) throw notFound('群组');
    authorize(actor, 'exportArchive', group, '只有群主、群管理员或系统管理员可以导出群组档案');
    const { from, to } = parseRange(rawFrom, rawTo);
    const id = await queueExport(em, actor, { kind: 'group', groupId: group.group.id, from, to });
    audit(em, { actorId: actor.userId, action: 'archive.requested', targetType: 'group', targetId: group.group.id, after: { exportId: id, kind: 'group', range: rangeLabel(from, to) }, ip: ctx.ip });
    return id;
  });
  return exportForActor(ctx, id);
}

/** 导出我的数据: every official, their own profile, messages, posts and uploads. */
export async function requestPersonalArchive(ctx: DomainContext): Promise<ArchiveExportView> {
  const actor = requireActor(ctx);
  const id = await ctx.em.transactional(async (em) => {
    const id = await queueExport(em, actor, { kind: 'personal', groupId: null, from: null, to: null });
    audit(em, { actorId: actor.userId, action: 'archive.requested', targetType: 'user', targetId: actor.userId, after: { exportId: id, kind: 'personal' }, ip: ctx.ip });
    return id;
  });
  return exportForActor(ctx, id);
}

/** One export of the actor's own, or NOT_FOUND (another person's export is answered as missing). */
export async function exportForActor(ctx: DomainContext, id: unknown): Promise<ArchiveExportView> {
  const actor = requireActor(ctx);
  const row = isUuid(id) ? await exportRow(ctx.em, id) : undefined;
  const view = row ? viewOf(row) : null;
  if (!view || !can(actor, 'read', view)) throw notFound('导出记录');
  return view;
}

/** The actor's exports, newest first. */
export async function myExports(ctx: DomainContext, args: PageArgs): Promise<Page<ArchiveExportView>> {
  const actor = requireActor(ctx);
  const size = pageSize(args.first);
  const after = decodeCursor(args.after, 2) as [string, string] | null;
  const found = await exportsOf(ctx.em, actor.userId, after, size + 1);
  const nodes = found.slice(0, size).map(viewOf);
  const cursors = nodes.map((n) => encodeCursor([n.createdAt.toISOString(), n.id]));
  return { nodes, cursors, hasNextPage: found.length > size, endCursor: cursors[cursors.length - 1] ?? null, totalCount: () => countExportsOf(ctx.em, actor.userId) };
}

/** Deletes an export (not while it runs) and its ZIP. */
export async function deleteExport(ctx: DomainContext, id: unknown): Promise<boolean> {
  const actor = requireActor(ctx);
  const view = await exportForActor(ctx, id);
  authorize(actor, 'delete', view, '正在生成的导出不能删除，请等其完成');
  const removed = await ctx.em.transactional(async (em) => {
    const row = await deleteExportRow(em, view.id);
    if (!row) throw conflict('正在生成的导出不能删除，请等其完成');
    audit(em, { actorId: actor.userId, action: 'archive.deleted', targetType: view.groupId ? 'group' : 'user', targetId: view.groupId ?? actor.userId, after: { exportId: view.id }, ip: ctx.ip });
    return row;
  });
  if (removed.storage_key) await ctx.deps.storage.remove(removed.storage_key).catch(() => {});
  return true;
}

/** The file name the ZIP downloads as. */
export function archiveFileName(view: ArchiveExportView): string {
  const day = view.createdAt.toISOString().slice(0, 10);
  return view.kind === 'group' ? `群组档案-${view.groupName ?? '群组'}-${day}.zip` : `个人数据-${day}.zip`;
}

/** The ZIP of a finished export is gone from the store (the installation was restored from a backup, which holds no archive ZIPs). */
const archiveFileGone = () => new AppError('NOT_FOUND', '档案文件已不存在，请重新导出');

/** The requester as the policies see them when no session is at hand (the job, a signed link): nobody once disabled. */
export function requesterActor(person: PersonRow | undefined): Actor | null {
  if (!person || person.status !== 'active') return null;
  return { userId: person.id, sessionId: '', unitId: '', isSystemAdmin: person.is_system_admin, adminUnitPaths: [] };
}

/**
 * Short download links, for the requester only, and only while they still hold the right the
 * export was made with (`holdsExportRight`; lost: NOT_FOUND). Each link made is audited as a
 * download (with S3 the browser fetches from the store, which Jiaoliu never sees). With S3 the
 * store presigns; on disk Jiaoliu signs `/archives/link/<id>?e=<expiry>&s=<hmac>` (keyed by the
 * download-link secret, in a domain of its own so a file link's signature never opens an archive).
 */
export async function archiveDownloadLink(ctx: DomainContext, id: unknown): Promise<{ url: string; expiresAt: Date }> {
  const actor = requireActor(ctx);
  const view = await exportForActor(ctx, id);
  if (!holdsExportRight(actor, view)) throw notFound('导出记录');
  authorize(actor, 'download', view, view.status === 'failed' ? '导出失败，请重新申请' : view.expired ? '该导出已过期，请重新申请' : '导出尚未完成，请稍后再试');
  if (!(await ctx.deps.storage.exists(view.storageKey!))) throw archiveFileGone();
  const expires = Math.floor(Date.now() / 1000) + ARCHIVE_LINK_SECONDS;
  const presigned = await ctx.deps.storage.presignedUrl(view.storageKey!, ARCHIVE_LINK_SECONDS, archiveFileName(view), 'application/zip');
  const url = presigned ?? `/archives/link/${view.id}?e=${expires}&s=${ctx.deps.downloadLinks.signOther(`archive:${view.id}`, expires)}`;
  await ctx.em.transactional(async (em) => {
    audit(em, { actorId: actor.userId, action: 'archive.downloaded', targetType: view.groupId ? 'group' : 'user', targetId: view.groupId ?? actor.userId, after: { exportId: view.id }, ip: ctx.ip });
  });
  return { url, expiresAt: new Date(expires * 1000) };
}

/**
 * The ZIP a signed link names, if the link is genuine and unexpired, the export still
 * downloadable and its requester still holds the right (re-read now: the link outlives no
 * demotion); NOT_FOUND otherwise.
 */
export async function openArchiveLink(em: EntityManager, deps: DomainContext['deps'], id: string, rawExpires: unknown, signature: unknown): Promise<{ name: string; size: number; body: Readable }> {
  const expires = Number(rawExpires);
  if (!isUuid(id) || !Number.isInteger(expires) || expires < Date.now() / 1000 || typeof signature !== 'string') throw notFound('导出文件');
  const expected = Buffer.from(deps.downloadLinks.signOther(`archive:${id}`, expires));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound('导出文件');
  const row = await exportRow(em, id);
  const view = row ? viewOf(row) : null;
  if (!view || !can(requesterActor(await personProfile(em, view.requesterId)), 'download', view)) throw notFound('导出文件');
  if (!(await deps.storage.exists(view.storageKey!))) throw archiveFileGone();
  return { name: archiveFileName(view), size: view.size ?? 0, body: await deps.storage.get(view.storageKey!) };
}
