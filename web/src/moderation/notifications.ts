/** Notification texts and links of moderation (the details are in 我的记录 and the queue). */
import type { Notification } from '../forum/types.js';

export const MODERATION_KIND_LABELS = {
  CONTENT_REMOVED: '管理',
  CONTENT_RESTORED: '管理',
  CONTENT_MOVED: '管理',
  WARNING: '警告',
  WARNING_REVOKED: '警告',
  MUTED: '禁言',
  UNMUTED: '禁言',
  REPORT_RESOLVED: '举报',
} as const;

export function moderationNotificationText(n: Notification): string | null {
  const who = n.actor.realName;
  const where = `“${n.groupName}”`;
  switch (n.kind) {
    case 'CONTENT_REMOVED':
      return `${who} 在${where}移除了您的一条内容，原因和原文见“我的记录”`;
    case 'CONTENT_RESTORED':
      return `${who} 在${where}恢复了您被移除的内容`;
    case 'CONTENT_MOVED':
      return `${who} 将您在${where}的一条消息移至论坛《${n.thread?.title ?? '帖子'}》`;
    case 'WARNING':
      return `${who} 在${where}对您发出了警告`;
    case 'WARNING_REVOKED':
      return `${who} 撤销了您在${where}的一次警告`;
    case 'MUTED':
      return `您在${where}被禁言，详见“我的记录”`;
    case 'UNMUTED':
      return `${who} 解除了您在${where}的禁言`;
    case 'REPORT_RESOLVED':
      return `${who} 处理了您在${where}的举报`;
    default:
      return null;
  }
}

export function moderationNotificationHref(n: Notification): string | null {
  if (n.kind === 'CONTENT_MOVED' && n.thread) return `#/thread/${encodeURIComponent(n.thread.id)}`;
  return n.kind in MODERATION_KIND_LABELS && n.kind !== 'REPORT_RESOLVED' ? '#/my/record' : null;
}
