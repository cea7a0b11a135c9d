import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { Announcement } from '../../db/entities/index.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { authorize, can, isAnyAdmin, type Actor } from '../../policies/index.js';
import { inTransaction, publisherOf, recordEvent } from '../core/events.js';
import type { OutgoingEvent } from '../core/realtime.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { notify } from '../notifications/notifications.js';
import { validTitle } from '../content/posts.js';
import { isUuid } from '../ids.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { announcementForActor, bulletinTargetsForActor, memberGroupForActor } from './access.js';
import { announcementKeys, changeAnnouncementPinned, insertAnnouncement, insertAuthorRead, insertRead, readAmong, readerRows, receiptCountRows, updateAnnouncementText } from './store/announcements.js';
import { groupMemberIds, markSubjectNotificationsRead } from './store/members.js';
import { MAX_ANNOUNCEMENT_BODY, MAX_BULLETIN_GROUPS, type AnnouncementAccess, type BulletinTarget } from './subjects.js';

function validBody(raw: unknown): string {
  const body = String(raw ?? '').normalize('NFC').replace(/\r\n?/g, '\n');
  if (!body.trim()) throw badInput('公告内容不能为空', 'body');
  if ([...body].length > MAX_ANNOUNCEMENT_BODY) throw badInput(`公告内容不能超过 ${MAX_ANNOUNCEMENT_BODY} 字`, 'body');
  return body;
}

/**
 * Tells every member of the group (the actor too) that its announcements changed, so that an
 * open chat reloads its pinned bar: on posting, editing, pinning and unpinning.
 */
async function announcementsChanged(em: EntityManager, emit: (e: OutgoingEvent) => void, actor: Actor, group: GroupAccess): Promise<void> {
  emit(await recordEvent(em, { conversationId: group.group.conversation.id, type: 'ANNOUNCEMENTS_CHANGED', userId: actor.userId }));
}

/** Inserts one announcement (pinned) and notifies the group's members; in the caller's transaction. */
async function announce(em: EntityManager, emit: (e: OutgoingEvent) => void, actor: Actor, group: GroupAccess, title: string, body: string, bulletinId: string | null): Promise<string> {
  const groupId = group.group.id;
  const id = await insertAnnouncement(em, { groupId, authorId: actor.userId, title, body, bulletinId });
  // The author has read what they wrote.
  await insertAuthorRead(em, id, actor.userId);
  const events = await notify(em, { kind: 'announcement', userIds: await groupMemberIds(em, groupId), actorId: actor.userId, groupId, subjectId: id, data: bulletinId ? { bulletin: true } : null });
  events.forEach(emit);
  await announcementsChanged(em, emit, actor, group);
  return id;
}

/** 群公告: posted by a group admin, pinned, every member notified. */
export async function postAnnouncement(ctx: DomainContext, groupId: unknown, rawTitle: unknown, rawBody: unknown): Promise<Announcement> {
  const actor = requireActor(ctx);
  const group = await memberGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'postAnnouncement', group, '只有群主和管理员可以发布群公告');
  const title = validTitle(rawTitle);
  const body = validBody(rawBody);
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const id = await announce(em, emit, actor, group, title, body, null);
    audit(em, { actorId: actor.userId, action: 'announcement.posted', targetType: 'announcement', targetId: id, after: { groupId: group.group.id, title }, ip: ctx.ip });
    return id;
  });
  return ctx.em.findOneOrFail(Announcement, { id });
}

async function refreshed(em: EntityManager, id: string): Promise<Announcement> {
  const a = await em.findOneOrFail(Announcement, { id });
  await em.refresh(a);
  return a;
}

export async function editAnnouncement(ctx: DomainContext, id: unknown, rawTitle: unknown, rawBody: unknown): Promise<Announcement> {
  const actor = requireActor(ctx);
  const access = await announcementForActor(ctx.em, actor, id);
  authorize(actor, 'manage', access, '只有群主和管理员可以修改群公告');
  const title = validTitle(rawTitle);
  const body = validBody(rawBody);
  const a = access.announcement;
  if (title === a.title && body === a.body) throw badInput('内容没有变化', 'body');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await updateAnnouncementText(em, a.id, title, body);
    audit(em, { actorId: actor.userId, action: 'announcement.edited', targetType: 'announcement', targetId: a.id, before: { title: a.title, body: a.body }, after: { title, body }, ip: ctx.ip });
    await announcementsChanged(em, emit, actor, access.group);
  });
  return refreshed(ctx.em, a.id);
}

export async function setAnnouncementPinned(ctx: DomainContext, id: unknown, pinned: boolean): Promise<Announcement> {
  const actor = requireActor(ctx);
  const access = await announcementForActor(ctx.em, actor, id);
  authorize(actor, 'manage', access, '只有群主和管理员可以置顶或取消置顶群公告');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (!(await changeAnnouncementPinned(em, access.announcement.id, pinned))) throw conflict(pinned ? '公告已置顶' : '公告未置顶');
    audit(em, { actorId: actor.userId, action: pinned ? 'announcement.pinned' : 'announcement.unpinned', targetType: 'announcement', targetId: access.announcement.id, ip: ctx.ip });
    await announcementsChanged(em, emit, actor, access.group);
  });
  return refreshed(ctx.em, access.announcement.id);
}

