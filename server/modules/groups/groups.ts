import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { ChatGroup, Conversation, ConversationMember, GroupApplication, GroupInvitation, GroupMember, User, type GroupRole, type GroupVisibility } from '../../db/entities/index.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { authorize, can, type Actor } from '../../policies/index.js';
import { userForActor } from '../accounts/access.js';
import * as valid from '../core/validation.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeCursor, pageSize, toPage, type Page, type PageArgs } from '../pagination.js';
import { groupForActor, memberOf } from './access.js';
import { inTransaction, publisherOf, recordEvent } from '../core/events.js';
import type { OutgoingEvent } from '../core/realtime.js';
import { GroupAccess } from './subjects.js';

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
  const [locked] = await em.execute<Array<{ member_count: number; max_members: number }>>(`select member_count, max_members from chat_group where id = ? for update`, [group.id]);
  if (locked.member_count >= locked.max_members) throw conflict(`该群已满（上限 ${locked.max_members} 人）`);
  const inserted = await em.execute<Array<{ user_id: string }>>(
    `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, ?, now(), now()) on conflict do nothing returning user_id`,
    [group.id, userId, role],
  );
  if (!inserted.length) throw conflict('已经是该群成员');
  // A ban (moderation) refuses every way back in: application approval and invitation alike.
  const [ban] = await em.execute<Array<{ banned: boolean }>>(
    `select exists(select 1 from moderation_sanction where group_id = ? and user_id = ? and kind = 'ban' and revoked_at is null) as banned`,
    [group.id, userId],
  );
  if (ban?.banned) throw forbidden('此人已被禁止加入该群');
  const [{ last_seq }] = await em.execute<Array<{ last_seq: number }>>(`select last_seq from conversation where id = ?`, [group.conversation.id]);
  // History is open to members: the read cursor starts at the newest message, not at zero unread thousands.
  await em.execute(`insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, ?, now())`, [group.conversation.id, userId, last_seq]);
  await em.execute(`update chat_group set member_count = member_count + 1 where id = ?`, [group.id]);
  audit(em, { actorId: ctx.actor?.userId ?? null, action: 'group.member_joined', targetType: 'group', targetId: group.id, after: { userId, role, via }, ip: ctx.ip });
  return recordEvent(em, { conversationId: group.conversation.id, type: 'MEMBER_JOINED', userId });
}

/** Removes a member from group and conversation; the removed person receives this last event and nothing more. */
export async function dropMember(em: EntityManager, group: ChatGroup, userId: string, type: 'MEMBER_LEFT' | 'MEMBER_REMOVED'): Promise<OutgoingEvent[]> {
  const removed = await em.execute<Array<{ user_id: string }>>(`delete from group_member where group_id = ? and user_id = ? returning user_id`, [group.id, userId]);
  if (!removed.length) throw conflict('此人已不是该群成员');
  await em.execute(`delete from conversation_member where conversation_id = ? and user_id = ?`, [group.conversation.id, userId]);
  await em.execute(`update chat_group set member_count = member_count - 1 where id = ?`, [group.id]);
  // Leaving a group also takes the person out of its discussion groups.
  const discussions = await em.execute<Array<{ conversation_id: string }>>(
    `delete from conversation_member cm using discussion_group d
      where d.conversation_id = cm.conversation_id and d.group_id = ? and cm.user_id = ? returning cm.conversation_id`,
    [group.id, userId],
  );
  const events = [await recordEvent(em, { conversationId: group.conversation.id, type, userId }, [userId])];
  for (const d of discussions) events.push(await recordEvent(em, { conversationId: d.conversation_id, type, userId }, [userId]));
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
  try {
    await ctx.em.persistAndFlush(application);
  } catch {
    throw conflict('您已提交过申请，请等待管理员审核');
  }
  return application;
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
    const decided = await em.execute<Array<{ id: string }>>(
      `update group_application set status = ?, reason = ?, reviewed_by_id = ?, reviewed_at = now() where id = ? and status = 'pending' returning id`,
      [approve ? 'approved' : 'rejected', reason, actor.userId, application.id],
    );
    if (!decided.length) throw conflict('该申请已经处理过了');
    if (approve) emit(await addMember(em, ctx, access.group, application.applicant.id, 'member', 'application'));
    else audit(em, { actorId: actor.userId, action: 'group.application_rejected', targetType: 'group', targetId: access.group.id, reason, after: { userId: application.applicant.id }, ip: ctx.ip });
  });
  return ctx.em.findOneOrFail(GroupApplication, { id: application.id }, { refresh: true });
}

export async function withdrawApplication(ctx: DomainContext, applicationId: unknown): Promise<GroupApplication> {
  const actor = requireActor(ctx);
  const { application } = await applicationForManager(ctx, applicationId);
  if (application.applicant.id !== actor.userId) throw notFound('申请');
  const changed = await ctx.em.execute<Array<{ id: string }>>(`update group_application set status = 'withdrawn' where id = ? and status = 'pending' returning id`, [application.id]);
  if (!changed.length) throw conflict('该申请已经处理过了');
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
  try {
    await ctx.em.persistAndFlush(invitation);
  } catch {
    throw conflict('已经邀请过此人，正在等待对方回应');
  }
  return invitation;
}

async function ownInvitation(ctx: DomainContext, invitationId: unknown): Promise<GroupInvitation> {
  const actor = requireActor(ctx);
  if (!isUuid(invitationId)) throw notFound('邀请');
  const invitation = await ctx.em.findOne(GroupInvitation, { id: invitationId, invitee: actor.userId });
  if (!invitation) throw notFound('邀请');
  if (invitation.status !== 'pending') throw conflict('该邀请已经处理过了');
  return invitation;
}

