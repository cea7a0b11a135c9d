import { ChatGroup, Conversation, GroupApplication, GroupInvitation, GroupMember, User } from '../../db/entities/index.js';

import { blockedIds } from '../../modules/chat/direct.js';
import { groupMembers, pendingApplications } from '../../modules/groups/groups.js';
import { history, unreadCounts, type HistoryArgs } from '../../modules/chat/messages.js';
import { messagePageViews, viewExtras, type MessageView } from '../../modules/chat/messageViews.js';
import { loadPeople, type PersonView } from '../../modules/accounts/people.js';
import { coMembersAmong } from '../../modules/accounts/store.js';
import { lastMessageRows } from '../../modules/chat/store.js';
import { managed } from '../../db/sql.js';
import { ConversationAccess, GroupAccess } from '../../modules/groups/subjects.js';
import { MessageAccess } from '../../modules/chat/subjects.js';
import { conversationsForActor } from '../../modules/groups/access.js';
import { requireActor } from '../../modules/context.js';
import type { PageArgs } from '../../modules/pagination.js';
import { abilities, GROUP_ABILITIES, MESSAGE_ABILITIES, noAbilities } from '../../policies/index.js';
import type { ChatEventView } from '../../realtime/hub.js';
import type { GraphQLContext } from '../context.js';
import { viewerAccess } from '../viewerAccess.js';
import { connection } from './connection.js';
import { columnReader, selectsColumnsOnly } from '../columnReaders.js';
import type { GraphQLResolveInfo } from 'graphql';

type Ctx = GraphQLContext;
const upper = (value: string) => value.toUpperCase();

/** The viewer's access to the groups (the request's access loader). */
const accessFor = (ctx: Ctx, groups: ChatGroup[]): Promise<GroupAccess[]> => viewerAccess(ctx.domain).ofGroups(groups);

/**
 * The viewer's access to the conversations whose messages an execution shows (role, mute,
 * archived discussion), for Message.viewerCan: the conversations missing from the cache in one
 * query per batch, whatever the number of messages; a history page puts its own access in first,
 * so it costs nothing. Keyed by the execution's root value under the request's domain context; a
 * subscription's domain lives as long as its socket, and its accesses are kept for LIVE_ACCESS_MS.
 */
type Waiter = { resolve: (access: ConversationAccess | null) => void; reject: (error: unknown) => void };
type AccessCache = { byId: Map<string, Promise<ConversationAccess | null>>; pending: Map<string, Waiter> | null; since: number };
const conversationAccessCache = new WeakMap<object, WeakMap<object, AccessCache>>();
/** A live subscriber's accesses are reused this long: one query per conversation and socket, not one per event (a mute shows on the buttons within it; the server refuses anyway). */
const LIVE_ACCESS_MS = 10_000;
function conversationAccessCacheOf(ctx: Ctx, info: GraphQLResolveInfo): AccessCache {
  let perRoot = conversationAccessCache.get(ctx.domain);
  if (!perRoot) conversationAccessCache.set(ctx.domain, (perRoot = new WeakMap()));
  const live = info.operation.operation === 'subscription';
  const root = (live ? ctx.domain : info.rootValue ?? ctx.domain) as object;
  let cache = perRoot.get(root);
  if (!cache || (live && Date.now() - cache.since > LIVE_ACCESS_MS)) perRoot.set(root, (cache = { byId: new Map(), pending: null, since: Date.now() }));
  return cache;
}
function rememberConversationAccess(ctx: Ctx, info: GraphQLResolveInfo, access: ConversationAccess): void {
  const cache = conversationAccessCacheOf(ctx, info);
  if (!cache.byId.has(access.conversation.id)) cache.byId.set(access.conversation.id, Promise.resolve(access));
}
async function loadPending(ctx: Ctx, cache: AccessCache, pending: Map<string, Waiter>): Promise<void> {
  cache.pending = null;
  const actor = ctx.domain.actor;
  try {
    const found = actor ? await conversationsForActor(ctx.domain.em, actor, [...pending.keys()]) : [];
    const byId = new Map(found.map((a) => [a.conversation.id, a]));
    for (const [id, waiter] of pending) waiter.resolve(byId.get(id) ?? null);
  } catch (error) {
    for (const [id, waiter] of pending) {
      cache.byId.delete(id);
      waiter.reject(error);
    }
  }
}
function conversationAccessOf(ctx: Ctx, info: GraphQLResolveInfo, conversationId: string): Promise<ConversationAccess | null> {
  const cache = conversationAccessCacheOf(ctx, info);
  const known = cache.byId.get(conversationId);
  if (known) return known;
  if (!cache.pending) {
    const pending = (cache.pending = new Map());
    // Like DataLoader: load once the resolvers of this tick (every message of a list) have asked.
    void Promise.resolve().then(() => process.nextTick(() => void loadPending(ctx, cache, pending)));
  }
  const promise = new Promise<ConversationAccess | null>((resolve, reject) => cache.pending!.set(conversationId, { resolve, reject }));
  cache.byId.set(conversationId, promise);
  return promise;
}

