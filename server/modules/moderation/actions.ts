import type { EntityManager } from '@mikro-orm/postgresql';
import { audit } from '../../audit/logger.js';
import { Board, ModerationSanction, type ModerationReason } from '../../db/entities/index.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { authorize, INDEFINITE, ModerationTarget, type ModerationAction } from '../../policies/index.js';
import * as valid from '../core/validation.js';
import { dropMember } from '../groups/groups.js';
import { inTransaction, publisherOf, recordEvent } from '../core/events.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { markSubjectReadForAll, notificationsChanged, notify } from '../notifications/notifications.js';
import { validTitle } from '../content/posts.js';
import { toTitledTsvectorLiteral, toTsvectorLiteral } from '../content/segment.js';
import { contentForActor, moderatedGroupForActor, targetForActor, type ContentRef } from './access.js';
import {
  closePendingWaysIn, hasActiveBan, insertMovedThread, insertSanction, liftMemberMute, lockEscalation, lockGroupMute, lockMemberMute, lockRunningMute,
  markContentRemoved, markContentRestored, revokeBan, revokeWarningSanction, setGroupMutedUntil, setMemberMutedUntil, updateEscalationRule,
} from './store.js';
import { isIndefinite, parseContentType, parseReason, REASON_LABELS, removalNotice, shanghaiTime } from '../content/reasons.js';

/**
 * Moderation as named services taking the actor (PostDestroyer, UserSilencer): each loads what
 * it acts on through an access helper (NOT_FOUND for what the actor may not see), asks the one
 * policy (policies/moderation.ts), then writes the change, its audit row, its events and the
 * notifications in one transaction, and publishes after commit.
 */

const note = (raw: unknown, field = 'note') => valid.optionalText(raw, field, '说明', 500);
/** The audit row's reason: the reason's label and the moderator's note. */
const auditReason = (reason: ModerationReason, text: string | null) => `${REASON_LABELS[reason]}${text ? `：${text}` : ''}`;

const REFUSED: Record<ModerationAction, string> = {
  removeContent: '您不能移除此人的内容',
  restoreContent: '您不能恢复此人的内容',
  moveContent: '您不能移动此人的消息',
  warn: '您不能警告此人',
  revokeWarning: '您不能撤销对此人的警告',
  mute: '您不能禁言此人',
  unmute: '您不能为此人解除禁言',
  kick: '您不能移出此人',
  ban: '您不能将此人加入黑名单',
  unban: '您不能为此人解除封禁',
};

function authorizeOn(ctx: DomainContext, action: ModerationAction, target: ModerationTarget): void {
  const actor = requireActor(ctx);
  authorize(actor, action, target, target.targetUserId === actor.userId ? '不能对自己执行管理操作' : REFUSED[action]);
}

function contentPointers(content: ContentRef) {
  return {
    groupId: content.group.group.id,
    threadId: content.threadId,
    replyId: content.replyId,
    conversationId: content.conversationId,
    subjectId: content.id,
  };
}

/** Removes a message, thread or reply: members see the tombstone; the author is told with their text. */
export async function removeContent(ctx: DomainContext, rawType: unknown, id: unknown, rawReason: unknown, rawNote: unknown): Promise<ContentRef> {
  const actor = requireActor(ctx);
  const content = await contentForActor(ctx.em, actor, parseContentType(rawType), id);
  authorizeOn(ctx, 'removeContent', new ModerationTarget(content.group, content.authorId, content.authorRole));
  if (content.removedAt) throw conflict('该内容已被移除');
  if (content.gone) throw conflict('该内容已被作者撤回或删除');
  const reason = parseReason(rawReason);
  const text = note(rawNote);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    await markRemoved(em, content, reason, null);
    if (content.type === 'message') {
      emit(await recordEvent(em, { conversationId: content.conversationId!, type: 'MESSAGE_REMOVED', messageId: content.id, userId: actor.userId }));
    }
    audit(em, {
      actorId: actor.userId, action: 'moderation.content_removed', targetType: 'group', targetId: content.group.group.id, reason: auditReason(reason, text), ip: ctx.ip,
      before: { userId: content.authorId, contentType: content.type, contentId: content.id, removed: false },
      after: { removed: true, reason },
    });
    for (const e of await notify(em, {
      kind: 'content_removed', userIds: [content.authorId], actorId: actor.userId, ...contentPointers(content),
      data: { contentType: content.type, reason, reasonLabel: REASON_LABELS[reason], note: text, title: content.title, body: content.body, notice: removalNotice(content.type, reason) },
    })) emit(e);
  });
  return { ...content, removedAt: new Date(), removalReason: reason };
}

