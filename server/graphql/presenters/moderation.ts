import { ChatGroup, GroupMember, ModerationReport, ModerationSanction, Thread, ThreadReply, type ContentType, type ModerationReason } from '../../db/entities/index.js';
import type { MessageView } from '../../modules/chat/messageViews.js';
import { requireActor } from '../../modules/context.js';
import { renderMarkdown } from '../../modules/forum/markdown.js';
import { isIndefinite, REASON_LABELS, removalNotice } from '../../modules/content/reasons.js';
import { mayLiftSanctions } from '../../modules/moderation/sanctions.js';
import { queueReports, type AuditRow, type ModerationQueue, type RemovedContentRow } from '../../modules/moderation/reports.js';
import type { PageArgs } from '../../modules/pagination.js';
import { isUuid } from '../../modules/ids.js';
import { can, mayReadAuditIp, moderatesEverywhere, mutedUntil } from '../../policies/index.js';
import { auditActionLabel } from '../../audit/labels.js';
import { auditReferences, presentAuditEntry, type AuditNames, type AuditPresentation } from '../../audit/sentences.js';
import type { Page } from '../../modules/pagination.js';
import { groupsOfConversations } from '../../modules/chat/store.js';
import { auditSubjectNames, openReportCount, reportedMessages, reportedThreads, reportedReplies } from '../../modules/moderation/store.js';
import type { GraphQLContext } from '../context.js';
import { groupsById, presentReactions, usersById } from './chat.js';
import { viewerAccess } from '../viewerAccess.js';
import { connection } from './connection.js';
import { columnReader } from '../columnReaders.js';

type Ctx = GraphQLContext;
type Batch<T> = Array<{ obj: T }>;
const upper = (value: string) => value.toUpperCase();

/** The tombstone every viewer sees (viewer-independent: safe for the shared subscription lane). */
export function removalOf(type: ContentType, removedAt: Date | null, reason: string | null, movedToThreadId: string | null = null) {
  if (!removedAt) return null;
  const code = (reason ?? 'other') as ModerationReason;
  return { reason: upper(code), reasonLabel: REASON_LABELS[code] ?? REASON_LABELS.other, notice: removalNotice(type, code), removedAt, movedToThreadId };
}

/** Whether the viewer moderates the group (policies: GroupAccess 'moderate'), from the request's access loader. */
async function managesGroup(ctx: Ctx, groupId: string): Promise<boolean> {
  if (!ctx.domain.actor) return false;
  const access = await viewerAccess(ctx.domain).standing(groupId);
  return !!access && can(ctx.domain.actor, 'moderate', access);
}

/** Replaces Message.body and reactions: recalled, removed and restricted-placeholder messages show neither. */
export const messageModerationResolvers = {
  body: (m: MessageView) => (m.recalledAt || m.removedAt || m.placeholder ? null : m.body),
  reactions: (m: MessageView, _: unknown, ctx: Ctx) => (m.recalledAt || m.removedAt || m.placeholder ? [] : presentReactions(m, ctx)),
  removal: (m: MessageView) => removalOf('message', m.removedAt, m.removalReason, m.movedToThreadId),
};

export const messageModerationLoaders = {
  /** The original text of removed messages, for whoever moderates their group (one query per page). */
  removedBody: async (queries: Batch<MessageView>, ctx: Ctx) => {
    const removed = queries.filter((q) => q.obj.removedAt);
    if (!removed.length || !ctx.domain.actor) return queries.map(() => null);
    const rows = await groupsOfConversations(ctx.domain.em, [...new Set(removed.map((q) => q.obj.conversationId))]);
    const groupOf = new Map(rows.map((r) => [r.conversation_id, r.group_id]));
    return Promise.all(
      queries.map(async (q) => {
        const groupId = q.obj.removedAt ? groupOf.get(q.obj.conversationId) : null;
        return groupId && (await managesGroup(ctx, groupId)) ? q.obj.body : null;
      }),
    );
  },
};

const threadHidden = async (t: Thread, ctx: Ctx) => !!t.removedAt && !(await managesGroup(ctx, t.group.id));

export const threadModerationResolvers = {
  title: columnReader(async (t: Thread, _: unknown, ctx: Ctx) => ((await threadHidden(t, ctx)) ? removalNotice('thread', t.removalReason ?? 'other') : t.title)),
  body: columnReader(async (t: Thread, _: unknown, ctx: Ctx) => ((await threadHidden(t, ctx)) ? '' : t.body)),
  bodyHtml: columnReader(async (t: Thread, _: unknown, ctx: Ctx) => ((await threadHidden(t, ctx)) ? '' : renderMarkdown(t.body))),
  removal: columnReader((t: Thread) => removalOf('thread', t.removedAt, t.removalReason)),
};

async function replyHidden(r: ThreadReply, ctx: Ctx): Promise<boolean> {
  if (r.deletedAt) return true;
  if (!r.removedAt) return false;
  const thread = await ctx.domain.em.findOneOrFail(Thread, { id: r.thread.id });
  return !(await managesGroup(ctx, thread.group.id));
}

