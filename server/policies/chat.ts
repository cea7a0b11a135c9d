import { GroupMember } from '../db/entities/index.js';
import { ConversationAccess, EDIT_WINDOW_MS, GroupAccess, MessageAccess, RECALL_WINDOW_MS } from '../modules/chat/subjects.js';
import { allow } from './engine.js';

const isManager = (role: string | null) => role === 'owner' || role === 'admin';

/** Listed groups are visible to every official; invite-only ones to members and invitees. */
allow(GroupAccess, 'read', (actor, g) => !!actor && (g.group.visibility === 'listed' || g.role !== null || g.invited));
allow(GroupAccess, 'readMembers', (actor, g) => !!actor && g.role !== null);
allow(GroupAccess, 'post', (actor, g) => !!actor && g.role !== null);
allow(GroupAccess, 'update', (actor, g) => isManager(g.role) || !!actor?.isSystemAdmin);
allow(GroupAccess, 'manageMembers', (actor, g) => isManager(g.role) || !!actor?.isSystemAdmin);
allow(GroupAccess, 'manageAdmins', (actor, g) => g.role === 'owner' || !!actor?.isSystemAdmin);
allow(GroupAccess, 'mentionAll', (_actor, g) => isManager(g.role));
allow(GroupAccess, 'apply', (actor, g) => !!actor && g.role === null && g.group.visibility === 'listed');
allow(GroupAccess, 'leave', (actor, g) => !!actor && (g.role === 'member' || g.role === 'admin'));

/**
 * Removing a member: the owner removes anyone but themselves; admins remove plain members only;
 * a system admin anyone but the owner. Subject: the target's membership, with the actor's access.
 */
export class MemberTarget {
  constructor(
    readonly access: GroupAccess,
    readonly member: GroupMember,
  ) {}
}
allow(MemberTarget, 'remove', (actor, t) => {
  if (!actor || t.member.user.id === actor.userId || t.member.role === 'owner') return false;
  if (t.access.role === 'owner' || actor.isSystemAdmin) return true;
  return t.access.role === 'admin' && t.member.role === 'member';
});

allow(MessageAccess, 'edit', (actor, m) =>
  !!actor && !m.conversation.readOnly && m.message.author.id === actor.userId && !m.message.recalledAt && Date.now() - m.message.createdAt.getTime() < EDIT_WINDOW_MS);
allow(MessageAccess, 'recall', (actor, m) =>
  !!actor && !m.conversation.readOnly && m.message.author.id === actor.userId && !m.message.recalledAt && Date.now() - m.message.createdAt.getTime() < RECALL_WINDOW_MS);
allow(MessageAccess, 'react', (actor, m) => !!actor && !m.conversation.readOnly && !m.message.recalledAt);
/** Group members post in the group's conversation and its discussion groups, unless archived. */
allow(ConversationAccess, 'postInGroup', (actor, c) => !!actor && c.group !== null && c.role !== null && !c.readOnly);
