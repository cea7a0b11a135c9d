/**
 * One message in the list: author (real name, unit, title), time, quoted reply, body, reactions
 * (with who reacted), and the actions the viewer may take (回复, 表情, 编辑, 撤回), shown on hover
 * and keyboard focus. A recalled message becomes the line "李劲松 撤回了一条消息".
 */
import { serverNow } from '../api.js';
import { attachmentList, fileIcon } from '../documents/preview.js';
import { h } from '../dom.js';
import { previewText, recalledText, renderBody } from './body.js';
import { emojiGlyph, expression, expressionName, isClassic } from './emoji.js';
import { clockTime, dayKey, dayLabel, fullTime } from './time.js';
import type { Message, Reaction } from './types.js';
import { levelBadge } from '../confidentiality/badge.js';
import { applyWatermark } from '../confidentiality/watermark.js';
import { moderationButtons, removedItem } from '../moderation/messageMenu.js';

export const EDIT_WINDOW_MS = 10 * 60_000;
export const RECALL_WINDOW_MS = 2 * 60_000;

export interface MessageActions {
  reply(message: Message): void;
  toggleReaction(message: Message, emoji: string, add: boolean): void;
  pickReaction(message: Message, anchor: HTMLElement): void;
  recall(message: Message): void;
  edit(message: Message): void;
  /** 提高密级 (group owner and admins: viewerCan.raiseConfidentiality). */
  raiseLevel(message: Message): void;
  jumpTo(messageId: string, seq: number): void;
}

export interface ItemOptions {
  viewerId: string | undefined;
  actions: MessageActions;
  /** The message it replied to was recalled after this one was loaded (live); on load, replyTo.recalledAt says it. */
  quoteRecalled?: boolean;
  /** Inline editor to show instead of the body. */
  editor?: HTMLElement;
}

const age = (m: Message) => serverNow() - Date.parse(m.createdAt);
export const canEdit = (m: Message) => m.viewerCan.edit && !m.recalledAt && age(m) < EDIT_WINDOW_MS;
export const canRecall = (m: Message) => m.viewerCan.recall && !m.recalledAt && age(m) < RECALL_WINDOW_MS;

function avatarClass(id: string): string {
  let n = 0;
  for (const c of id) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return `avatar-sm avatar-c${n % 6}`;
}

function reactionLabel(r: Reaction): string {
  const names = r.users.map((u) => u.realName);
  const who = names.join('、') + (r.count > names.length ? ` 等 ${r.count} 人` : '');
  return `${who} 回应了「${expressionName(r.emoji)}」`;
}

function reactionChip(m: Message, r: Reaction, options: ItemOptions): HTMLElement {
  const label = reactionLabel(r);
  return h(
    'button',
    {
      type: 'button',
      class: r.viewerReacted ? 'reaction reaction-mine' : 'reaction',
      'aria-pressed': String(r.viewerReacted),
      'aria-label': `${expressionName(r.emoji)} ${r.count} 人：${r.users.map((u) => u.realName).join('、')}。${r.viewerReacted ? '点击取消' : '点击同样回应'}`,
      title: label,
      disabled: !m.viewerCan.react,
      'data-testid': 'reaction',
      'data-emoji': r.emoji,
      onclick: () => options.actions.toggleReaction(m, r.emoji, !r.viewerReacted),
    },
    isClassic(r.emoji) ? expression(r.emoji, false) : emojiGlyph(r.emoji, false),
    h('span', { class: 'reaction-count', 'data-testid': 'reaction-count' }, r.count),
  );
}

function actionButton(label: string, testid: string, onclick: (event: MouseEvent) => void, extra: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'msg-action', 'data-testid': testid, onclick, ...extra }, label);
}