async function markRemoved(em: EntityManager, content: ContentRef, reason: ModerationReason, movedTo: string | null): Promise<void> {
  if (!(await markContentRemoved(em, content.type, content.id, reason, movedTo))) throw conflict('该内容已被移除');
}

/** Restores removed content (search finds it again); the author is told. */
export async function restoreContent(ctx: DomainContext, rawType: unknown, id: unknown, rawNote: unknown): Promise<ContentRef> {
  const actor = requireActor(ctx);
  const content = await contentForActor(ctx.em, actor, parseContentType(rawType), id);
  authorizeOn(ctx, 'restoreContent', new ModerationTarget(content.group, content.authorId, content.authorRole));
  if (!content.removedAt) throw conflict('该内容未被移除');
  const text = note(rawNote);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const vector = content.type === 'thread' ? toTitledTsvectorLiteral(content.title ?? '', content.body) : toTsvectorLiteral(content.body);
    if (!(await markContentRestored(em, content.type, content.id, vector))) throw conflict('该内容未被移除');
    if (content.type === 'message') {
      emit(await recordEvent(em, { conversationId: content.conversationId!, type: 'MESSAGE_RESTORED', messageId: content.id, userId: actor.userId }));
    }
    audit(em, {
      actorId: actor.userId, action: 'moderation.content_restored', targetType: 'group', targetId: content.group.group.id, reason: text, ip: ctx.ip,
      before: { userId: content.authorId, contentType: content.type, contentId: content.id, removed: true, reason: content.removalReason },
      after: { removed: false },
    });
    for (const e of await notify(em, { kind: 'content_restored', userIds: [content.authorId], actorId: actor.userId, ...contentPointers(content), data: { contentType: content.type, note: text } })) emit(e);
  });
  return { ...content, removedAt: null, removalReason: null };
}

/**
 * An off-topic chat message becomes a new thread on a board of the same group (by its author);
 * the message leaves a tombstone saying where it went, and the author is told.
 */
export async function moveMessageToBoard(ctx: DomainContext, messageId: unknown, boardId: unknown, rawTitle: unknown, rawNote: unknown): Promise<string> {
  const actor = requireActor(ctx);
  const content = await contentForActor(ctx.em, actor, 'message', messageId);
  authorizeOn(ctx, 'moveContent', new ModerationTarget(content.group, content.authorId, content.authorRole));
  if (content.removedAt) throw conflict('该消息已被移除');
  if (content.gone) throw conflict('该消息已被作者撤回');
  const board = isUuid(boardId) ? await ctx.em.findOne(Board, { id: boardId }) : null;
  if (!board || board.group.id !== content.group.group.id) throw notFound('版块');
  if (board.archivedAt) throw conflict('该版块已归档');
  const firstLine = content.body.split('\n').find((line) => line.trim()) ?? '';
  const title = validTitle(rawTitle === null || rawTitle === undefined || rawTitle === '' ? [...firstLine.trim()].slice(0, 30).join('') : rawTitle);
  const text = note(rawNote);
  return inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const threadId = await insertMovedThread(em, { groupId: content.group.group.id, boardId: board.id, authorId: content.authorId, title, body: content.body, vector: toTitledTsvectorLiteral(title, content.body) });
    await markRemoved(em, content, 'off_topic', threadId);
    emit(await recordEvent(em, { conversationId: content.conversationId!, type: 'MESSAGE_REMOVED', messageId: content.id, userId: actor.userId }));
    audit(em, {
      actorId: actor.userId, action: 'moderation.message_moved', targetType: 'group', targetId: content.group.group.id, reason: auditReason('off_topic', text), ip: ctx.ip,
      before: { userId: content.authorId, contentType: 'message', contentId: content.id },
      after: { threadId, boardId: board.id, boardName: board.name, title },
    });
    for (const e of await notify(em, {
      kind: 'content_moved', userIds: [content.authorId], actorId: actor.userId, groupId: content.group.group.id, threadId, subjectId: content.id,
      data: { contentType: 'message', reason: 'off_topic', reasonLabel: REASON_LABELS.off_topic, boardName: board.name, title, body: content.body, note: text },
    })) emit(e);
    return threadId;
  });
}

