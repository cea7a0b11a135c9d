import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { DiscussionGroup } from '../../db/entities/index.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { authorize } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import { inTransaction, publisherOf, recordEvent } from '../core/events.js';
import type { OutgoingEvent } from '../core/realtime.js';
import type { GroupAccess } from '../groups/subjects.js';
import { requireActor, type DomainContext, } from '../context.js';
import { isUuid } from '../ids.js';
import { discussionForActor, forumForActor } from './access.js';
import { notify } from '../notifications/notifications.js';
import { MAX_TOPIC } from './subjects.js';
import {
  addConversationMembers,
  changeDiscussionArchived,
  discussionIdsOf,
  groupMembersAmong,
  insertConversationMember,
  insertDiscussion,
  insertDiscussionConversation,
  isGroupMemberLocked,
  lockConversation,
  lockDiscussionArchived,
  removeConversationMember,
} from './store/discussions.js';

const MAX_INVITES = 200;

/** Invitees must be members of the group; at most 200 at once. */
async function inviteesAmong(em: EntityManager, groupId: string, raw: unknown[] | null | undefined): Promise<string[]> {
  const ids = [...new Set((raw ?? []).map(String))];
  if (ids.length > MAX_INVITES) throw badInput(`一次最多邀请 ${MAX_INVITES} 人`, 'memberIds');
  if (!ids.every(isUuid)) throw badInput('只能邀请本群成员', 'memberIds');
  if (!ids.length) return [];
  const members = await groupMembersAmong(em, groupId, ids);
  if (members.length !== ids.length) throw badInput('只能邀请本群成员', 'memberIds');
  return ids;
}

/** Adds people to the discussion's conversation (they see its history), with events and notifications. */
async function addToDiscussion(em: EntityManager, d: { id: string; groupId: string; conversationId: string }, actorId: string, userIds: string[], emit: (e: OutgoingEvent) => void) {
  // Re-checked under a share lock in this transaction: a removal from the group running now
  // either waits for this insert (and then deletes it with the person's other discussion
  // rows) or commits first (and the person is not added).
  const stillMembers = await groupMembersAmong(em, d.groupId, userIds, true);
  if (stillMembers.length !== userIds.length) throw badInput('只能邀请本群成员', 'memberIds');
  const added = await addConversationMembers(em, d.conversationId, userIds);
  for (const userId of added) emit(await recordEvent(em, { conversationId: d.conversationId, type: 'MEMBER_JOINED', userId }));
  for (const event of await notify(em, { kind: 'discussion_invite', userIds: added, actorId, groupId: d.groupId, conversationId: d.conversationId })) emit(event);
  return added;
}

export async function createDiscussion(ctx: DomainContext, groupId: unknown, rawTopic: unknown, memberIds: unknown[]): Promise<DiscussionGroup> {
  const actor = requireActor(ctx);
  const group = await forumForActor(ctx.em, actor, groupId);
  authorize(actor, 'createDiscussion', group, '只有本群成员可以创建讨论组');
  const topic = valid.requiredText(rawTopic, 'topic', '讨论主题', MAX_TOPIC);
  const invitees = (await inviteesAmong(ctx.em, group.group.id, memberIds)).filter((id) => id !== actor.userId);
  if (!invitees.length) throw badInput('请至少邀请一位本群成员', 'memberIds');
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const conversationId = await insertDiscussionConversation(em);
    const id = await insertDiscussion(em, { groupId: group.group.id, conversationId, topic, creatorId: actor.userId });
    if (!(await isGroupMemberLocked(em, group.group.id, actor.userId))) throw notFound('群组');
    await insertConversationMember(em, conversationId, actor.userId);
    await addToDiscussion(em, { id, groupId: group.group.id, conversationId }, actor.userId, invitees, emit);
    audit(em, { actorId: actor.userId, action: 'discussion.created', targetType: 'group', targetId: group.group.id, after: { discussionId: id, topic, memberIds: [actor.userId, ...invitees] }, ip: ctx.ip });
    return id;
  });
  return ctx.em.findOneOrFail(DiscussionGroup, { id });
}

export async function addDiscussionMembers(ctx: DomainContext, discussionId: unknown, userIds: unknown[]): Promise<DiscussionGroup> {
  const actor = requireActor(ctx);
  const access = await discussionForActor(ctx.em, actor, discussionId);
  authorize(actor, 'invite', access, '讨论组已归档，不能再邀请成员');
  const d = access.discussion;
  const ids = await inviteesAmong(ctx.em, d.group.id, userIds);
  if (!ids.length) throw badInput('请选择要邀请的本群成员', 'userIds');
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (await lockDiscussionArchived(em, d.id)) throw conflict('讨论组已归档，不能再邀请成员');
    const added = await addToDiscussion(em, { id: d.id, groupId: d.group.id, conversationId: d.conversation.id }, actor.userId, ids, emit);
    if (!added.length) throw conflict('这些成员已在讨论组中');
    audit(em, { actorId: actor.userId, action: 'discussion.members_added', targetType: 'group', targetId: d.group.id, after: { discussionId: d.id, memberIds: added }, ip: ctx.ip });
  });
  return d;
}

export async function leaveDiscussion(ctx: DomainContext, discussionId: unknown): Promise<boolean> {
  const actor = requireActor(ctx);
  const access = await discussionForActor(ctx.em, actor, discussionId);
  authorize(actor, 'leave', access);
  const d = access.discussion;
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (!(await removeConversationMember(em, d.conversation.id, actor.userId))) throw conflict('您已不在该讨论组中');
    emit(await recordEvent(em, { conversationId: d.conversation.id, type: 'MEMBER_LEFT', userId: actor.userId }, [actor.userId]));
    audit(em, { actorId: actor.userId, action: 'discussion.left', targetType: 'group', targetId: d.group.id, after: { discussionId: d.id }, ip: ctx.ip });
  });
  return true;
}

/** Archived discussion groups are read-only: no messages, edits, reactions or new members. */
export async function setDiscussionArchived(ctx: DomainContext, discussionId: unknown, archived: boolean): Promise<DiscussionGroup> {
  const actor = requireActor(ctx);
  const access = await discussionForActor(ctx.em, actor, discussionId);
  authorize(actor, 'archive', access, '只有发起人或群管理员可以归档讨论组');
  const d = access.discussion;
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    // Sends take the conversation's row lock too: a message is either in before the archive or refused after it.
    await lockConversation(em, d.conversation.id);
    if (!(await changeDiscussionArchived(em, d.id, archived))) throw conflict(archived ? '讨论组已归档' : '讨论组未归档');
    emit(await recordEvent(em, { conversationId: d.conversation.id, type: 'GROUP_UPDATED', userId: actor.userId }));
    audit(em, { actorId: actor.userId, action: archived ? 'discussion.archived' : 'discussion.reopened', targetType: 'group', targetId: d.group.id, after: { discussionId: d.id }, ip: ctx.ip });
  });
  await ctx.em.refresh(d);
  return d;
}

/** The viewer's discussion groups within a group (only those they are in). */
export async function myDiscussions(em: EntityManager, userId: string, group: GroupAccess, includeArchived: boolean): Promise<DiscussionGroup[]> {
  const ids = await discussionIdsOf(em, userId, group.group.id, includeArchived);
  if (!ids.length) return [];
  const found = await em.find(DiscussionGroup, { id: ids });
  const byId = new Map(found.map((d) => [d.id, d]));
  return ids.map((id) => byId.get(id)!);
}