export function messageItem(m: Message, options: ItemOptions): HTMLLIElement {
  const base = { 'data-seq': m.seq, 'data-message-id': m.id, 'data-day': dayLabel(m.createdAt), 'data-day-key': dayKey(m.createdAt) };
  if (m.restrictedPlaceholder || !m.author) {
    return h('li', { class: 'msg-system msg-restricted', 'data-testid': 'message-restricted', ...base }, h('span', null, '受限内容（仅指定成员可见）'));
  }
  if (m.removal) return removedItem(m, base);
  const author = m.author;
  if (m.recalledAt || m.body === null) {
    return h('li', { class: 'msg-system', 'data-testid': 'message-recalled', ...base }, h('span', null, recalledText(author.realName)));
  }
  const mine = author.id === options.viewerId;
  const mentionsMe = !mine && (m.mentionsAll || m.mentions.some((u) => u.id === options.viewerId));
  const { actions } = options;

  const toolbar = h(
    'div',
    { class: 'msg-actions', role: 'toolbar', 'aria-label': '消息操作' },
    actionButton('回复', 'action-reply', () => actions.reply(m)),
    m.viewerCan.react ? actionButton('表情', 'action-react', (event) => actions.pickReaction(m, event.currentTarget as HTMLElement), { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' }) : null,
    canEdit(m) ? actionButton('编辑', 'action-edit', () => actions.edit(m)) : null,
    canRecall(m) ? actionButton('撤回', 'action-recall', () => actions.recall(m)) : null,
    m.viewerCan.raiseConfidentiality ? actionButton('提高密级', 'action-raise', () => actions.raiseLevel(m), { 'aria-haspopup': 'dialog', title: '提高保密级别' }) : null,
    ...moderationButtons(m, options.viewerId),
  );

  const quote = m.replyTo && (m.replyTo.restrictedPlaceholder || !m.replyTo.author)
    ? h('div', { class: 'msg-quote msg-quote-gone', 'data-testid': 'message-quote' }, '引用的内容受限')
    : m.replyTo && !m.replyTo.recalledAt
    ? h(
        'button',
        { type: 'button', class: 'msg-quote', 'data-testid': 'message-quote', title: '查看原消息', onclick: () => actions.jumpTo(m.replyTo!.id, m.replyTo!.seq) },
        h('span', { class: 'quote-author' }, `${m.replyTo.author!.realName}：`),
        h('span', { class: 'quote-text' }, previewText(m.replyTo, 80)),
      )
    : options.quoteRecalled || m.replyTo?.recalledAt
      ? h('div', { class: 'msg-quote msg-quote-gone', 'data-testid': 'message-quote' }, '引用的消息已撤回')
      : null;

  // A message of only files has an empty body: nothing to show but the files.
  const body = options.editor ?? (m.body === '' ? null : h('div', { class: 'msg-body', 'data-testid': 'message-body' }, renderBody(m.body, m.mentions, m.mentionsAll, options.viewerId)));
  // 内部 / 受限: the viewer's watermark over the text, and the level next to the time.
  if (!options.editor && body) applyWatermark(body, m.confidentiality);

  return h(
    'li',
    // tabindex -1: a tap (touch screens have no hover) focuses the message and shows its actions.
    { class: `msg${mine ? ' msg-own' : ''}${mentionsMe ? ' msg-mention' : ''}`, tabindex: '-1', 'data-testid': 'message', 'data-author-id': author.id, ...base },
    h('span', { class: avatarClass(author.id), 'aria-hidden': 'true' }, [...author.realName][0] ?? '?'),
    h(
      'div',
      { class: 'msg-main' },
      h(
        'div',
        { class: 'msg-head' },
        h('a', { class: 'msg-author', href: `#/users/${encodeURIComponent(author.id)}`, 'data-testid': 'message-author' }, author.realName),
        h('span', { class: 'msg-unit' }, `${author.unit.name} · ${author.title}`),
        h('time', { class: 'msg-time', datetime: m.createdAt, title: fullTime(m.createdAt) }, clockTime(m.createdAt)),
        levelBadge(m.confidentiality),
        m.editedAt ? h('span', { class: 'msg-edited', title: `编辑于 ${fullTime(m.editedAt)}`, 'data-testid': 'message-edited' }, '（已编辑）') : null,
      ),
      quote,
      body,
      attachmentList(m.attachments, 'message-attachments'),
      m.reactions.length ? h('div', { class: 'msg-reactions', 'data-testid': 'reactions' }, m.reactions.map((r) => reactionChip(m, r, options))) : null,
    ),
    options.editor ? null : toolbar,
  );
}

/** A message the viewer is sending: shown at once, then replaced by the stored one. */
export function pendingItem(body: string, state: 'sending' | 'failed', error: string | null, retry: () => void, discard: () => void, files: string[] = []): HTMLLIElement {
  return h(
    'li',
    { class: `msg msg-own msg-pending${state === 'failed' ? ' msg-failed' : ''}`, 'data-testid': 'message-pending' },
    h('span', { class: 'avatar-sm avatar-pending', 'aria-hidden': 'true' }, '…'),
    h(
      'div',
      { class: 'msg-main' },
      h('div', { class: 'msg-head' }, h('span', { class: 'msg-status', role: state === 'failed' ? 'alert' : null }, state === 'sending' ? '发送中…' : `发送失败：${error ?? '请重试'}`)),
      body ? h('div', { class: 'msg-body' }, body) : null,
      files.length ? h('ul', { class: 'attach-list attach-pending', 'aria-label': `附件（${files.length}）`, 'data-testid': 'pending-attachments' }, files.map((name) => h('li', { class: 'attach-item' }, fileIcon(name), h('span', { class: 'attach-meta' }, h('span', { class: 'attach-name' }, name))))) : null,
      state === 'failed'
        ? h(
            'div',
            { class: 'msg-pending-actions' },
            h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'pending-retry', onclick: retry }, '重新发送'),
            h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: discard }, '删除'),
          )
        : null,
    ),
  );
}
