/**
 * What the chat view knows about moderation in each open conversation: the group, and whether
 * the viewer moderates it. The message menu reads it (no extra query per message).
 */
import type { GroupInfo } from '../chat/types.js';

export interface ModerationContext {
  groupId: string;
  canModerate: boolean;
  isMember: boolean;
}

const contexts = new Map<string, ModerationContext>();

export function setModerationContext(conversationId: string, group: Pick<GroupInfo, 'id' | 'viewerRole' | 'moderation'> | null): void {
  if (!group) contexts.delete(conversationId);
  else contexts.set(conversationId, { groupId: group.id, canModerate: !!group.moderation?.viewerCanModerate, isMember: !!group.viewerRole });
}

export const moderationContext = (conversationId: string): ModerationContext | undefined => contexts.get(conversationId);

/** The composer's notice for a muted member, with the end time in Asia/Shanghai. */
export function mutedText(group: Pick<GroupInfo, 'moderation'>): string {
  const m = group.moderation;
  if (!m?.viewerMuted) return '您当前不能在本群发言';
  if (!m.viewerMutedUntil) return m.mutedAll ? '本群已开启全员禁言，直至管理员解除' : '您已被禁言，直至管理员解除';
  return m.mutedAll ? `本群已开启全员禁言，至 ${shanghai(m.viewerMutedUntil)}` : `您已被禁言至 ${shanghai(m.viewerMutedUntil)}`;
}

export function shanghai(iso: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

export const REASONS: Array<[string, string]> = [
  ['OFF_TOPIC', '跑题'],
  ['IMPROPER', '不当言论'],
  ['LEAK_RISK', '泄密风险'],
  ['ADVERTISING', '广告'],
  ['OTHER', '其他'],
];
export const reasonLabel = (code: string) => REASONS.find(([c]) => c === code)?.[1] ?? code;