/** People by id as plain person views (one prepared statement; the User presenter reads them like entities). */
export const usersById = async (ctx: Ctx, ids: string[]) => (ids.length ? loadPeople(ctx.domain.em, ids) : new Map<string, PersonView>());

export const groupResolvers = {
  visibility: columnReader((g: ChatGroup) => upper(g.visibility)),
  members: async (g: ChatGroup, args: PageArgs & { query?: string | null }, ctx: Ctx) => {
    const [access] = await accessFor(ctx, [g]);
    return connection(await groupMembers(ctx.domain.em, requireActor(ctx.domain), access, args));
  },
  applications: async (g: ChatGroup, args: PageArgs, ctx: Ctx) => {
    const [access] = await accessFor(ctx, [g]);
    return connection(await pendingApplications(ctx.domain.em, requireActor(ctx.domain), access, args));
  },
  viewerApplication: async (g: ChatGroup, _: unknown, ctx: Ctx) =>
    ctx.domain.em.findOne(GroupApplication, { group: g.id, applicant: requireActor(ctx.domain).userId, status: 'pending' }),
};

export const groupLoaders = {
  owner: async (queries: Array<{ obj: ChatGroup }>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.owner.id));
    return queries.map((q) => byId.get(q.obj.owner.id));
  },
  viewerRole: async (queries: Array<{ obj: ChatGroup }>, ctx: Ctx) =>
    (await accessFor(ctx, queries.map((q) => q.obj))).map((a) => (a.role ? upper(a.role) : null)),
  viewerCan: async (queries: Array<{ obj: ChatGroup }>, ctx: Ctx) => {
    const actor = ctx.domain.actor;
    return (await accessFor(ctx, queries.map((q) => q.obj))).map((a) => abilities(actor, a, GROUP_ABILITIES));
  },
  conversation: async (queries: Array<{ obj: ChatGroup }>, ctx: Ctx) => {
    const accesses = await accessFor(ctx, queries.map((q) => q.obj));
    const ids = accesses.filter((a) => a.role).map((a) => a.group.conversation.id);
    const conversations = ids.length ? await ctx.domain.em.find(Conversation, { id: ids }) : [];
    const byId = new Map(conversations.map((c) => [c.id, c]));
    return accesses.map((a) => (a.role ? new ConversationAccess(byId.get(a.group.conversation.id)!, a.group, a.role, null) : null));
  },
};

