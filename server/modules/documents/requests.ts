import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { DocumentRequest } from '../../db/entities/index.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import { inTransaction, publisherOf } from '../core/events.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext } from '../context.js';
import { forumForActor } from '../forum/access.js';
import { notify } from '../notifications/notifications.js';
import { isUuid } from '../ids.js';
import { checkAttachments } from '../content/attachments.js';
import { closeRequest, groupMember, insertRequest, insertRequestAnswer, lockRequestStatus, openRequestIdsFor } from './store.js';

function dueDate(raw: unknown): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const text = String(raw);
  const date = new Date(`${text}T00:00:00+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime())) throw badInput('日期格式应为 YYYY-MM-DD', 'dueDate');
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Asia/Shanghai' }));
  today.setHours(0, 0, 0, 0);
  if (new Date(`${text}T00:00:00`) < today) throw badInput('期限不能早于今天', 'dueDate');
  return text;
}

/** A request in a group the actor belongs to, or NOT_FOUND. */
async function requestForActor(em: EntityManager, ctx: DomainContext, id: unknown): Promise<{ request: DocumentRequest; group: GroupAccess }> {
  const actor = requireActor(ctx);
  if (!isUuid(id)) throw notFound('资料请求');
  const request = await em.findOne(DocumentRequest, { id });
  if (!request) throw notFound('资料请求');
  const group = await forumForActor(em, actor, request.group.id).catch(() => {
    throw notFound('资料请求');
  });
  return { request, group };
}

/** 资料寻找: ask the group, or one official in it (who is notified), optionally by a date. */
export async function requestDocument(ctx: DomainContext, input: { groupId: unknown; title: unknown; details?: unknown; addresseeId?: unknown; dueDate?: unknown }): Promise<DocumentRequest> {
  const actor = requireActor(ctx);
  const group = await forumForActor(ctx.em, actor, input.groupId);
  const title = valid.requiredText(input.title, 'title', '所需资料', 100);
  const details = valid.optionalText(input.details, 'details', '说明', 1000);
  const due = dueDate(input.dueDate);
  let addressee: string | null = null;
  if (input.addresseeId) {
    const member = isUuid(input.addresseeId) ? await groupMember(ctx.em, group.group.id, input.addresseeId) : null;
    if (!member) throw badInput('只能向本群成员索要资料', 'addresseeId');
    if (member === actor.userId) throw badInput('不能向自己索要资料', 'addresseeId');
    addressee = member;
  }
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const id = await insertRequest(em, { groupId: group.group.id, requesterId: actor.userId, addresseeId: addressee, title, details, dueDate: due });
    if (addressee) for (const event of await notify(em, { kind: 'document_request', userIds: [addressee], actorId: actor.userId, groupId: group.group.id, subjectId: id, data: { title } })) emit(event);
    audit(em, { actorId: actor.userId, action: 'document.request_created', targetType: 'group', targetId: group.group.id, after: { requestId: id, title, addresseeId: addressee, dueDate: due }, ip: ctx.ip });
    return id;
  });
  return ctx.em.findOneOrFail(DocumentRequest, { id });
}

/** Answer with a document version of the group's library; the requester is notified. */
export async function answerDocumentRequest(ctx: DomainContext, requestId: unknown, versionId: unknown, rawNote: unknown): Promise<DocumentRequest> {
  const actor = requireActor(ctx);
  const { request, group } = await requestForActor(ctx.em, ctx, requestId);
  if (request.status !== 'open') throw conflict('该资料请求已结束');
  const note = valid.optionalText(rawNote, 'note', '留言', 500);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if ((await lockRequestStatus(em, request.id)) !== 'open') throw conflict('该资料请求已结束');
    const [version] = await checkAttachments(em, { groupId: group.group.id, conversationId: null }, [versionId]).catch(() => {
      throw badInput('请选择本群文件中的文件', 'versionId');
    });
    await insertRequestAnswer(em, { requestId: request.id, versionId: version, answererId: actor.userId, note });
    for (const event of await notify(em, { kind: 'document_request_answered', userIds: [request.requester.id], actorId: actor.userId, groupId: group.group.id, subjectId: request.id, data: { title: request.title } })) emit(event);
  });
  await ctx.em.refresh(request);
  return request;
}

/** Only the requester ends a request: fulfilled (找到了) or closed. */
export async function closeDocumentRequest(ctx: DomainContext, requestId: unknown, fulfilled: boolean): Promise<DocumentRequest> {
  const actor = requireActor(ctx);
  const { request, group } = await requestForActor(ctx.em, ctx, requestId);
  authorize(actor, 'close', request, '只有提出请求的人可以结束它');
  await ctx.em.transactional(async (em) => {
    if (!(await closeRequest(em, request.id, fulfilled ? 'fulfilled' : 'closed'))) throw conflict('该资料请求已结束');
    audit(em, { actorId: actor.userId, action: 'document.request_closed', targetType: 'group', targetId: group.group.id, after: { requestId: request.id, fulfilled }, ip: ctx.ip });
  });
  await ctx.em.refresh(request);
  return request;
}

export async function groupRequests(em: EntityManager, group: GroupAccess, includeClosed: boolean): Promise<DocumentRequest[]> {
  return em.find(DocumentRequest, { group: group.group.id, ...(includeClosed ? {} : { status: 'open' }) }, { orderBy: { createdAt: 'desc' }, limit: 200 });
}

/** Open requests naming the viewer, in groups they still belong to. */
export async function requestsForMe(ctx: DomainContext): Promise<DocumentRequest[]> {
  const actor = requireActor(ctx);
  const ids = await openRequestIdsFor(ctx.em, actor.userId);
  return ids.length ? ctx.em.find(DocumentRequest, { id: ids }, { orderBy: { createdAt: 'desc' } }) : [];
}
