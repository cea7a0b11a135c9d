/**
 * A message's text as DOM: text nodes (never HTML), web addresses as links (links.ts), line breaks kept by CSS, @mentions of the
 * people the message really mentions highlighted (the viewer's own more so), classic
 * expressions drawn. Also the one-line previews used by the list and quotes.
 */
import { h, type Child } from '../dom.js';
import { webLinks } from './links.js';
import { CLASSIC_PATTERN, expression, isClassic } from './emoji.js';
import type { Message, UserRef } from './types.js';
import { INTERNAL_PREVIEW, RESTRICTED_PREVIEW } from '../confidentiality/levels.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const MENTION_ALL = '全体成员';

/** Body text split into web links, text, mentions and expressions. */
export function renderBody(body: string, mentions: UserRef[], mentionsAll: boolean, viewerId: string | undefined): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const link of webLinks(body)) {
    if (link.index > last) out.push(...renderText(body.slice(last, link.index), mentions, mentionsAll, viewerId));
    out.push(h('a', { class: 'message-link', href: link.url, target: '_blank', rel: 'noopener noreferrer nofollow', 'data-testid': 'message-link' }, link.text));
    last = link.lastIndex;
  }
  if (last < body.length) out.push(...renderText(body.slice(last), mentions, mentionsAll, viewerId));
  return out;
}

/** Text between links: mentions and expressions. */
function renderText(body: string, mentions: UserRef[], mentionsAll: boolean, viewerId: string | undefined): Child[] {
  const byName = new Map<string, UserRef | null>();
  for (const user of mentions) byName.set(`@${user.realName}`, user);
  if (mentionsAll) byName.set(`@${MENTION_ALL}`, null);
  // Longest names first, so that "@王小明" wins over "@王小".
  const names = [...byName.keys()].sort((a, b) => b.length - a.length).map(escape);
  const pattern = new RegExp([...names, CLASSIC_PATTERN].join('|'), 'g');
  const out: Child[] = [];
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    const token = match[0];
    const index = match.index ?? 0;
    if (index > last) out.push(body.slice(last, index));
    if (isClassic(token)) out.push(expression(token));
    else {
      const user = byName.get(token);
      const me = user ? user.id === viewerId : true;
      out.push(h('span', { class: me ? 'mention mention-me' : 'mention', 'data-testid': 'mention', 'data-user-id': user?.id }, token));
    }
    last = index + token.length;
  }
  if (last < body.length) out.push(body.slice(last));
  return out;
}

/** "李劲松 撤回了一条消息". */
export function recalledText(authorName: string): string {
  return `${authorName} 撤回了一条消息`;
}

/** One line, shortened: for the conversation list and quote blocks. */
export function previewText(
  message: Pick<Message, 'body'> & { recalledAt?: string | null; author: UserRef | null; confidentiality?: string; restrictedPlaceholder?: boolean; removal?: { notice: string } | null },
  max = 60,
  /** Lists (the conversation list) hide internal text too; quotes within the conversation do not. */
  maskInternal = false,
): string {
  // Previews never show confidential text: 受限 for everyone, 内部 too (conversation list, quotes).
  if (message.restrictedPlaceholder || !message.author) return RESTRICTED_PREVIEW;
  if (message.removal) return message.removal.notice;
  if (message.recalledAt || message.body === null) return recalledText(message.author.realName);
  if (message.confidentiality === 'RESTRICTED') return RESTRICTED_PREVIEW;
  if (maskInternal && message.confidentiality === 'INTERNAL') return INTERNAL_PREVIEW;
  const line = message.body.replace(/\s+/g, ' ').trim();
  // A message of only files (the body is empty).
  if (!line) return '[文件]';
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : line;
}