export const conversationResolvers = {
  id: (c: ConversationAccess) => c.conversation.id,
  kind: (c: ConversationAccess) => upper(c.conversation.kind),
  // A plain view when the query reads only the group's columns, the entity otherwise.
  group: (c: ConversationAccess, _: unknown, ctx: Ctx, info: GraphQLResolveInfo) =>
    c.group && (selectsColumnsOnly(info) ? c.group : managed(ctx.domain.em, ChatGroup, c.group)),
  lastSeq: (c: ConversationAccess) => c.conversation.lastSeq,
  messages: async (c: ConversationAccess, args: HistoryArgs, ctx: Ctx, info: GraphQLResolveInfo) => {
    rememberConversationAccess(ctx, info, c);
    const page = await history(ctx.domain.em, c, args, requireActor(ctx.domain).userId);
    return {
      edges: page.messages.map((m) => ({ node: m, cursor: String(m.seq) })),
      pageInfo: {
        hasPreviousPage: page.hasPreviousPage,
        hasNextPage: page.hasNextPage,
        startSeq: page.messages[0]?.seq ?? null,
        endSeq: page.messages[page.messages.length - 1]?.seq ?? null,
      },
    };
  },
};

/** Unread counts of every conversation in the list, in one query. */
const countsFor = async (queries: Array<{ obj: ConversationAccess }>, ctx: Ctx) => {
  const counts = await unreadCounts(ctx.domain.em, requireActor(ctx.domain).userId, queries.map((q) => conversationIdOf(q.obj)));
  return queries.map((q) => counts.get(conversationIdOf(q.obj)) ?? { lastReadSeq: 0, unread: 0, mentions: 0 });
};
const conversationIdOf = (c: ConversationAccess) => c.conversation.id;

export const conversationLoaders = {
  peer: async (queries: Array<{ obj: ConversationAccess }>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.peerId).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.peerId ? byId.get(q.obj.peerId) ?? null : null));
  },
  lastMessage: async (queries: Array<{ obj: ConversationAccess }>, ctx: Ctx) => {
    const ids = queries.map((q) => conversationIdOf(q.obj));
    const { em } = ctx.domain;
    const rows = await lastMessageRows(em, ids);
    const byConversation = new Map(messagePageViews(em, rows, requireActor(ctx.domain).userId).map((v) => [v.conversationId, v]));
    return ids.map((id) => byConversation.get(id) ?? null);
  },
  lastReadSeq: async (queries: Array<{ obj: ConversationAccess }>, ctx: Ctx) => (await countsFor(queries, ctx)).map((c) => c.lastReadSeq),
  unreadCount: async (queries: Array<{ obj: ConversationAccess }>, ctx: Ctx) => (await countsFor(queries, ctx)).map((c) => c.unread),
  mentionCount: async (queries: Array<{ obj: ConversationAccess }>, ctx: Ctx) => (await countsFor(queries, ctx)).map((c) => c.mentions),
};

const isAuthor = (m: MessageView, ctx: Ctx) => ctx.domain.actor?.userId === m.authorId;

/** Message.reactions of a view: grouped by emoji, with whether the viewer is among them. */
export function presentReactions(m: MessageView, ctx: Ctx) {
  const present = (reactions: MessageView['reactions']) =>
    reactions.map((r) => ({ emoji: r.emoji, count: r.users.length, users: r.users, viewerReacted: r.users.some((u) => u.id === ctx.domain.actor?.userId) }));
  return m.more ? viewExtras(m).then((x) => present(x.reactions)) : present(m.reactions);
}