export const replyModerationResolvers = {
  body: async (r: ThreadReply, _: unknown, ctx: Ctx) => ((await replyHidden(r, ctx)) ? null : r.body),
  bodyHtml: async (r: ThreadReply, _: unknown, ctx: Ctx) => ((await replyHidden(r, ctx)) ? null : renderMarkdown(r.body)),
  removal: (r: ThreadReply) => removalOf('reply', r.removedAt, r.removalReason),
};

export const groupModerationResolvers = {
  moderation: async (g: ChatGroup, _: unknown, ctx: Ctx) => {
    const actor = requireActor(ctx.domain);
    const [access] = await viewerAccess(ctx.domain).ofGroups([g]);
    const until = access.role ? mutedUntil(access.role, access.mutedUntil, g.mutedAllUntil) : null;
    const mutedAll = !!g.mutedAllUntil && g.mutedAllUntil.getTime() > Date.now();
    const moderates = can(actor, 'moderate', access);
    return {
      mutedAll,
      mutedAllUntil: mutedAll && !isIndefinite(g.mutedAllUntil) ? g.mutedAllUntil : null,
      viewerMuted: !!until,
      viewerMutedUntil: until && !isIndefinite(until) ? until : null,
      escalation: { warnings: g.warnThreshold, windowDays: g.warnWindowDays, muteMinutes: g.warnMuteMinutes },
      viewerCanModerate: moderates,
      openReportCount: moderates
        ? () => openReportCount(ctx.domain.em, g.id)
        : 0,
    };
  },
};

const activeMute = (m: GroupMember) => (m.mutedUntil && m.mutedUntil.getTime() > Date.now() ? m.mutedUntil : null);
export const memberModerationResolvers = {
  mutedUntil: (m: GroupMember) => activeMute(m),
  mutedIndefinitely: (m: GroupMember) => isIndefinite(activeMute(m)),
};

export const queueResolvers = {
  group: (q: ModerationQueue) => q.access.group,
  counts: (q: ModerationQueue) => q.counts.map((c) => ({ reason: upper(c.reason), contentType: upper(c.contentType), count: c.count })),
  reports: async (q: ModerationQueue, args: PageArgs & { status?: string | null }, ctx: Ctx) =>
    connection(await queueReports(ctx.domain.em, q.access, args.status ? (args.status.toLowerCase() as 'open') : null, args)),
};

interface ContentSummary {
  body: string;
  removal: ReturnType<typeof removalOf>;
  conversationId: string | null;
  threadId: string | null;
}

/** The reported content of a whole page of reports in one query per content type. */
async function reportedContent(queries: Batch<ModerationReport>, ctx: Ctx): Promise<Array<ContentSummary | null>> {
  const ids = (type: ContentType) => [...new Set(queries.filter((q) => q.obj.contentType === type).map((q) => q.obj.contentId))];
  const em = ctx.domain.em;
  const [messages, threads, replies] = await Promise.all([
    // A discussion group's messages are for its members only: other moderators of the group see
    // that a message was reported, not its text.
    ids('message').length ? reportedMessages(em, ctx.domain.actor?.userId ?? null, ids('message')) : [],
    ids('thread').length ? reportedThreads(em, ids('thread')) : [],
    ids('reply').length ? reportedReplies(em, ids('reply')) : [],
  ]);
  const byKey = new Map<string, ContentSummary>();
  for (const m of messages) byKey.set(`message:${m.id}`, { body: m.body ?? '（讨论组消息，仅讨论组成员可见）', removal: removalOf('message', m.removed_at, m.removal_reason, m.moved_to_thread_id), conversationId: m.conversation_id, threadId: null });
  for (const t of threads) byKey.set(`thread:${t.id}`, { body: `${t.title}\n${t.body}`, removal: removalOf('thread', t.removed_at, t.removal_reason), conversationId: null, threadId: t.id });
  for (const r of replies) byKey.set(`reply:${r.id}`, { body: r.body, removal: removalOf('reply', r.removed_at, r.removal_reason), conversationId: null, threadId: r.thread_id });
  return queries.map((q) => byKey.get(`${q.obj.contentType}:${q.obj.contentId}`) ?? null);
}

export const reportResolvers = {
  contentType: (r: ModerationReport) => upper(r.contentType),
  reason: (r: ModerationReport) => upper(r.reason),
  status: (r: ModerationReport) => upper(r.status),
};