export interface ContentPointer {
  type: unknown;
  id: unknown;
}

/**
 * 警告, optionally pointing at the member's content. Then the group's escalation rule: this many
 * active warnings within the window mute the member (default 3 in 90 days → 24 hours).
 */
export async function warnMember(ctx: DomainContext, groupId: unknown, userId: unknown, rawReason: unknown, rawNote: unknown, pointer?: ContentPointer | null): Promise<ModerationSanction> {
  const actor = requireActor(ctx);
  const target = await targetForActor(ctx.em, actor, groupId, userId, true);
  authorizeOn(ctx, 'warn', target);
  const reason = parseReason(rawReason);
  const text = note(rawNote);
  let content: ContentRef | null = null;
  if (pointer && pointer.id) {
    content = await contentForActor(ctx.em, actor, parseContentType(pointer.type, 'contentType'), pointer.id);
    if (content.group.group.id !== target.access.group.id || content.authorId !== target.targetUserId) throw badInput('只能指向此人在本群发布的内容', 'contentId');
  }
  const group = target.access.group;
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const sanction = await insertSanction(em, { groupId: group.id, userId: target.targetUserId, kind: 'warning', actorId: actor.userId, reason, note: text, contentType: content?.type ?? null, contentId: content?.id ?? null, endsAt: null });
    audit(em, {
      actorId: actor.userId, action: 'moderation.warned', targetType: 'group', targetId: group.id, reason: auditReason(reason, text), ip: ctx.ip,
      before: { userId: target.targetUserId }, after: { userId: target.targetUserId, sanctionId: sanction, contentType: content?.type ?? null, contentId: content?.id ?? null },
    });
    for (const e of await notify(em, { kind: 'warning', userIds: [target.targetUserId], actorId: actor.userId, groupId: group.id, subjectId: sanction, data: { reason, reasonLabel: REASON_LABELS[reason], note: text } })) emit(e);
    // Escalation, counted under the member's row lock so two warnings at once escalate once.
    const rule = await lockEscalation(em, group.id, target.targetUserId);
    if (rule && Number(rule.active) >= rule.warn_threshold) {
      const until = new Date(Date.now() + rule.warn_mute_minutes * 60_000);
      const prior = rule.muted_until ? new Date(rule.muted_until) : null;
      if (!prior || prior.getTime() < until.getTime()) {
        const escalated = `累计 ${rule.active} 次有效警告（${rule.warn_window_days} 天内），自动禁言`;
        await setMemberMutedUntil(em, group.id, target.targetUserId, until);
        const muteId = await insertSanction(em, { groupId: group.id, userId: target.targetUserId, kind: 'mute', actorId: null, reason, note: escalated, contentType: null, contentId: null, endsAt: until });
        audit(em, {
          actorId: actor.userId, action: 'moderation.muted', targetType: 'group', targetId: group.id, reason: escalated, ip: ctx.ip,
          before: { userId: target.targetUserId, mutedUntil: prior?.toISOString() ?? null },
          after: { userId: target.targetUserId, mutedUntil: until.toISOString(), automatic: true, sanctionId: muteId, warnings: Number(rule.active) },
        });
        for (const e of await notify(em, { kind: 'muted', userIds: [target.targetUserId], actorId: actor.userId, groupId: group.id, subjectId: muteId, data: { until: until.toISOString(), untilText: shanghaiTime(until), reasonLabel: REASON_LABELS[reason], note: escalated, automatic: true } })) emit(e);
      }
    }
    return sanction;
  });
  return ctx.em.findOneOrFail(ModerationSanction, { id });
}

