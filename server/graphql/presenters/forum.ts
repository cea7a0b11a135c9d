import { notFound, nullIfNotFound } from '../../errors.js';
import { Board, ChatGroup, DiscussionGroup, PostEdit, Thread, ThreadReply } from '../../db/entities/index.js';
import { conversationsForActor, visibleGroups } from '../../modules/groups/access.js';
import { conversationMemberRows, memberConversations } from '../../modules/chat/store.js';
import { audienceRows } from '../../modules/forum/store/threads.js';
import type { ConversationAccess, GroupAccess } from '../../modules/groups/subjects.js';
import { requireActor } from '../../modules/context.js';
import { listBoards } from '../../modules/forum/boards.js';
import { myDiscussions } from '../../modules/forum/discussions.js';
import { renderMarkdown } from '../../modules/forum/markdown.js';
import { postPreviews } from '../../modules/confidentiality/preview.js';
import type { NotificationRow } from '../../modules/notifications/notifications.js';
import { listReplies } from '../../modules/forum/replies.js';
import { DiscussionAccess, ReplyAccess, ThreadAccess } from '../../modules/forum/subjects.js';
import { followStates, listThreads } from '../../modules/forum/threads.js';
import { emptyPage, type PageArgs } from '../../modules/pagination.js';
import { abilities, can, REPLY_ABILITIES, THREAD_ABILITIES } from '../../policies/index.js';
import type { GraphQLContext } from '../context.js';
import { groupsById, usersById } from './chat.js';
import { viewerAccess } from '../viewerAccess.js';
import { connection } from './connection.js';
import { columnReader } from '../columnReaders.js';

type Ctx = GraphQLContext;
type Batch<T> = Array<{ obj: T }>;
const upper = (value: string) => value.toUpperCase();

/**
 * The viewer's access to threads, cached per request: a list of 20 threads costs one query
 * for boards and one per group (usually one), not one per thread.
 */
const threadAccessCache = new WeakMap<object, Map<string, Promise<ThreadAccess>>>();
async function threadAccess(ctx: Ctx, thread: Thread): Promise<ThreadAccess> {
  let cache = threadAccessCache.get(ctx.domain);
  if (!cache) threadAccessCache.set(ctx.domain, (cache = new Map()));
  let access = cache.get(thread.id);
  if (!access) {
    access = (async () => {
      const group = await groupAccess(ctx, thread.group.id);
      const board = await ctx.domain.em.findOneOrFail(Board, { id: thread.board.id });
      return new ThreadAccess(thread, board, group);
    })();
    cache.set(thread.id, access);
  }
  return access;
}
/** The group's BBS for a member (the request's access loader), or NOT_FOUND (as modules/forum/access.ts answers). */
async function groupAccess(ctx: Ctx, groupId: string): Promise<GroupAccess> {
  const access = await viewerAccess(ctx.domain).visible(groupId);
  if (!access || !can(requireActor(ctx.domain), 'readForum', access)) throw notFound('群组');
  return access;
}

export const boardResolvers = {
  archived: (b: Board) => !!b.archivedAt,
  threads: async (b: Board, args: PageArgs & { essence?: boolean }, ctx: Ctx) =>
    connection(await listThreads(ctx.domain.em, { boardId: b.id, group: await groupAccess(ctx, b.group.id), viewer: requireActor(ctx.domain) }, args)),
};

export const threadResolvers = {
  bodyHtml: (t: Thread) => renderMarkdown(t.body),
  confidentiality: columnReader((t: Thread) => upper(t.confidentiality)),
  pinned: columnReader((t: Thread) => !!t.pinnedAt),
  locked: columnReader((t: Thread) => !!t.lockedAt),
  replies: async (t: Thread, args: PageArgs, ctx: Ctx) => connection(await listReplies(ctx.domain.em, await threadAccess(ctx, t), args)),
  viewerCan: async (t: Thread, _: unknown, ctx: Ctx) => {
    return abilities(ctx.domain.actor, await threadAccess(ctx, t), THREAD_ABILITIES);
  },
};

const followFor = async (queries: Batch<Thread>, ctx: Ctx) => followStates(ctx.domain.em, requireActor(ctx.domain).userId, queries.map((q) => q.obj.id));

/** Edit histories of a whole page of threads or floors in one query. */
async function editsOf(ctx: Ctx, where: { thread: string[]; reply: null } | { reply: string[] }, keyOf: (e: PostEdit) => string): Promise<Map<string, PostEdit[]>> {
  const edits = await ctx.domain.em.find(PostEdit, where as never, { orderBy: { id: 'desc' } });
  const byKey = new Map<string, PostEdit[]>();
  for (const edit of edits) {
    const key = keyOf(edit);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(edit);
  }
  return byKey;
}

