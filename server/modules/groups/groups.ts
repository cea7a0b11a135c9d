import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { ChatGroup, Conversation, GroupApplication, GroupInvitation, GroupMember, User, type GroupRole, type GroupVisibility } from '../../db/entities/index.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { authorize, can, type Actor } from '../../policies/index.js';
import { userForActor } from '../accounts/access.js';
import * as valid from '../core/validation.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeCursor, decodeTypedCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { groupForActor, memberOf } from './access.js';
import { inTransaction, publisherOf, recordEvent } from '../core/events.js';
import type { OutgoingEvent } from '../core/realtime.js';
import { markSubjectReadForAll, notificationsChanged, notify } from '../notifications/notifications.js';
import { GroupAccess } from './subjects.js';
import { groupPinyinKey, queryPinyin } from '../content/pinyin.js';
import {
  acceptPendingInvitation,
  changeMemberCount,
  decideApplication,
  declinePendingInvitation,
  deleteConversationMember,
  deleteGroupMember,
  findGroupRows,
  groupIdsOf,
  groupRunnerIds,
  insertGroupMember,
  isBanned,
  joinConversationAtLatest,
  leaveDiscussions,
  lockGroupSize,
  memberPageRows,
  memberSearchCount,
  memberSearchRows,
  transferOwner,
  withdrawPendingApplication,
} from './store.js';

export interface GroupInput {
  name: unknown;
  purpose: unknown;
  rules: unknown;
  visibility: unknown;
}

function checkGroupInput(input: GroupInput) {
  const name = valid.requiredText(input.name, 'name', '群名称', 30);
  if ([...name].length < 2) throw badInput('群名称至少 2 个字', 'name');
  const visibility = String(input.visibility ?? '').toLowerCase();
  if (visibility !== 'listed' && visibility !== 'invite_only') throw badInput('可见范围无效', 'visibility');
  return {
    name,
    purpose: valid.requiredText(input.purpose, 'purpose', '群宗旨', 500),
    rules: valid.requiredText(input.rules, 'rules', '群规', 2000),
    visibility: visibility as GroupVisibility,
  };
}

/** Adds a member to the group and its conversation (rules accepted now), with audit and event. */
async function addMember(em: EntityManager, ctx: DomainContext, group: ChatGroup, userId: string, role: GroupRole, via: string): Promise<OutgoingEvent> {
  // Row lock on the group: concurrent joins cannot push it past its size limit.
  const locked = await lockGroupSize(em, group.id);
  if (locked.member_count >= locked.max_members) throw conflict(`该群已满（上限 ${locked.max_members} 人）`);
  const inserted = await insertGroupMember(em, group.id, userId, role);
  if (!inserted) throw conflict('已经是该群成员');
  // A ban (moderation) refuses every way back in: application approval and invitation alike.
  if (await isBanned(em, group.id, userId)) throw forbidden('此人已被禁止加入该群');
  // History is open to members: the read cursor starts at the newest message, not at zero unread thousands.
  await joinConversationAtLatest(em, group.conversation.id, userId);
  await changeMemberCount(em, group.id, 1);
  audit(em, { actorId: ctx.actor?.userId ?? null, action: 'group.member_joined', targetType: 'group', targetId: group.id, after: { userId, role, via }, ip: ctx.ip });
  return recordEvent(em, { conversationId: group.conversation.id, type: 'MEMBER_JOINED', userId });
}

/** Removes a member from group and conversation; the removed person receives this last event and nothing more. */
export async function dropMember(em: EntityManager, group: ChatGroup, userId: string, type: 'MEMBER_LEFT' | 'MEMBER_REMOVED'): Promise<OutgoingEvent[]> {
  if (!(await deleteGroupMember(em, group.id, userId))) throw conflict('此人已不是该群成员');
  await deleteConversationMember(em, group.conversation.id, userId);
  await changeMemberCount(em, group.id, -1);
  // Leaving a group also takes the person out of its discussion groups.
  const discussions = await leaveDiscussions(em, group.id, userId);
  const events = [await recordEvent(em, { conversationId: group.conversation.id, type, userId }, [userId])];
  for (const conversationId of discussions) events.push(await recordEvent(em, { conversationId, type, userId }, [userId]));
  return events;
}