/** Reports reach only moderators (the queue checks), and the reporter (their own report). */
export const reportLoaders = {
  reporter: async (queries: Batch<ModerationReport>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.reporter.id));
    return queries.map((q) => byId.get(q.obj.reporter.id));
  },
  contentAuthor: async (queries: Batch<ModerationReport>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.contentAuthor.id));
    return queries.map((q) => byId.get(q.obj.contentAuthor.id));
  },
  resolvedBy: async (queries: Batch<ModerationReport>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.resolvedBy?.id).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.resolvedBy ? byId.get(q.obj.resolvedBy.id) ?? null : null));
  },
  contentExcerpt: async (queries: Batch<ModerationReport>, ctx: Ctx) => (await reportedContent(queries, ctx)).map((c) => c?.body ?? null),
  contentRemoval: async (queries: Batch<ModerationReport>, ctx: Ctx) => (await reportedContent(queries, ctx)).map((c) => c?.removal ?? null),
  conversationId: async (queries: Batch<ModerationReport>, ctx: Ctx) => (await reportedContent(queries, ctx)).map((c) => c?.conversationId ?? null),
  threadId: async (queries: Batch<ModerationReport>, ctx: Ctx) => (await reportedContent(queries, ctx)).map((c) => c?.threadId ?? null),
};

export const sanctionResolvers = {
  kind: (s: ModerationSanction) => upper(s.kind),
  reason: (s: ModerationSanction) => upper(s.reason),
  reasonLabel: (s: ModerationSanction) => REASON_LABELS[s.reason],
  contentType: (s: ModerationSanction) => (s.contentType ? upper(s.contentType) : null),
};

export const sanctionLoaders = {
  viewerCanLift: (queries: Batch<ModerationSanction>, ctx: Ctx) => mayLiftSanctions(ctx.domain, queries.map((q) => q.obj)),
  group: async (queries: Batch<ModerationSanction>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    return queries.map((q) => byId.get(q.obj.group.id));
  },
  user: async (queries: Batch<ModerationSanction>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.user.id));
    return queries.map((q) => byId.get(q.obj.user.id));
  },
  actor: async (queries: Batch<ModerationSanction>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.actor?.id).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.actor ? byId.get(q.obj.actor.id) ?? null : null));
  },
  active: async (queries: Batch<ModerationSanction>, ctx: Ctx) => {
    const groups = await groupsById(ctx, queries.map((q) => q.obj.group.id));
    const now = Date.now();
    return queries.map(({ obj: s }) => {
      if (s.revokedAt || s.kind === 'kick') return false;
      if (s.kind === 'warning') return s.createdAt.getTime() > now - (groups.get(s.group.id)?.warnWindowDays ?? 90) * 86_400_000;
      if (s.kind === 'mute') return !s.endsAt || s.endsAt.getTime() > now;
      return true;
    });
  },
};

export const removedContentResolvers = {
  contentType: (r: RemovedContentRow) => upper(r.type),
  removal: (r: RemovedContentRow) => removalOf(r.type, r.removedAt, r.reason, r.movedToThreadId),
};

export const removedContentLoaders = {
  group: async (queries: Batch<RemovedContentRow>, ctx: Ctx) => {
    const byId = await groupsById(ctx, queries.map((q) => q.obj.groupId).filter(Boolean));
    return queries.map((q) => byId.get(q.obj.groupId));
  },
};

/** An audit entry with its sentence and labelled fields. */
export type PresentedAuditRow = AuditRow & AuditPresentation;

/**
 * A page of the audit log as an admin reads it: the people and things its entries refer to are
 * named in two lookups for the whole page (people, then everything else), then each entry becomes
 * a sentence and labelled fields (audit/sentences.ts).
 */
export async function presentAuditPage(ctx: Ctx, page: Page<AuditRow>): Promise<Page<PresentedAuditRow>> {
  const refs = auditReferences(page.nodes);
  const { user, ...others } = refs;
  const [people, subjects] = await Promise.all([
    usersById(ctx, [...user]),
    auditSubjectNames(ctx.domain.em, { userId: requireActor(ctx.domain).userId, moderatesEverywhere: moderatesEverywhere(ctx.domain.actor) }, Object.fromEntries(Object.entries(others).map(([kind, ids]) => [kind, [...ids]]))),
  ]);
  const names: AuditNames = { user: new Map([...people].map(([id, p]) => [id, p.realName])) };
  for (const s of subjects) (names[s.kind] ??= new Map()).set(s.id, s.name);
  return { ...page, nodes: page.nodes.map((entry) => ({ ...entry, ...presentAuditEntry(entry, names) })) };
}

export const auditEntryResolvers = {
  actionLabel: (a: AuditRow) => auditActionLabel(a.action),
  before: (a: AuditRow) => (a.before ? JSON.stringify(a.before) : null),
  after: (a: AuditRow) => (a.after ? JSON.stringify(a.after) : null),
  ip: (a: AuditRow, _: unknown, ctx: Ctx) => (mayReadAuditIp(ctx.domain.actor) ? a.ip : null),
};

export const auditEntryLoaders = {
  actor: async (queries: Batch<AuditRow>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.actorId).filter((id): id is string => !!id));
    return queries.map((q) => (q.obj.actorId ? byId.get(q.obj.actorId) ?? null : null));
  },
  targetUser: async (queries: Batch<AuditRow>, ctx: Ctx) => {
    const ids = queries.map((q) => q.obj.targetUserId).filter((id): id is string => !!id && isUuid(id));
    const byId = await usersById(ctx, ids);
    return queries.map((q) => (q.obj.targetUserId ? byId.get(q.obj.targetUserId) ?? null : null));
  },
};
