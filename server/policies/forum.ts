import { GroupAccess } from '../modules/groups/subjects.js';
import { BoardAccess, DiscussionAccess, ReplyAccess, ThreadAccess } from '../modules/forum/subjects.js';
import { allow } from './engine.js';
import { isGroupMember, managesGroupAsMember, runsGroup } from './groups.js';
import { mutedUntil } from './moderation.js';

/** The BBS and discussion groups are for members: everyone else gets NOT_FOUND. */
allow(GroupAccess, 'readForum', (actor, g) => isGroupMember(actor, g));
allow(GroupAccess, 'manageBoards', (actor, g) => managesGroupAsMember(actor, g));
/** Lists keep threads removed by moderation for those who run the group; system admins are left out, as in the followed-threads list, whose SQL reads only the role. */
allow(GroupAccess, 'listRemovedThreads', (actor, g) => runsGroup(actor, g));
allow(GroupAccess, 'createDiscussion', (actor, g) => isGroupMember(actor, g));

/** 禁言 (own, or 全员禁言 for plain members): reading stays open, posting and replying do not. */
const muted = (g: GroupAccess) => mutedUntil(g.role, g.mutedUntil, g.group.mutedAllUntil) !== null;

allow(BoardAccess, 'post', (actor, b) => isGroupMember(actor, b.group) && !b.board.archivedAt && !muted(b.group));

/** What Thread.viewerCan and ThreadReply.viewerCan send. */
export const THREAD_ABILITIES = ['reply', 'edit', 'moderate', 'raiseConfidentiality'] as const;
export const REPLY_ABILITIES = ['edit', 'delete', 'raiseConfidentiality'] as const;

allow(ThreadAccess, 'reply', (actor, t) => isGroupMember(actor, t.group) && !t.thread.lockedAt && !t.board.archivedAt && !t.thread.removedAt && !muted(t.group));
allow(ThreadAccess, 'edit', (actor, t) => !!actor && isGroupMember(actor, t.group) && t.thread.author.id === actor.userId && !t.thread.lockedAt && !t.thread.removedAt);
allow(ThreadAccess, 'moderate', (actor, t) => managesGroupAsMember(actor, t.group));

allow(ReplyAccess, 'edit', (actor, r) => !!actor && isGroupMember(actor, r.thread.group) && r.reply.author.id === actor.userId && !r.reply.deletedAt && !r.reply.removedAt && !r.thread.thread.lockedAt);
allow(ReplyAccess, 'delete', (actor, r) => !!actor && isGroupMember(actor, r.thread.group) && r.reply.author.id === actor.userId && !r.reply.deletedAt);

/** Only its members see a discussion group: not even the group's admins otherwise. */
allow(DiscussionAccess, 'read', (actor, d) => d.isMember && isGroupMember(actor, d.group));
allow(DiscussionAccess, 'invite', (actor, d) => d.isMember && isGroupMember(actor, d.group) && !d.discussion.archivedAt);
allow(DiscussionAccess, 'archive', (actor, d) => !!actor && d.isMember && (d.discussion.creator.id === actor.userId || managesGroupAsMember(actor, d.group)));
allow(DiscussionAccess, 'leave', (actor, d) => !!actor && d.isMember);