/**
 * What a new group starts with beyond its conversation (the forum's default boards), written in
 * the creating transaction. Groups sit below the feature modules, so the caller passes it in.
 */
export type GroupSetUp = (em: EntityManager, groupId: string) => Promise<void>;

export async function createGroup(ctx: DomainContext, input: GroupInput, setUp: GroupSetUp): Promise<ChatGroup> {
  const actor = requireActor(ctx);
  const fields = checkGroupInput(input);
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em) => {
    const conversation = new Conversation();
    conversation.kind = 'group';
    const group = new ChatGroup();
    Object.assign(group, fields);
    group.namePinyin = groupPinyinKey(group.name);
    group.owner = em.getReference(User, actor.userId, { wrapped: true });
    group.conversation = ref(conversation);
    em.persist([conversation, group]);
    await em.flush();
    audit(em, { actorId: actor.userId, action: 'group.created', targetType: 'group', targetId: group.id, after: fields, ip: ctx.ip });
    await addMember(em, ctx, group, actor.userId, 'owner', 'create');
    await setUp(em, group.id);
    await em.flush();
    return group.id;
  });
  return ctx.em.findOneOrFail(ChatGroup, { id }, { refresh: true });
}

export async function updateGroup(ctx: DomainContext, groupId: unknown, input: GroupInput): Promise<ChatGroup> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  authorize(actor, 'update', access, '只有群主和管理员可以修改群资料');
  const fields = checkGroupInput(input);
  const group = access.group;
  const before = { name: group.name, purpose: group.purpose, rules: group.rules, visibility: group.visibility };
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    Object.assign(group, fields);
    group.namePinyin = groupPinyinKey(group.name);
    audit(em, { actorId: actor.userId, action: 'group.updated', targetType: 'group', targetId: group.id, before, after: fields, ip: ctx.ip });
    await em.flush();
    emit(await recordEvent(em, { conversationId: group.conversation.id, type: 'GROUP_UPDATED', userId: actor.userId }));
  });
  return group;
}

const RULES_REQUIRED = '加入前须阅读并同意群规';

export async function applyToGroup(ctx: DomainContext, groupId: unknown, message: unknown, acceptRules: boolean): Promise<GroupApplication> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  if (access.role) throw conflict('您已经是该群成员');
  authorize(actor, 'apply', access, access.banned ? '您已被禁止加入该群' : '该群仅限邀请加入');
  if (!acceptRules) throw badInput(RULES_REQUIRED, 'acceptRules');
  const text = valid.optionalText(message, 'message', '申请留言', 200);
  const application = new GroupApplication();
  application.group = ref(access.group);
  application.applicant = ctx.em.getReference(User, actor.userId, { wrapped: true });
  application.message = text;
  // The owner and admins are told at once (with a link to review it in the 成员 panel).
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    try {
      em.persist(application);
      await em.flush();
    } catch {
      throw conflict('您已提交过申请，请等待管理员审核');
    }
    const runners = await groupRunnerIds(em, access.group.id);
    for (const event of await notify(em, { kind: 'group_application', userIds: runners, actorId: actor.userId, groupId: access.group.id, subjectId: application.id, data: { groupName: access.group.name, ...(text ? { message: text } : {}) } })) emit(event);
  });
  return ctx.em.findOneOrFail(GroupApplication, { id: application.id });
}

async function applicationForManager(ctx: DomainContext, applicationId: unknown): Promise<{ application: GroupApplication; access: GroupAccess }> {
  const actor = requireActor(ctx);
  if (!isUuid(applicationId)) throw notFound('申请');
  const application = await ctx.em.findOne(GroupApplication, { id: applicationId });
  if (!application) throw notFound('申请');
  const access = await groupForActor(ctx.em, actor, application.group.id).catch(() => {
    throw notFound('申请');
  });
  if (!can(actor, 'manageMembers', access) && application.applicant.id !== actor.userId) throw notFound('申请');
  return { application, access };
}

