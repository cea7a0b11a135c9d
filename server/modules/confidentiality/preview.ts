import type { EntityManager } from '@mikro-orm/postgresql';
import { levelRank, type ConfidentialityLevel } from '../../db/entities/index.js';
import { INTERNAL_PREVIEW, RESTRICTED_PREVIEW } from '../content/levels.js';
import { replyPreviewRows, threadPreviewRows } from './store.js';

/**
 * Previews (notifications, lists) show text only for normal content: internal content shows
 * "[内部消息]" and restricted content "[受限内容]", whoever looks.
 */
export function previewOf(text: string, level: ConfidentialityLevel, max = 60): string {
  if (level === 'internal') return INTERNAL_PREVIEW;
  if (level === 'restricted') return RESTRICTED_PREVIEW;
  // Markdown source as plain text: marks dropped, whitespace folded.
  const plain = text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...plain];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : plain;
}

const strongest = (a: ConfidentialityLevel, b: ConfidentialityLevel) => (levelRank(a) >= levelRank(b) ? a : b);

/** Previews of the threads or replies some notifications point at, in one query. */
export async function postPreviews(em: EntityManager, items: Array<{ threadId: string | null; replyId: string | null }>): Promise<Array<string | null>> {
  const threadIds = [...new Set(items.map((i) => i.threadId).filter((id): id is string => !!id))];
  const replyIds = [...new Set(items.map((i) => i.replyId).filter((id): id is string => !!id))];
  if (!threadIds.length && !replyIds.length) return items.map(() => null);
  const [threads, replies] = await Promise.all([
    threadIds.length ? threadPreviewRows(em, threadIds) : [],
    replyIds.length ? replyPreviewRows(em, replyIds) : [],
  ]);
  const threadById = new Map(threads.map((t) => [t.id, t]));
  const replyById = new Map(replies.map((r) => [r.id, r]));
  return items.map((item) => {
    const thread = item.threadId ? threadById.get(item.threadId) : undefined;
    if (!thread) return null;
    if (!item.replyId) return previewOf(thread.title, thread.confidentiality);
    const reply = replyById.get(item.replyId);
    if (!reply || reply.deleted_at) return null;
    return previewOf(reply.body, strongest(thread.confidentiality, reply.confidentiality));
  });
}