/** Revokes a warning, with a reason; it no longer counts towards escalation. */
export async function revokeWarning(ctx: DomainContext, sanctionId: unknown, rawReason: unknown): Promise<ModerationSanction> {
  const actor = requireActor(ctx);
  if (!isUuid(sanctionId)) throw notFound('警告');
  const sanction = await ctx.em.findOne(ModerationSanction, { id: sanctionId, kind: 'warning' });
  if (!sanction) throw notFound('警告');
  const target = await targetForActor(ctx.em, actor, sanction.group.id, sanction.user.id, false).catch(() => {
    throw notFound('警告');
  });
  authorizeOn(ctx, 'revokeWarning', target);
  const reason = valid.requiredText(rawReason, 'reason', '撤销理由', 500);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (!(await revokeWarningSanction(em, sanction.id, actor.userId, reason))) throw conflict('该警告已撤销');
    audit(em, {
      actorId: actor.userId, action: 'moderation.warning_revoked', targetType: 'group', targetId: sanction.group.id, reason, ip: ctx.ip,
      before: { userId: sanction.user.id, sanctionId: sanction.id, active: true }, after: { active: false },
    });
    for (const e of await notify(em, { kind: 'warning_revoked', userIds: [sanction.user.id], actorId: actor.userId, groupId: sanction.group.id, subjectId: sanction.id, data: { note: reason } })) emit(e);
  });
  await ctx.em.refresh(sanction);
  return sanction;
}

export const MIN_MUTE_MINUTES = 10;
export const MAX_MUTE_MINUTES = 30 * 24 * 60;

function muteEnd(minutes: unknown): Date {
  if (minutes === null || minutes === undefined) return INDEFINITE;
  const n = Number(minutes);
  if (!Number.isInteger(n) || n < MIN_MUTE_MINUTES || n > MAX_MUTE_MINUTES) throw badInput('禁言时长应在 10 分钟至 30 天之间（或直至解除）', 'minutes');
  return new Date(Date.now() + n * 60_000);
}

/** 禁言 for 10 minutes to 30 days, or until lifted (minutes null). The member still reads. */
export async function muteMember(ctx: DomainContext, groupId: unknown, userId: unknown, minutes: unknown, rawReason: unknown, rawNote: unknown): Promise<ModerationSanction> {
  const actor = requireActor(ctx);
  const target = await targetForActor(ctx.em, actor, groupId, userId, true);
  authorizeOn(ctx, 'mute', target);
  const until = muteEnd(minutes);
  const reason = parseReason(rawReason);
  const text = note(rawNote);
  const group = target.access.group;
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const prior = await lockMemberMute(em, group.id, target.targetUserId);
    if (!prior) throw notFound('成员');
    await setMemberMutedUntil(em, group.id, target.targetUserId, until);
    const sanction = await insertSanction(em, { groupId: group.id, userId: target.targetUserId, kind: 'mute', actorId: actor.userId, reason, note: text, contentType: null, contentId: null, endsAt: isIndefinite(until) ? null : until });
    audit(em, {
      actorId: actor.userId, action: 'moderation.muted', targetType: 'group', targetId: group.id, reason: auditReason(reason, text), ip: ctx.ip,
      before: { userId: target.targetUserId, mutedUntil: prior.muted_until ? new Date(prior.muted_until).toISOString() : null },
      after: { userId: target.targetUserId, mutedUntil: isIndefinite(until) ? 'until_lifted' : until.toISOString(), sanctionId: sanction },
    });
    for (const e of await notify(em, {
      kind: 'muted', userIds: [target.targetUserId], actorId: actor.userId, groupId: group.id, subjectId: sanction,
      data: { until: isIndefinite(until) ? null : until.toISOString(), untilText: isIndefinite(until) ? '直至管理员解除' : shanghaiTime(until), reasonLabel: REASON_LABELS[reason], note: text },
    })) emit(e);
    return sanction;
  });
  return ctx.em.findOneOrFail(ModerationSanction, { id });
}

/** Lifts a member's mute (and ends their active mute records). */
export async function unmuteMember(ctx: DomainContext, groupId: unknown, userId: unknown, rawNote: unknown): Promise<boolean> {
  const actor = requireActor(ctx);
  const target = await targetForActor(ctx.em, actor, groupId, userId, true);
  authorizeOn(ctx, 'unmute', target);
  const text = note(rawNote);
  const group = target.access.group;
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const prior = await lockRunningMute(em, group.id, target.targetUserId);
    if (!prior) throw conflict('此人未被禁言');
    await liftMemberMute(em, group.id, target.targetUserId, actor.userId, text ?? '解除禁言');
    audit(em, {
      actorId: actor.userId, action: 'moderation.unmuted', targetType: 'group', targetId: group.id, reason: text, ip: ctx.ip,
      before: { userId: target.targetUserId, mutedUntil: new Date(prior.muted_until!).toISOString() }, after: { userId: target.targetUserId, mutedUntil: null },
    });
    for (const e of await notify(em, { kind: 'unmuted', userIds: [target.targetUserId], actorId: actor.userId, groupId: group.id, data: { note: text } })) emit(e);
  });
  return true;
}