export async function reviewApplication(ctx: DomainContext, applicationId: unknown, approve: boolean, rawReason?: unknown): Promise<GroupApplication> {
  const actor = requireActor(ctx);
  const { application, access } = await applicationForManager(ctx, applicationId);
  authorize(actor, 'manageMembers', access, '只有群主和管理员可以审核入群申请');
  const reason = approve ? null : valid.requiredText(rawReason, 'reason', '拒绝理由', 200);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const decided = await decideApplication(em, application.id, approve ? 'approved' : 'rejected', reason, actor.userId);
    if (!decided) throw conflict('该申请已经处理过了');
    if (approve) emit(await addMember(em, ctx, access.group, application.applicant.id, 'member', 'application'));
    else audit(em, { actorId: actor.userId, action: 'group.application_rejected', targetType: 'group', targetId: access.group.id, reason, after: { userId: application.applicant.id }, ip: ctx.ip });
    // Decided: the other reviewers' notices of it need no more attention (their badges follow live).
    for (const event of notificationsChanged(await markSubjectReadForAll(em, 'group_application', application.id))) emit(event);
    // The applicant learns the outcome live (their 已申请，等待审核 turns into the group, or the reason).
    const told = await notify(em, { kind: approve ? 'application_approved' : 'application_rejected', userIds: [application.applicant.id], actorId: actor.userId, groupId: access.group.id, subjectId: application.id, data: { groupName: access.group.name, ...(reason ? { reason } : {}) } });
    for (const event of told) emit(event);
  });
  return ctx.em.findOneOrFail(GroupApplication, { id: application.id }, { refresh: true });
}

export async function withdrawApplication(ctx: DomainContext, applicationId: unknown): Promise<GroupApplication> {
  const actor = requireActor(ctx);
  const { application } = await applicationForManager(ctx, applicationId);
  if (application.applicant.id !== actor.userId) throw notFound('申请');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (!(await withdrawPendingApplication(em, application.id))) throw conflict('该申请已经处理过了');
    for (const event of notificationsChanged(await markSubjectReadForAll(em, 'group_application', application.id))) emit(event);
  });
  return ctx.em.findOneOrFail(GroupApplication, { id: application.id }, { refresh: true });
}

export async function invite(ctx: DomainContext, groupId: unknown, userId: unknown): Promise<GroupInvitation> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  authorize(actor, 'manageMembers', access, '只有群主和管理员可以邀请成员');
  const invitee = await userForActor(ctx.em, actor, userId);
  if (invitee.status !== 'active') throw conflict('只能邀请已启用的账号');
  if (await memberOf(ctx.em, access.group.id, invitee.id)) throw conflict('此人已经是该群成员');
  const invitation = new GroupInvitation();
  invitation.group = ref(access.group);
  invitation.invitee = ref(invitee);
  invitation.inviter = ctx.em.getReference(User, actor.userId, { wrapped: true });
  // Pushed live to the invitee (their invitation list refreshes on it; no polling wait).
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    try {
      em.persist(invitation);
      await em.flush();
    } catch {
      throw conflict('已经邀请过此人，正在等待对方回应');
    }
    // The group's name goes with it: a declined invitee still reads what they were invited to, not the group.
    const data = { groupName: access.group.name };
    for (const event of await notify(em, { kind: 'group_invitation', userIds: [invitee.id], actorId: actor.userId, groupId: access.group.id, subjectId: invitation.id, data })) emit(event);
  });
  return ctx.em.findOneOrFail(GroupInvitation, { id: invitation.id });
}

/** Accepting or declining an invitation no longer pending (withdrawn, or answered elsewhere). */
const GONE_INVITATION = '该邀请已失效（已被撤回或已处理）';

async function ownInvitation(ctx: DomainContext, invitationId: unknown): Promise<GroupInvitation> {
  const actor = requireActor(ctx);
  if (!isUuid(invitationId)) throw notFound('邀请');
  const invitation = await ctx.em.findOne(GroupInvitation, { id: invitationId, invitee: actor.userId });
  if (!invitation) throw notFound('邀请');
  if (invitation.status !== 'pending') throw conflict(GONE_INVITATION);
  return invitation;
}

export async function acceptInvitation(ctx: DomainContext, invitationId: unknown, acceptRules: boolean): Promise<ChatGroup> {
  const invitation = await ownInvitation(ctx, invitationId);
  if (!acceptRules) throw badInput(RULES_REQUIRED, 'acceptRules');
  const group = await ctx.em.findOneOrFail(ChatGroup, { id: invitation.group.id });
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (!(await acceptPendingInvitation(em, invitation.id))) throw conflict(GONE_INVITATION);
    emit(await addMember(em, ctx, group, invitation.invitee.id, 'member', 'invitation'));
  });
  return ctx.em.findOneOrFail(ChatGroup, { id: group.id }, { refresh: true });
}

