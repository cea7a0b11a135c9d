import { GroupAccess } from '../modules/groups/subjects.js';
import { BoardAccess, DiscussionAccess, ReplyAccess, ThreadAccess } from '../modules/forum/subjects.js';
import type { MaybeActor } from './actor.js';
import { allow } from './engine.js';
import { mutedUntil } from './moderation.js';

const isMember = (g: GroupAccess) => g.role !== null;
const isManager = (actor: MaybeActor, g: GroupAccess) => isMember(g) && (g.role === 'owner' || g.role === 'admin' || !!actor?.isSystemAdmin);

/** The BBS and discussion groups are for members: everyone else gets NOT_FOUND. */
allow(GroupAccess, 'readForum', (actor, g) => !!actor && isMember(g));
allow(GroupAccess, 'manageBoards', (actor, g) => isManager(actor, g));
allow(GroupAccess, 'createDiscussion', (actor, g) => !!actor && isMember(g));

/** 禁言 (own, or 全员禁言 for plain members): reading stays open, posting and replying do not. */
const muted = (g: GroupAccess) => mutedUntil(g.role, g.mutedUntil, g.group.mutedAllUntil) !== null;

allow(BoardAccess, 'post', (actor, b) => !!actor && isMember(b.group) && !b.board.archivedAt && !muted(b.group));

allow(ThreadAccess, 'reply', (actor, t) => !!actor && isMember(t.group) && !t.thread.lockedAt && !t.board.archivedAt && !t.thread.removedAt && !muted(t.group));
allow(ThreadAccess, 'edit', (actor, t) => !!actor && isMember(t.group) && t.thread.author.id === actor.userId && !t.thread.lockedAt && !t.thread.removedAt);
allow(ThreadAccess, 'moderate', (actor, t) => isManager(actor, t.group));

allow(ReplyAccess, 'edit', (actor, r) => !!actor && isMember(r.thread.group) && r.reply.author.id === actor.userId && !r.reply.deletedAt && !r.reply.removedAt && !r.thread.thread.lockedAt);
allow(ReplyAccess, 'delete', (actor, r) => !!actor && isMember(r.thread.group) && r.reply.author.id === actor.userId && !r.reply.deletedAt);

/** Only its members see a discussion group: not even the group's admins otherwise. */
allow(DiscussionAccess, 'read', (actor, d) => !!actor && d.isMember && isMember(d.group));
allow(DiscussionAccess, 'invite', (actor, d) => !!actor && d.isMember && isMember(d.group) && !d.discussion.archivedAt);
allow(DiscussionAccess, 'archive', (actor, d) => !!actor && d.isMember && (d.discussion.creator.id === actor.userId || isManager(actor, d.group)));
allow(DiscussionAccess, 'leave', (actor, d) => !!actor && d.isMember);