export const threadLoaders = {
  edits: async (queries: Batch<Thread>, ctx: Ctx) => {
    const byThread = await editsOf(ctx, { thread: queries.map((q) => q.obj.id), reply: null }, (e) => e.thread.id);
    return queries.map((q) => byThread.get(q.obj.id) ?? []);
  },
  author: async (queries: Batch<Thread>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.author.id));
    return queries.map((q) => byId.get(q.obj.author.id));
  },
  group: async (queries: Batch<Thread>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    return queries.map((q) => byId.get(q.obj.group.id));
  },
  board: async (queries: Batch<Thread>, ctx: Ctx) => {
    const boards = await ctx.domain.em.find(Board, { id: [...new Set(queries.map((q) => q.obj.board.id))] });
    const byId = new Map(boards.map((b) => [b.id, b]));
    return queries.map((q) => byId.get(q.obj.board.id));
  },
  // Restricted threads reach a viewer only if they are a reader (threadForActor / listThreads).
  audience: async (queries: Batch<Thread>, ctx: Ctx) => {
    const restricted = queries.filter((q) => q.obj.confidentiality === 'restricted').map((q) => q.obj.id);
    const rows = restricted.length ? await audienceRows(ctx.domain.em, restricted) : [];
    const byId = await usersById(ctx, rows.map((r) => r.user_id));
    return queries.map((q) => rows.filter((r) => r.subject_id === q.obj.id).map((r) => byId.get(r.user_id)!).filter(Boolean));
  },
  viewerFollows: async (queries: Batch<Thread>, ctx: Ctx) => {
    const follows = await followFor(queries, ctx);
    return queries.map((q) => follows.has(q.obj.id));
  },
  newReplyCount: async (queries: Batch<Thread>, ctx: Ctx) => {
    const follows = await followFor(queries, ctx);
    return queries.map((q) => (follows.has(q.obj.id) ? Math.max(0, q.obj.lastFloor - follows.get(q.obj.id)!) : 0));
  },
};

export const replyResolvers = {
  threadId: (r: ThreadReply) => r.thread.id,
  confidentiality: (r: ThreadReply) => upper(r.confidentiality),
  body: (r: ThreadReply) => (r.deletedAt ? null : r.body),
  bodyHtml: (r: ThreadReply) => (r.deletedAt ? null : renderMarkdown(r.body)),
  viewerCan: async (r: ThreadReply, _: unknown, ctx: Ctx) => {
    const thread = await ctx.domain.em.findOneOrFail(Thread, { id: r.thread.id });
    return abilities(ctx.domain.actor, new ReplyAccess(r, await threadAccess(ctx, thread)), REPLY_ABILITIES);
  },
};

export const replyLoaders = {
  // A deleted reply's earlier versions are gone with it.
  edits: async (queries: Batch<ThreadReply>, ctx: Ctx) => {
    const live = queries.filter((q) => !q.obj.deletedAt).map((q) => q.obj.id);
    const byReply = live.length ? await editsOf(ctx, { reply: live }, (e) => e.reply!.id) : new Map<string, PostEdit[]>();
    return queries.map((q) => byReply.get(q.obj.id) ?? []);
  },
  author: async (queries: Batch<ThreadReply>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.author.id));
    return queries.map((q) => byId.get(q.obj.author.id));
  },
  quote: async (queries: Batch<ThreadReply>, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.quote?.id).filter((id): id is string => !!id))];
    const quoted = ids.length ? await ctx.domain.em.find(ThreadReply, { id: ids }) : [];
    const byId = new Map(quoted.map((r) => [r.id, r]));
    return queries.map((q) => (q.obj.quote ? byId.get(q.obj.quote.id) ?? null : null));
  },
};

export const postEditLoaders = {
  editor: async (queries: Batch<PostEdit>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.editor.id));
    return queries.map((q) => byId.get(q.obj.editor.id));
  },
};

async function discussionAccess(ctx: Ctx, d: DiscussionGroup): Promise<DiscussionAccess> {
  // Only members are ever handed a discussion group, so the viewer is a member here.
  return new DiscussionAccess(d, await groupAccess(ctx, d.group.id), true);
}

export const discussionResolvers = {
  viewerCanInvite: async (d: DiscussionGroup, _: unknown, ctx: Ctx) => can(ctx.domain.actor, 'invite', await discussionAccess(ctx, d)),
  viewerCanArchive: async (d: DiscussionGroup, _: unknown, ctx: Ctx) => can(ctx.domain.actor, 'archive', await discussionAccess(ctx, d)),
};

