/** 保密标识 as the UI shows them. */
export type Confidentiality = 'NORMAL' | 'INTERNAL' | 'RESTRICTED';

export const LEVEL_LABELS: Record<Confidentiality, string> = { NORMAL: '普通', INTERNAL: '内部', RESTRICTED: '受限' };
export const LEVEL_HINTS: Record<Confidentiality, string> = {
  NORMAL: '本会话（本群）成员均可见',
  INTERNAL: '成员可见；不出现在通知预览和搜索摘要中，不得转发或导出',
  RESTRICTED: '仅指定成员和群主、管理员可见',
};
export const INTERNAL_PREVIEW = '[内部消息]';
export const RESTRICTED_PREVIEW = '[受限内容]';

/** One sensitive-content match as the server reports it (extensions.sensitiveMatches). */
export interface SensitiveMatch {
  rule: 'TERM' | 'RESIDENT_ID' | 'MOBILE' | 'BANK_CARD';
  text: string;
  action: 'WARN' | 'BLOCK';
  label: string;
}
