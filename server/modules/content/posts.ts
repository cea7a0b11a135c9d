import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../errors.js';
import { isUuid } from '../ids.js';
import { groupMembersAmong } from './store.js';

/** Validation shared by threads, replies, announcements and meetings. */

export const MAX_TITLE = 100;
export const MAX_POST_BODY = 20_000;
/** Bidirectional overrides and isolates can make a title read differently from what it is (通知\u202Etxt.exe). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
/** Text with nothing visible: only spaces, zero-width and other format characters. */
const hasVisible = (text: string) => /[^\s\p{Cf}]/u.test(text);

export function validTitle(raw: unknown): string {
  const title = String(raw ?? '').normalize('NFC').trim();
  if (!title || !hasVisible(title)) throw badInput('请填写标题', 'title');
  if (BIDI_CONTROLS.test(title)) throw badInput('标题不能包含文字方向控制字符', 'title');
  if (/[\r\n]/.test(title)) throw badInput('标题不能换行', 'title');
  if ([...title].length > MAX_TITLE) throw badInput(`标题不能超过 ${MAX_TITLE} 个字`, 'title');
  return title;
}

export function validPostBody(raw: unknown): string {
  const body = String(raw ?? '').normalize('NFC').replace(/\r\n?/g, '\n');
  if (!hasVisible(body)) throw badInput('正文不能为空', 'body');
  if ([...body].length > MAX_POST_BODY) throw badInput(`正文不能超过 ${MAX_POST_BODY} 字`, 'body');
  return body;
}

/** Mentioned people must be members of the group (at most 50). */
export async function validMentions(em: EntityManager, groupId: string, raw: unknown[] | null | undefined): Promise<string[]> {
  const ids = [...new Set((raw ?? []).map(String))];
  if (!ids.length) return [];
  if (ids.length > 50) throw badInput('最多提及 50 人', 'mentionUserIds');
  const rows = ids.every(isUuid)
    ? await groupMembersAmong(em, groupId, ids)
    : [];
  if (rows.length !== ids.length) throw badInput('只能提及本群成员', 'mentionUserIds');
  return ids;
}
