import { ChatGroup, Thread } from '../../db/entities/index.js';
import { requireActor } from '../../modules/context.js';
import { banMember, kickMember, moveMessageToBoard, muteMember, removeContent, restoreContent, revokeWarning, setEscalationRule, setGroupMute, unbanMember, unmuteMember, warnMember } from '../../modules/moderation/actions.js';
import { AUDIT_LABELS } from '../../audit/labels.js';
import { groupAuditLog, moderationQueue, myModerationRecord, reportContent, resolveReport, type AuditFilter } from '../../modules/moderation/reports.js';
import { liftableSanctions } from '../../modules/moderation/sanctions.js';
import type { PageArgs } from '../../modules/pagination.js';
import type { GraphQLContext } from '../context.js';
import { connection } from '../presenters/connection.js';
import { presentAuditPage, removalOf } from '../presenters/moderation.js';

type Ctx = GraphQLContext;
type Reasoned = { groupId: string; userId: string; reason: string; note?: string | null };
const group = (ctx: Ctx, id: string) => ctx.domain.em.findOneOrFail(ChatGroup, { id }, { refresh: true });

export const moderationQueries = {
  auditActions: () => Object.entries(AUDIT_LABELS).map(([action, label]) => ({ action, label })),
  moderationQueue: (_: unknown, args: { groupId: string }, { domain }: Ctx) => moderationQueue(domain, args.groupId),
  groupAuditLog: async (_: unknown, args: PageArgs & { groupId: string; filter?: AuditFilter | null }, ctx: Ctx) =>
    connection(await presentAuditPage(ctx, await groupAuditLog(ctx.domain, args.groupId, args.filter ?? {}, args))),
  myModerationRecord: (_: unknown, __: unknown, { domain }: Ctx) => myModerationRecord(domain),
  groupSanctions: (_: unknown, args: { groupId: string }, { domain }: Ctx) => liftableSanctions(domain, args.groupId),
};

export const moderationMutations = {
  reportContent: (_: unknown, a: { contentType: string; contentId: string; reason: string; note?: string }, { domain }: Ctx) => reportContent(domain, a.contentType, a.contentId, a.reason, a.note),
  resolveReport: (_: unknown, a: { reportId: string; outcome: string; note?: string }, { domain }: Ctx) => resolveReport(domain, a.reportId, a.outcome, a.note),
  removeContent: async (_: unknown, a: { contentType: string; contentId: string; reason: string; note?: string }, { domain }: Ctx) => {
    const c = await removeContent(domain, a.contentType, a.contentId, a.reason, a.note);
    return removalOf(c.type, c.removedAt, c.removalReason);
  },
  restoreContent: async (_: unknown, a: { contentType: string; contentId: string; note?: string }, { domain }: Ctx) => {
    await restoreContent(domain, a.contentType, a.contentId, a.note);
    return true;
  },
  moveMessageToBoard: async (_: unknown, a: { messageId: string; boardId: string; title?: string; note?: string }, { domain }: Ctx) =>
    domain.em.findOneOrFail(Thread, { id: await moveMessageToBoard(domain, a.messageId, a.boardId, a.title, a.note) }),
  warnMember: (_: unknown, a: Reasoned & { contentType?: string; contentId?: string }, { domain }: Ctx) =>
    warnMember(domain, a.groupId, a.userId, a.reason, a.note, a.contentId ? { type: a.contentType, id: a.contentId } : null),
  revokeWarning: (_: unknown, a: { sanctionId: string; reason: string }, { domain }: Ctx) => revokeWarning(domain, a.sanctionId, a.reason),
  muteMember: (_: unknown, a: Reasoned & { minutes?: number | null }, { domain }: Ctx) => muteMember(domain, a.groupId, a.userId, a.minutes, a.reason, a.note),
  unmuteMember: (_: unknown, a: { groupId: string; userId: string; note?: string }, { domain }: Ctx) => unmuteMember(domain, a.groupId, a.userId, a.note),
  setGroupMute: async (_: unknown, a: { groupId: string; muted: boolean; minutes?: number | null; note?: string }, ctx: Ctx) =>
    group(ctx, await setGroupMute(ctx.domain, a.groupId, a.muted, a.minutes, a.note)),
  kickMember: (_: unknown, a: Reasoned, { domain }: Ctx) => kickMember(domain, a.groupId, a.userId, a.reason, a.note),
  banMember: (_: unknown, a: Reasoned, { domain }: Ctx) => banMember(domain, a.groupId, a.userId, a.reason, a.note),
  unbanMember: (_: unknown, a: { groupId: string; userId: string; note?: string }, { domain }: Ctx) => unbanMember(domain, a.groupId, a.userId, a.note),
  setEscalationRule: async (_: unknown, a: { groupId: string; warnings: number; windowDays: number; muteMinutes: number }, ctx: Ctx) => {
    requireActor(ctx.domain);
    return group(ctx, await setEscalationRule(ctx.domain, a.groupId, a));
  },
};