export async function declineInvitation(ctx: DomainContext, invitationId: unknown): Promise<boolean> {
  const invitation = await ownInvitation(ctx, invitationId);
  await declinePendingInvitation(ctx.em, invitation.id);
  return true;
}

export async function leaveGroup(ctx: DomainContext, groupId: unknown): Promise<boolean> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  if (access.role === 'owner') throw conflict('群主不能直接退群，请先转让群主');
  authorize(actor, 'leave', access, '您不是该群成员');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    for (const event of await dropMember(em, access.group, actor.userId, 'MEMBER_LEFT')) emit(event);
    audit(em, { actorId: actor.userId, action: 'group.member_left', targetType: 'group', targetId: access.group.id, after: { userId: actor.userId }, ip: ctx.ip });
  });
  return true;
}

export async function setRole(ctx: DomainContext, groupId: unknown, userId: unknown, rawRole: unknown): Promise<GroupMember> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  authorize(actor, 'manageAdmins', access, '只有群主可以任免管理员');
  const role = String(rawRole ?? '').toLowerCase();
  if (role !== 'admin' && role !== 'member') throw badInput('只能设为管理员或普通成员（转让群主请用转让功能）', 'role');
  if (!isUuid(userId)) throw notFound('成员');
  const member = await memberOf(ctx.em, access.group.id, userId);
  if (!member) throw notFound('成员');
  if (member.role === 'owner') throw conflict('不能更改群主的角色');
  if (member.role === role) throw conflict(role === 'admin' ? '此人已经是管理员' : '此人已经是普通成员');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const before = member.role;
    member.role = role as GroupRole;
    audit(em, { actorId: actor.userId, action: 'group.role_changed', targetType: 'group', targetId: access.group.id, before: { userId: member.user.id, role: before }, after: { role }, ip: ctx.ip });
    await em.flush();
    emit(await recordEvent(em, { conversationId: access.group.conversation.id, type: 'MEMBER_ROLE_CHANGED', userId: member.user.id }));
  });
  return member;
}

export async function transferOwnership(ctx: DomainContext, groupId: unknown, userId: unknown): Promise<ChatGroup> {
  const actor = requireActor(ctx);
  const access = await groupForActor(ctx.em, actor, groupId);
  authorize(actor, 'transferOwnership', access, '只有群主可以转让群');
  if (!isUuid(userId) || userId === actor.userId) throw badInput('请选择另一位成员', 'userId');
  const member = await memberOf(ctx.em, access.group.id, userId);
  if (!member) throw notFound('成员');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await transferOwner(em, access.group.id, actor.userId, userId);
    audit(em, { actorId: actor.userId, action: 'group.ownership_transferred', targetType: 'group', targetId: access.group.id, before: { ownerId: actor.userId }, after: { ownerId: userId }, ip: ctx.ip });
    emit(await recordEvent(em, { conversationId: access.group.conversation.id, type: 'MEMBER_ROLE_CHANGED', userId }));
    emit(await recordEvent(em, { conversationId: access.group.conversation.id, type: 'MEMBER_ROLE_CHANGED', userId: actor.userId }));
  });
  return ctx.em.findOneOrFail(ChatGroup, { id: access.group.id }, { refresh: true });
}

export async function myGroups(ctx: DomainContext): Promise<ChatGroup[]> {
  const actor = requireActor(ctx);
  const ids = await groupIdsOf(ctx.em, actor.userId);
  return ids.length ? ctx.em.find(ChatGroup, { id: ids }, { orderBy: { name: 'asc' } }) : [];
}

