import { AppError, badInput } from '../../errors.js';
import { CONTENT_TYPES, MODERATION_REASONS, type ContentType, type ModerationReason } from '../../db/entities/index.js';
import { INDEFINITE, mutedUntil } from '../../policies/index.js';
import type { ChatGroup, GroupRole } from '../../db/entities/index.js';

/** The reasons' Chinese labels, as members read them in tombstones and notices. */
export const REASON_LABELS: Record<ModerationReason, string> = {
  off_topic: '跑题',
  improper: '不当言论',
  leak_risk: '泄密风险',
  advertising: '广告',
  other: '其他',
};

const CONTENT_LABELS: Record<ContentType, string> = { message: '消息', thread: '帖子', reply: '回复' };

export function parseReason(raw: unknown, field = 'reason'): ModerationReason {
  const reason = String(raw ?? '').toLowerCase() as ModerationReason;
  if (!MODERATION_REASONS.includes(reason)) throw badInput('请选择原因', field);
  return reason;
}

export function parseContentType(raw: unknown, field = 'targetType'): ContentType {
  const type = String(raw ?? '').toLowerCase() as ContentType;
  if (!CONTENT_TYPES.includes(type)) throw badInput('内容类型无效', field);
  return type;
}

/** What members see instead of removed content: 该消息因「跑题」已被管理员移除. */
export function removalNotice(type: ContentType, reason: string): string {
  const label = REASON_LABELS[reason as ModerationReason] ?? REASON_LABELS.other;
  return `该${CONTENT_LABELS[type]}因「${label}」已被管理员移除`;
}

/** A time as officials read it: Asia/Shanghai, 2026年11月26日 14:30. */
export function shanghaiTime(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

export const isIndefinite = (at: Date | null) => !!at && at.getTime() >= INDEFINITE.getTime();

/**
 * FORBIDDEN for a muted member, saying until when (Asia/Shanghai) in the message and as
 * `extensions.mutedUntil` (ISO, UTC; null when until lifted) and `extensions.mutedBy`
 * (MEMBER for their own 禁言, GROUP for 全员禁言).
 */
export function mutedError(role: GroupRole | null, memberMutedUntil: Date | null, group: ChatGroup | null): AppError | null {
  const until = mutedUntil(role, memberMutedUntil, group?.mutedAllUntil ?? null);
  if (!until) return null;
  const byGroup = !(memberMutedUntil && memberMutedUntil.getTime() === until.getTime());
  const who = byGroup ? '本群已开启全员禁言' : '您已被禁言';
  const message = isIndefinite(until) ? `${who}，在管理员解除前不能发言` : `${who}，${shanghaiTime(until)}（北京时间）前不能发言`;
  return new AppError('FORBIDDEN', message, { mutedUntil: isIndefinite(until) ? null : until.toISOString(), mutedBy: byGroup ? 'GROUP' : 'MEMBER' });
}