/** 全员禁言: plain members may not post until then (minutes null: until lifted); off lifts it. */
export async function setGroupMute(ctx: DomainContext, groupId: unknown, on: boolean, minutes: unknown, rawNote: unknown): Promise<string> {
  const actor = requireActor(ctx);
  const access = await moderatedGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'moderate', access, '只有群主和管理员可以设置全员禁言');
  const until = on ? muteEnd(minutes) : null;
  const text = note(rawNote);
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    const prior = await lockGroupMute(em, access.group.id);
    const wasOn = !!prior.muted_all_until && new Date(prior.muted_all_until).getTime() > Date.now();
    if (!on && !wasOn) throw conflict('本群未开启全员禁言');
    await setGroupMutedUntil(em, access.group.id, until);
    audit(em, {
      actorId: actor.userId, action: on ? 'moderation.group_muted' : 'moderation.group_unmuted', targetType: 'group', targetId: access.group.id, reason: text, ip: ctx.ip,
      before: { mutedAllUntil: wasOn ? new Date(prior.muted_all_until!).toISOString() : null },
      after: { mutedAllUntil: until ? (isIndefinite(until) ? 'until_lifted' : until.toISOString()) : null },
    });
    emit(await recordEvent(em, { conversationId: access.group.conversation.id, type: 'GROUP_UPDATED', userId: actor.userId }));
  });
  return access.group.id;
}

/**
 * 移出: out at once (their live stream from the group stops at commit); they may apply again.
 * The one way to remove someone from a group: `kickMember` and the deprecated `removeMember`
 * both come here, so each removal is the same policy check (policies/moderation.ts `kick`), one
 * `group.member_removed` audit row and one kick sanction in the person's 我的记录.
 */
export async function kickMember(ctx: DomainContext, groupId: unknown, userId: unknown, rawReason: unknown, rawNote: unknown): Promise<boolean> {
  return removeFromGroup(ctx, groupId, userId, () => ({ reason: parseReason(rawReason), text: note(rawNote) }));
}

/**
 * The member list's old 移出 (`removeMember(reason: String!)`, deprecated): the same kick, with
 * the free-text reason (required, up to 200 characters) as the note under the reason 其他.
 */
export async function removeMember(ctx: DomainContext, groupId: unknown, userId: unknown, rawReason: unknown): Promise<boolean> {
  return removeFromGroup(ctx, groupId, userId, () => ({ reason: 'other', text: valid.requiredText(rawReason, 'reason', '移出原因', 200) }));
}

/** Loads and authorizes first (refusals do not depend on the input), then reads the reason. */
async function removeFromGroup(ctx: DomainContext, groupId: unknown, userId: unknown, input: () => { reason: ModerationReason; text: string | null }): Promise<boolean> {
  const actor = requireActor(ctx);
  const target = await targetForActor(ctx.em, actor, groupId, userId, true);
  authorizeOn(ctx, 'kick', target);
  const { reason, text } = input();
  const group = target.access.group;
  await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    for (const event of await dropMember(em, group, target.targetUserId, 'MEMBER_REMOVED')) emit(event);
    const sanction = await insertSanction(em, { groupId: group.id, userId: target.targetUserId, kind: 'kick', actorId: actor.userId, reason, note: text, contentType: null, contentId: null, endsAt: null });
    audit(em, {
      actorId: actor.userId, action: 'group.member_removed', targetType: 'group', targetId: group.id, reason: auditReason(reason, text), ip: ctx.ip,
      before: { userId: target.targetUserId, role: target.targetRole }, after: { userId: target.targetUserId, role: null, sanctionId: sanction, moderation: 'kick' },
    });
  });
  return true;
}