export async function acceptInvitation(ctx: DomainContext, invitationId: unknown, acceptRules: boolean): Promise<ChatGroup> {
  const invitation = await ownInvitation(ctx, invitationId);
  if (!acceptRules) throw badInput(RULES_REQUIRED, 'acceptRules');
  const group = await ctx.em.findOneOrFail(ChatGroup, { id: invitation.group.id });
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const taken = await em.execute<Array<{ id: string }>>(`update group_invitation set status = 'accepted', responded_at = now() where id = ? and status = 'pending' returning id`, [invitation.id]);
    if (!taken.length) throw conflict('该邀请已经处理过了');
    emit(await addMember(em, ctx, group, invitation.invitee.id, 'member', 'invitation'));
  });
  return ctx.em.findOneOrFail(ChatGroup, { id: group.id }, { refresh: true });
}

export async function declineInvitation(ctx: DomainContext, invitationId: unknown): Promise<boolean> {
  const invitation = await ownInvitation(ctx, invitationId);
  await ctx.em.execute(`update group_invitation set status = 'declined', responded_at = now() where id = ? and status = 'pending'`, [invitation.id]);
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
    await em.execute(`update group_member set role = 'admin' where group_id = ? and user_id = ?`, [access.group.id, actor.userId]);
    await em.execute(`update group_member set role = 'owner' where group_id = ? and user_id = ?`, [access.group.id, userId]);
    await em.execute(`update chat_group set owner_id = ? where id = ?`, [userId, access.group.id]);
    audit(em, { actorId: actor.userId, action: 'group.ownership_transferred', targetType: 'group', targetId: access.group.id, before: { ownerId: actor.userId }, after: { ownerId: userId }, ip: ctx.ip });
    emit(await recordEvent(em, { conversationId: access.group.conversation.id, type: 'MEMBER_ROLE_CHANGED', userId }));
    emit(await recordEvent(em, { conversationId: access.group.conversation.id, type: 'MEMBER_ROLE_CHANGED', userId: actor.userId }));
  });
  return ctx.em.findOneOrFail(ChatGroup, { id: access.group.id }, { refresh: true });
}

export async function myGroups(ctx: DomainContext): Promise<ChatGroup[]> {
  const actor = requireActor(ctx);
  const rows = await ctx.em.execute<Array<{ group_id: string }>>(`select group_id from group_member where user_id = ?`, [actor.userId]);
  return rows.length ? ctx.em.find(ChatGroup, { id: rows.map((r) => r.group_id) }, { orderBy: { name: 'asc' } }) : [];
}

/** Listed groups and the viewer's own, by name. */
export async function searchGroups(ctx: DomainContext, query: unknown, args: PageArgs): Promise<Page<ChatGroup>> {
  const actor = requireActor(ctx);
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 2);
  const text = valid.optionalText(query, 'query', '搜索内容', 30);
  const where = [`(g.visibility = 'listed' or exists (select 1 from group_member m where m.group_id = g.id and m.user_id = ?))`];
  const params: unknown[] = [actor.userId];
  if (text) {
    where.push(`(g.name ilike ? or g.purpose ilike ?)`);
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(pattern, pattern);
  }
  if (cursor) {
    if (!isUuid(cursor[1])) throw badInput('分页游标无效', 'after');
    where.push(`(g.name collate "pinyin", g.id) > (? collate "pinyin", ?::uuid)`);
    params.push(String(cursor[0]), String(cursor[1]));
  }
  const rows = await ctx.em.execute<Array<{ id: string; name: string }>>(
    `select g.id, g.name from chat_group g where ${where.join(' and ')} order by g.name collate "pinyin", g.id limit ?`,
    [...params, size + 1],
  );
  const groups = await ctx.em.find(ChatGroup, { id: rows.map((r) => r.id) });
  const byId = new Map(groups.map((g) => [g.id, g]));
  const page = toPage(rows, size, (r) => [r.name, r.id]);
  return { ...page, nodes: page.nodes.map((r) => byId.get(r.id)!) };
}

/** Members, owner first, then admins, then by join date. Members of the group only. */
export async function groupMembers(em: EntityManager, actor: Actor, access: GroupAccess, args: PageArgs): Promise<Page<GroupMember>> {
  if (!can(actor, 'readMembers', access)) return { nodes: [], cursors: [], hasNextPage: false, endCursor: null, totalCount: 0 };
  const size = pageSize(args.first);
  const cursor = decodeCursor(args.after, 3);
  const rank = `case gm.role when 'owner' then 0 when 'admin' then 1 else 2 end`;
  const params: unknown[] = [access.group.id];
  let after = '';
  if (cursor) {
    if (!isUuid(cursor[2])) throw badInput('分页游标无效', 'after');
    after = `and (${rank}, gm.joined_at, gm.user_id) > (?, ?::timestamptz, ?::uuid)`;
    params.push(Number(cursor[0]), String(cursor[1]), String(cursor[2]));
  }
  const rows = await em.execute<Array<{ user_id: string; rank: number; joined_at: Date }>>(
    `select gm.user_id, ${rank} as rank, gm.joined_at from group_member gm where gm.group_id = ? ${after} order by 2, gm.joined_at, gm.user_id limit ?`,
    [...params, size + 1],
  );
  const members = await em.find(GroupMember, { group: access.group.id, user: { $in: rows.map((r) => r.user_id) } }, { populate: ['user', 'user.unit'] });
  const byUser = new Map(members.map((m) => [m.user.id, m]));
  const page = toPage(rows, size, (r) => [Number(r.rank), new Date(r.joined_at).toISOString(), r.user_id]);
  return { ...page, nodes: page.nodes.map((r) => byUser.get(r.user_id)!), totalCount: access.group.memberCount };
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

