import type { EntityManager } from '@mikro-orm/postgresql';
import { CONFIDENTIALITY_LEVELS, levelRank, type ConfidentialityLevel } from '../../db/entities/index.js';
import { badInput } from '../../errors.js';
import { isUuid } from '../ids.js';
import { conversationMembersAmong, groupMembersAmong } from './store.js';

export const MAX_AUDIENCE = 200;

/** The GraphQL enum (NORMAL, INTERNAL, RESTRICTED) or nothing (normal) as a stored level. */
export function parseLevel(raw: unknown, field = 'confidentiality'): ConfidentialityLevel {
  if (raw === null || raw === undefined) return 'normal';
  const level = String(raw).toLowerCase() as ConfidentialityLevel;
  if (!CONFIDENTIALITY_LEVELS.includes(level)) throw badInput('保密级别无效', field);
  return level;
}

export const higher = (a: ConfidentialityLevel, b: ConfidentialityLevel): ConfidentialityLevel => (levelRank(a) >= levelRank(b) ? a : b);

/**
 * The named readers of restricted content: distinct ids, every one a member of `scope`
 * (a conversation's members, or a group's). Only for RESTRICTED; the author need not be named.
 * Answers the same for an unknown id as for a non-member (no probing).
 */
export async function validAudience(
  em: EntityManager,
  level: ConfidentialityLevel,
  raw: unknown[] | null | undefined,
  scope: { conversationId: string } | { groupId: string },
  authorId: string,
): Promise<string[]> {
  if (level !== 'restricted') {
    if (raw?.length) throw badInput('只有「受限」内容可以指定可见成员', 'audienceUserIds');
    return [];
  }
  const ids = [...new Set((raw ?? []).map(String))].filter((id) => id !== authorId);
  if (ids.length > MAX_AUDIENCE) throw badInput(`受限内容最多指定 ${MAX_AUDIENCE} 人`, 'audienceUserIds');
  if (!ids.every(isUuid)) throw badInput('可见成员只能是本会话的成员', 'audienceUserIds');
  if (!ids.length) return [];
  const rows =
    'conversationId' in scope
      ? await conversationMembersAmong(em, scope.conversationId, ids)
      : await groupMembersAmong(em, scope.groupId, ids);
  if (rows.length !== ids.length) throw badInput('可见成员只能是本会话的成员', 'audienceUserIds');
  return ids;
}

/** Chinese names of the levels, for messages and the audit log. */
export const LEVEL_NAMES: Record<ConfidentialityLevel, string> = { normal: '普通', internal: '内部', restricted: '受限' };
/** What previews (notifications, conversation list) show instead of the text. */
export const INTERNAL_PREVIEW = '[内部消息]';
export const RESTRICTED_PREVIEW = '[受限内容]';