/** Message fields come from the preloaded view: no query per message, or per subscriber. */
export const messageResolvers = {
  author: (m: MessageView) => m.author,
  body: (m: MessageView) => (m.recalledAt || m.placeholder ? null : m.body),
  confidentiality: (m: MessageView) => upper(m.confidentiality),
  restrictedPlaceholder: (m: MessageView) => !!m.placeholder,
  // A recalled quote still says who and when; its body resolver hides the text.
  // Quote, mentions and reactions come with the view, or (history pages) are loaded for the whole
  // page with the first of them a query selects.
  replyTo: (m: MessageView) => (m.more ? (m.replyToId ? viewExtras(m).then((x) => x.replyTo) : null) : m.replyTo),
  mentions: (m: MessageView) => (m.more ? viewExtras(m).then((x) => x.mentions) : m.mentions),
  reactions: (m: MessageView, _: unknown, ctx: Ctx) => (m.recalledAt ? [] : presentReactions(m, ctx)),
  clientMessageId: (m: MessageView, _: unknown, ctx: Ctx) => (isAuthor(m, ctx) ? m.clientMessageId : null),
  // The same rules as the mutations (policies/chat.ts), with the viewer's access to the message's
  // conversation (role, mute, archived): the UI offers what the server accepts. A placeholder is a
  // message the viewer may not read, which every mutation answers NOT_FOUND; so is a conversation
  // the viewer is not (or no longer) in.
  viewerCan: async (m: MessageView, _: unknown, ctx: Ctx, info: GraphQLResolveInfo) => {
    const access = m.placeholder ? null : await conversationAccessOf(ctx, info, m.conversationId);
    if (!access) return noAbilities(MESSAGE_ABILITIES);
    const subject = new MessageAccess({ author: { id: m.authorId }, createdAt: m.createdAt, recalledAt: m.recalledAt, removedAt: m.removedAt, confidentiality: m.confidentiality }, access);
    return abilities(ctx.domain.actor, subject, MESSAGE_ABILITIES);
  },
};

export const chatEventResolvers = {
  at: (e: ChatEventView) => e.at,
};

export const memberResolvers = {
  role: (m: GroupMember) => upper(m.role),
};

export const memberLoaders = {
  user: async (queries: Array<{ obj: GroupMember }>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.user.id));
    return queries.map((q) => byId.get(q.obj.user.id));
  },
};

export const applicationResolvers = {
  status: (a: GroupApplication) => upper(a.status),
};

export const groupsById = async (ctx: Ctx, ids: string[]) => {
  const unique = [...new Set(ids)];
  const groups = unique.length ? await ctx.domain.em.find(ChatGroup, { id: unique }) : [];
  return new Map(groups.map((g) => [g.id, g]));
};

/** Lists of applications and invitations resolve their group and people in one query each. */
export const applicationLoaders = {
  group: async (queries: Array<{ obj: GroupApplication }>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    return queries.map((q) => byId.get(q.obj.group.id));
  },
  applicant: async (queries: Array<{ obj: GroupApplication }>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.applicant.id));
    return queries.map((q) => byId.get(q.obj.applicant.id));
  },
};

export const invitationLoaders = {
  group: async (queries: Array<{ obj: GroupInvitation }>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    return queries.map((q) => byId.get(q.obj.group.id));
  },
  inviter: async (queries: Array<{ obj: GroupInvitation }>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.inviter.id));
    return queries.map((q) => byId.get(q.obj.inviter.id));
  },
};

/** Presence and blocking, batched over a list of users. */
export const userChatLoaders = {
  presence: async (queries: Array<{ obj: User | PersonView }>, ctx: Ctx) => {
    const actor = ctx.domain.actor;
    if (!actor) return queries.map(() => null);
    const ids = queries.map((q) => q.obj.id);
    const visible = new Set(await coMembersAmong(ctx.domain.em, actor.userId, ids));
    visible.add(actor.userId);
    const online = await ctx.domain.deps.presence.onlineAmong(ids.filter((id) => visible.has(id)));
    return queries.map((q) => (visible.has(q.obj.id) ? { user: q.obj, online: online.has(q.obj.id), lastSeenAt: q.obj.lastSeenAt } : null));
  },
  blockedByViewer: async (queries: Array<{ obj: User | PersonView }>, ctx: Ctx) => {
    const actor = ctx.domain.actor;
    if (!actor) return queries.map(() => false);
    const blocked = await blockedIds(ctx.domain.em, actor.userId, queries.map((q) => q.obj.id));
    return queries.map((q) => blocked.has(q.obj.id));
  },
};