/** Listed groups and the viewer's own, by name. */
export async function searchGroups(ctx: DomainContext, query: unknown, args: PageArgs): Promise<Page<ChatGroup>> {
  const actor = requireActor(ctx);
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  const text = valid.optionalText(query, 'query', '搜索内容', 30);
  const pattern = text ? `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  if (cursor && !isUuid(cursor[1])) throw badInput('分页游标无效', 'after');
  const rows = await findGroupRows(ctx.em, actor.userId, pattern, cursor ? [String(cursor[0]), String(cursor[1])] : null, size + 1, text ? queryPinyin(text) : null);
  const groups = await ctx.em.find(ChatGroup, { id: rows.map((r) => r.id) });
  const byId = new Map(groups.map((g) => [g.id, g]));
  const page = toPage(rows, size, (r) => [r.name, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!) };
}

/** Members, owner first, then admins, then by join date. Members of the group only. */
export async function groupMembers(em: EntityManager, actor: Actor, access: GroupAccess, args: PageArgs & { query?: unknown }): Promise<Page<GroupMember>> {
  if (!can(actor, 'readMembers', access)) return { nodes: [], cursors: [], hasNextPage: false, endCursor: null, totalCount: 0 };
  const size = pageSize(args.first);
  const text = valid.optionalText(args.query, 'query', '搜索内容', 30);
  if (text) return searchMembers(em, access, text, decodeTypedCursor(args.after, ['int', 'text', 'uuid']), size);
  const cursor = decodeCursor(args.after, 3);
  if (cursor && !isUuid(cursor[2])) throw badInput('分页游标无效', 'after');
  const rows = await memberPageRows(em, access.group.id, cursor ? [Number(cursor[0]), String(cursor[1]), String(cursor[2])] : null, size + 1);
  const members = await em.find(GroupMember, { group: access.group.id, user: { $in: rows.map((r) => r.user_id) } }, { populate: ['user', 'user.unit'] });
  const byUser = new Map(members.map((m) => [m.user.id, m]));
  const page = toPage(rows, size, (r) => [Number(r.rank), new Date(r.joined_at).toISOString(), r.user_id]);
  return { ...page, nodes: page.nodes.map((r) => byUser.get(r.user_id)!), totalCount: access.group.memberCount };
}

/**
 * The members matching `text` (name or login name), for @-mention autocomplete: a page, with
 * cursors to go on and the number of matches as totalCount.
 */
async function searchMembers(em: EntityManager, access: GroupAccess, text: string, cursor: unknown[] | null, size: number): Promise<Page<GroupMember>> {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const contains = `%${escaped}%`;
  const after: [number, string, string] | null = cursor ? [Number(cursor[0]), String(cursor[1]), String(cursor[2])] : null;
  const rows = await memberSearchRows(em, access.group.id, contains, `${escaped}%`, after, size + 1);
  const members = await em.find(GroupMember, { group: access.group.id, user: { $in: rows.map((r) => r.user_id) } }, { populate: ['user', 'user.unit'] });
  const byUser = new Map<string, GroupMember>(members.map((m) => [m.user.id, m]));
  const page = toPage(rows, size, (r) => [Number(r.rank), r.real_name, r.user_id]);
  return { ...page, nodes: page.nodes.map((r) => byUser.get(r.user_id)!), totalCount: () => memberSearchCount(em, access.group.id, contains) };
}

export async function pendingApplications(em: EntityManager, actor: Actor, access: GroupAccess, args: PageArgs): Promise<Page<GroupApplication>> {
  if (!can(actor, 'manageMembers', access)) return { nodes: [], cursors: [], hasNextPage: false, endCursor: null, totalCount: 0 };
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  const where: Record<string, unknown> = { group: access.group.id, status: 'pending' };
  if (cursor) where.$or = [{ createdAt: { $gt: new Date(String(cursor[0])) } }, { createdAt: new Date(String(cursor[0])), id: { $gt: String(cursor[1]) } }];
  const rows = await em.find(GroupApplication, where as never, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: size + 1, populate: ['applicant', 'applicant.unit'] });
  const total = await em.count(GroupApplication, { group: access.group.id, status: 'pending' });
  return { ...toPage(rows, size, (a) => [a.createdAt.toISOString(), a.id]), totalCount: total };
}

export async function myInvitations(ctx: DomainContext): Promise<GroupInvitation[]> {
  const actor = requireActor(ctx);
  return ctx.em.find(GroupInvitation, { invitee: actor.userId, status: 'pending' }, { orderBy: { createdAt: 'desc' }, populate: ['group', 'inviter', 'inviter.unit'] });
}

