import { ConversationAccess, GroupAccess } from '../modules/groups/subjects.js';
import { EDIT_WINDOW_MS, MessageAccess, RECALL_WINDOW_MS } from '../modules/chat/subjects.js';
import { allow } from './engine.js';
import { isGroupMember, managesGroup, ownsGroup, runsGroup } from './groups.js';
import { mutedUntil } from './moderation.js';

/** Listed groups are visible to every official; invite-only ones to members and invitees. */
allow(GroupAccess, 'read', (actor, g) => !!actor && (g.group.visibility === 'listed' || g.role !== null || g.invited));
allow(GroupAccess, 'readMembers', (actor, g) => isGroupMember(actor, g));
/** Members post unless muted (their own 禁言, or 全员禁言 for plain members). */
const groupMuted = (g: GroupAccess) => mutedUntil(g.role, g.mutedUntil, g.group.mutedAllUntil) !== null;
allow(GroupAccess, 'post', (actor, g) => isGroupMember(actor, g) && !groupMuted(g));
allow(GroupAccess, 'update', (actor, g) => managesGroup(actor, g));
allow(GroupAccess, 'manageMembers', (actor, g) => managesGroup(actor, g));
allow(GroupAccess, 'manageAdmins', (actor, g) => ownsGroup(actor, g));
/** Those who run the group, not system admins: @全体成员 speaks for the group's leadership, not for the platform. */
allow(GroupAccess, 'mentionAll', (actor, g) => runsGroup(actor, g));
/** The owner alone hands the group over (system admins appoint admins, they do not give a group away). */
allow(GroupAccess, 'transferOwnership', (actor, g) => !!actor && g.role === 'owner');
allow(GroupAccess, 'apply', (actor, g) => !!actor && g.role === null && g.group.visibility === 'listed' && !g.banned);
allow(GroupAccess, 'leave', (actor, g) => !!actor && (g.role === 'member' || g.role === 'admin'));

allow(MessageAccess, 'edit', (actor, m) =>
  !!actor && !m.conversation.readOnly && m.message.author.id === actor.userId && !m.message.recalledAt && !m.message.removedAt && Date.now() - m.message.createdAt.getTime() < EDIT_WINDOW_MS);
allow(MessageAccess, 'recall', (actor, m) =>
  !!actor && !m.conversation.readOnly && m.message.author.id === actor.userId && !m.message.recalledAt && Date.now() - m.message.createdAt.getTime() < RECALL_WINDOW_MS);
const conversationMuted = (c: ConversationAccess) => !!c.group && mutedUntil(c.role, c.mutedUntil, c.group.mutedAllUntil) !== null;
allow(MessageAccess, 'react', (actor, m) => !!actor && !m.conversation.readOnly && !m.message.recalledAt && !m.message.removedAt && !conversationMuted(m.conversation));
/** What Group.viewerCan and Message.viewerCan send (the forum adds its two group abilities). */
export const GROUP_ABILITIES = ['post', 'update', 'manageMembers', 'manageAdmins', 'mentionAll', 'apply', 'leave', 'manageBoards', 'createDiscussion'] as const;
export const MESSAGE_ABILITIES = ['edit', 'recall', 'react', 'raiseConfidentiality'] as const;

/** Group members post in the group's conversation and its discussion groups, unless archived or muted. */
allow(ConversationAccess, 'postInGroup', (actor, c) => c.group !== null && isGroupMember(actor, c) && !c.readOnly && !conversationMuted(c));