/** Ban: out now if a member, and refused on every way back in until unbanned. */
export async function banMember(ctx: DomainContext, groupId: unknown, userId: unknown, rawReason: unknown, rawNote: unknown): Promise<ModerationSanction> {
  const actor = requireActor(ctx);
  const target = await targetForActor(ctx.em, actor, groupId, userId, false);
  authorizeOn(ctx, 'ban', target);
  const reason = parseReason(rawReason);
  const text = note(rawNote);
  const group = target.access.group;
  const id = await inTransaction(ctx.em, publisherOf(ctx), async (em, emit) => {
    if (await hasActiveBan(em, group.id, target.targetUserId)) throw conflict('此人已被禁止加入该群');
    if (target.targetRole) for (const event of await dropMember(em, group, target.targetUserId, 'MEMBER_REMOVED')) emit(event);
    const closed = await closePendingWaysIn(em, group.id, target.targetUserId, actor.userId);
    // Reviewers' notices of the closed application are read, and the invitee's withdrawn invitation
    // leaves their list: both told live (an accept would now fail).
    const readers = await markSubjectReadForAll(em, 'group_application', closed.applicationIds);
    await markSubjectReadForAll(em, 'group_invitation', closed.invitationIds);
    for (const event of notificationsChanged([...readers, ...(closed.invitationIds.length ? [target.targetUserId] : [])])) emit(event);
    const sanction = await insertSanction(em, { groupId: group.id, userId: target.targetUserId, kind: 'ban', actorId: actor.userId, reason, note: text, contentType: null, contentId: null, endsAt: null });
    audit(em, {
      actorId: actor.userId, action: 'moderation.banned', targetType: 'group', targetId: group.id, reason: auditReason(reason, text), ip: ctx.ip,
      before: { userId: target.targetUserId, role: target.targetRole, banned: false }, after: { userId: target.targetUserId, role: null, banned: true, sanctionId: sanction },
    });
    return sanction;
  });
  return ctx.em.findOneOrFail(ModerationSanction, { id });
}

export async function unbanMember(ctx: DomainContext, groupId: unknown, userId: unknown, rawNote: unknown): Promise<boolean> {
  const actor = requireActor(ctx);
  const target = await targetForActor(ctx.em, actor, groupId, userId, false);
  authorizeOn(ctx, 'unban', target);
  const text = note(rawNote);
  await ctx.em.transactional(async (em) => {
    if (!(await revokeBan(em, target.access.group.id, target.targetUserId, actor.userId, text ?? '解除封禁'))) throw conflict('此人未被禁止加入');
    audit(em, {
      actorId: actor.userId, action: 'moderation.unbanned', targetType: 'group', targetId: target.access.group.id, reason: text, ip: ctx.ip,
      before: { userId: target.targetUserId, banned: true }, after: { userId: target.targetUserId, banned: false },
    });
  });
  return true;
}

export interface EscalationInput {
  warnings: unknown;
  windowDays: unknown;
  muteMinutes: unknown;
}

/** The group's escalation rule (admins may change it). */
export async function setEscalationRule(ctx: DomainContext, groupId: unknown, input: EscalationInput): Promise<string> {
  const actor = requireActor(ctx);
  const access = await moderatedGroupForActor(ctx.em, actor, groupId);
  authorize(actor, 'moderate', access, '只有群主和管理员可以修改处罚规则');
  const int = (raw: unknown, min: number, max: number, field: string, label: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw badInput(`${label}应在 ${min} 至 ${max} 之间`, field);
    return n;
  };
  const rule = {
    warnThreshold: int(input.warnings, 1, 20, 'warnings', '警告次数'),
    warnWindowDays: int(input.windowDays, 1, 365, 'windowDays', '统计天数'),
    warnMuteMinutes: int(input.muteMinutes, MIN_MUTE_MINUTES, MAX_MUTE_MINUTES, 'muteMinutes', '禁言分钟数'),
  };
  const g = access.group;
  await ctx.em.transactional(async (em) => {
    await updateEscalationRule(em, g.id, rule);
    audit(em, {
      actorId: actor.userId, action: 'moderation.escalation_changed', targetType: 'group', targetId: g.id, ip: ctx.ip,
      before: { warnThreshold: g.warnThreshold, warnWindowDays: g.warnWindowDays, warnMuteMinutes: g.warnMuteMinutes }, after: rule,
    });
  });
  return g.id;
}