/** Opening an announcement: a read receipt, and its notification read. */
export async function openAnnouncement(ctx: DomainContext, id: unknown): Promise<Announcement> {
  const actor = requireActor(ctx);
  const access = await announcementForActor(ctx.em, actor, id);
  await ctx.em.transactional(async (em) => {
    await insertRead(em, access.announcement.id, actor.userId);
    await markSubjectNotificationsRead(em, actor.userId, access.announcement.id);
  });
  return access.announcement;
}

/** The groups where the viewer may publish a bulletin (see the policy), by name. */
export async function bulletinTargets(ctx: DomainContext): Promise<BulletinTarget[]> {
  const actor = requireActor(ctx);
  if (!isAnyAdmin(actor)) return [];
  const targets = (await bulletinTargetsForActor(ctx.em, actor)).filter((t) => can(actor, 'publishBulletin', t));
  return targets.sort((a, b) => a.group.group.name.localeCompare(b.group.group.name, 'zh-Hans-CN'));
}

/**
 * A unit admin's bulletin (e.g. the weekly 工作周报) to several groups at once: one
 * announcement per group sharing a bulletin id, all in one transaction, every member notified.
 */
export async function publishBulletin(ctx: DomainContext, rawGroupIds: unknown[], rawTitle: unknown, rawBody: unknown): Promise<Announcement[]> {
  const actor = requireActor(ctx);
  if (!isAnyAdmin(actor)) throw forbidden('只有单位管理员可以发布通报');
  const groupIds = [...new Set((rawGroupIds ?? []).map(String))];
  if (!groupIds.length) throw badInput('请选择要发布的群', 'groupIds');
  if (groupIds.length > MAX_BULLETIN_GROUPS) throw badInput(`一次最多发布到 ${MAX_BULLETIN_GROUPS} 个群`, 'groupIds');
  if (!groupIds.every(isUuid)) throw notFound('群组', 'groupIds');
  const title = validTitle(rawTitle);
  const body = validBody(rawBody);
  const targets = await bulletinTargetsForActor(ctx.em, actor, groupIds);
  // A group the actor is not in is answered like one that does not exist.
  if (targets.length !== groupIds.length) throw notFound('群组', 'groupIds');
  for (const target of targets) authorize(actor, 'publishBulletin', target, `您不能向「${target.group.group.name}」发布通报：须是该群管理员，或该群成员都在您管理的单位内`);
  const bulletinId = randomUUID();
  const ids = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const ids: string[] = [];
    for (const target of targets) {
      const id = await announce(em, emit, actor, target.group, title, body, bulletinId);
      audit(em, { actorId: actor.userId, action: 'announcement.bulletin_published', targetType: 'group', targetId: target.group.group.id, after: { announcementId: id, bulletinId, title }, ip: ctx.ip });
      ids.push(id);
    }
    return ids;
  });
  const found = await ctx.em.find(Announcement, { id: ids });
  const byId = new Map(found.map((a) => [a.id, a]));
  return ids.map((id) => byId.get(id)!);
}

/** A group's announcements: pinned first (latest pinned first), then newest. */
export async function listAnnouncements(em: EntityManager, group: GroupAccess, args: PageArgs & { pinnedOnly?: boolean | null }): Promise<Page<Announcement>> {
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 3);
  const keys = await announcementKeys(em, group.group.id, !!args.pinnedOnly, cursor ? [String(cursor[0]), String(cursor[1]), String(cursor[2])] : null, size + 1);
  const page = toPage(keys, size, (k) => [k.pinned, k.created, k.id]);
  const found = page.nodes.length ? await em.find(Announcement, { id: page.nodes.map((k) => k.id) }) : [];
  const byId = new Map(found.map((a) => [a.id, a]));
  return { ...page, nodes: page.nodes.map((k) => byId.get(k.id)!) };
}

export interface ReceiptStats {
  readCount: number;
  memberCount: number;
}

/** Read receipts of several announcements (counting current members only), for admins. */
export async function receiptCounts(em: EntityManager, ids: string[]): Promise<Map<string, ReceiptStats>> {
  if (!ids.length) return new Map();
  const rows = await receiptCountRows(em, ids);
  return new Map(rows.map((r) => [r.id, { readCount: Number(r.read_count), memberCount: Number(r.member_count) }]));
}

export async function announcementReaders(em: EntityManager, access: AnnouncementAccess): Promise<Array<{ userId: string; readAt: Date }>> {
  const rows = await readerRows(em, access.announcement.group.id, access.announcement.id);
  return rows.map((r) => ({ userId: r.user_id, readAt: new Date(r.read_at) }));
}

export async function viewerReadStates(em: EntityManager, userId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  return new Set(await readAmong(em, userId, ids));
}