/** A list of discussion groups resolves its groups, people and conversations in a fixed number of queries. */
export const discussionLoaders = {
  group: async (queries: Batch<DiscussionGroup>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    return queries.map((q) => byId.get(q.obj.group.id));
  },
  creator: async (queries: Batch<DiscussionGroup>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.creator.id));
    return queries.map((q) => byId.get(q.obj.creator.id));
  },
  conversation: async (queries: Batch<DiscussionGroup>, ctx: Ctx) => {
    const accesses = await conversationsForActor(ctx.domain.em, requireActor(ctx.domain), queries.map((q) => q.obj.conversation.id));
    const byId = new Map(accesses.map((a) => [a.conversation.id, a]));
    return queries.map((q) => byId.get(q.obj.conversation.id) ?? null);
  },
  members: async (queries: Batch<DiscussionGroup>, ctx: Ctx) => {
    const rows = await conversationMemberRows(ctx.domain.em, queries.map((q) => q.obj.conversation.id));
    const byId = await usersById(ctx, rows.map((r) => r.user_id));
    return queries.map((q) => rows.filter((r) => r.conversation_id === q.obj.conversation.id).map((r) => byId.get(r.user_id)!).filter(Boolean));
  },
};

/** A listed group's non-members see the group but not its BBS or discussions: empty lists. */
function memberAccess(ctx: Ctx, groupId: string) {
  return groupAccess(ctx, groupId).catch(nullIfNotFound);
}

export const groupForumResolvers = {
  boards: async (g: ChatGroup, args: { includeArchived?: boolean }, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return access ? listBoards(ctx.domain.em, access, !!args.includeArchived) : [];
  },
  threads: async (g: ChatGroup, args: PageArgs & { essence?: boolean }, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return connection(access ? await listThreads(ctx.domain.em, { group: access, viewer: requireActor(ctx.domain) }, args) : emptyPage());
  },
  discussions: async (g: ChatGroup, args: { includeArchived?: boolean }, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return access ? myDiscussions(ctx.domain.em, requireActor(ctx.domain).userId, access, !!args.includeArchived) : [];
  },
};

export const conversationForumResolvers = {
  discussion: async (c: ConversationAccess, _: unknown, ctx: Ctx) => (c.discussion ? ctx.domain.em.findOne(DiscussionGroup, { id: c.discussion.id }) : null),
};

/**
 * Notifications resolve what they point at in one query per kind for the whole list. Some are
 * listed to people outside the group (an invitation, a rejected application: policies/groups.ts
 * `notificationShownSql`), so the group itself resolves only while the viewer may see it
 * (policies: GroupAccess 'read'); its name is read from the notification's snapshot.
 */
export const notificationResolvers = {
  kind: (n: NotificationRow) => upper(n.kind),
  read: (n: NotificationRow) => !!n.readAt,
  details: (n: NotificationRow) => (n.data ? JSON.stringify(n.data) : null),
};

export const notificationLoaders = {
  preview: async (queries: Batch<NotificationRow>, ctx: Ctx) => postPreviews(ctx.domain.em, queries.map((q) => ({ threadId: q.obj.threadId, replyId: q.obj.replyId }))),
  actor: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.actorId));
    return queries.map((q) => byId.get(q.obj.actorId));
  },
  /** The name stored with it (group kinds), else the group's current name while the viewer may see it. */
  groupName: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const snapshot = (n: NotificationRow) => (typeof n.data?.groupName === 'string' && n.data.groupName ? n.data.groupName : null);
    const missing = queries.filter((q) => !snapshot(q.obj)).map((q) => q.obj.groupId);
    const byId = missing.length ? await visibleGroups(ctx.domain.em, requireActor(ctx.domain), missing) : new Map<string, ChatGroup>();
    return queries.map((q) => snapshot(q.obj) ?? byId.get(q.obj.groupId)?.name ?? '已不可见的群组');
  },
  group: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const byId = await visibleGroups(ctx.domain.em, requireActor(ctx.domain), queries.map((q) => q.obj.groupId));
    return queries.map((q) => byId.get(q.obj.groupId) ?? null);
  },
  thread: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.threadId).filter((id): id is string => !!id))];
    const found = ids.length ? await ctx.domain.em.find(Thread, { id: ids }) : [];
    const byId = new Map(found.map((t) => [t.id, t]));
    return queries.map((q) => (q.obj.threadId ? byId.get(q.obj.threadId) ?? null : null));
  },
  reply: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.replyId).filter((id): id is string => !!id))];
    const found = ids.length ? await ctx.domain.em.find(ThreadReply, { id: ids }) : [];
    const byId = new Map(found.map((r) => [r.id, r]));
    return queries.map((q) => (q.obj.replyId ? byId.get(q.obj.replyId) ?? null : null));
  },
  discussion: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const ids = [...new Set(queries.map((q) => q.obj.conversationId).filter((id): id is string => !!id))];
    // A discussion shows only while the viewer is still in it.
    const visible = ids.length ? await memberConversations(ctx.domain.em, requireActor(ctx.domain).userId, ids) : [];
    const found = visible.length ? await ctx.domain.em.find(DiscussionGroup, { conversation: visible }) : [];
    const byConversation = new Map(found.map((d) => [d.conversation.id, d]));
    return queries.map((q) => (q.obj.conversationId ? byConversation.get(q.obj.conversationId) ?? null : null));
  },
};

