import { ConversationAccess, GroupAccess } from '../modules/groups/subjects.js';
import { EDIT_WINDOW_MS, MessageAccess, RECALL_WINDOW_MS } from '../modules/chat/subjects.js';
import { allow } from './engine.js';
import { mutedUntil } from './moderation.js';

const isManager = (role: string | null) => role === 'owner' || role === 'admin';

/** Listed groups are visible to every official; invite-only ones to members and invitees. */
allow(GroupAccess, 'read', (actor, g) => !!actor && (g.group.visibility === 'listed' || g.role !== null || g.invited));
allow(GroupAccess, 'readMembers', (actor, g) => !!actor && g.role !== null);
/** Members post unless muted (their own 禁言, or 全员禁言 for plain members). */
const groupMuted = (g: GroupAccess) => mutedUntil(g.role, g.mutedUntil, g.group.mutedAllUntil) !== null;
allow(GroupAccess, 'post', (actor, g) => !!actor && g.role !== null && !groupMuted(g));
allow(GroupAccess, 'update', (actor, g) => isManager(g.role) || !!actor?.isSystemAdmin);
allow(GroupAccess, 'manageMembers', (actor, g) => isManager(g.role) || !!actor?.isSystemAdmin);
allow(GroupAccess, 'manageAdmins', (actor, g) => g.role === 'owner' || !!actor?.isSystemAdmin);
allow(GroupAccess, 'mentionAll', (_actor, g) => isManager(g.role));
allow(GroupAccess, 'apply', (actor, g) => !!actor && g.role === null && g.group.visibility === 'listed' && !g.banned);
allow(GroupAccess, 'leave', (actor, g) => !!actor && (g.role === 'member' || g.role === 'admin'));


allow(MessageAccess, 'edit', (actor, m) =>
  !!actor && !m.conversation.readOnly && m.message.author.id === actor.userId && !m.message.recalledAt && !m.message.removedAt && Date.now() - m.message.createdAt.getTime() < EDIT_WINDOW_MS);
allow(MessageAccess, 'recall', (actor, m) =>
  !!actor && !m.conversation.readOnly && m.message.author.id === actor.userId && !m.message.recalledAt && Date.now() - m.message.createdAt.getTime() < RECALL_WINDOW_MS);
const conversationMuted = (c: ConversationAccess) => !!c.group && mutedUntil(c.role, c.mutedUntil, c.group.mutedAllUntil) !== null;
allow(MessageAccess, 'react', (actor, m) => !!actor && !m.conversation.readOnly && !m.message.recalledAt && !m.message.removedAt && !conversationMuted(m.conversation));
/** Group members post in the group's conversation and its discussion groups, unless archived or muted. */
allow(ConversationAccess, 'postInGroup', (actor, c) => !!actor && c.group !== null && c.role !== null && !c.readOnly && !conversationMuted(c));
