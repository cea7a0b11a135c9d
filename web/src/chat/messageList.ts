/**
 * The scrolling message list of one conversation: messages in seq order with day dividers and an
 * unread divider, messages being sent at the bottom, older history at the top (loaded on scroll
 * or with a button, keeping the reading position), a "新消息" button when new ones arrive while
 * the reader is scrolled up, and inline editing.
 */
import { h, replaceChildren } from '../dom.js';
import { canEdit, canRecall, messageItem, pendingItem, type MessageActions } from './messageItem.js';
import type { Attachment } from '../documents/types.js';
import type { Message } from './types.js';

const BOTTOM_SLACK_PX = 48;
const TOP_LOAD_PX = 160;

export interface MessageListOptions {
  viewerId: string | undefined;
  actions: MessageActions;
  loadOlder: () => void;
  /** Scrolled (to the bottom, or away from it). */
  onScroll: () => void;
}

interface Pending {
  el: HTMLLIElement;
}

export class MessageList {
  readonly el: HTMLElement;
  readonly scroller: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly top: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly newButton: HTMLButtonElement;
  private messages: Message[] = [];
  private readonly els = new Map<string, HTMLLIElement>();
  private readonly pending = new Map<string, Pending>();
  /** Messages whose quoted message was recalled (the server then sends replyTo: null). */
  private readonly quoteGone = new Set<string>();
  private editing: { id: string; editor: HTMLElement } | null = null;
  private unreadDivider: HTMLElement | null = null;
  private hasOlder = false;
  private loadingOlder = false;
  private unseen = 0;
  private readonly windowTimer: number;

  constructor(private readonly options: MessageListOptions) {
    this.top = h('div', { class: 'history-top' });
    // The ol keeps its list semantics (each message an li); the scrolling box around it is the live log.
    this.list = h('ol', { class: 'msg-list', 'aria-label': '消息记录', 'data-testid': 'message-list' });
    this.empty = h('p', { class: 'msg-empty', hidden: true, 'data-testid': 'messages-empty' }, '还没有消息，发一条开始交流吧');
    this.scroller = h('div', { class: 'msg-scroll', role: 'log', 'aria-relevant': 'additions', tabindex: '0', 'aria-label': '消息记录，可用方向键滚动' }, this.top, this.list, this.empty);
    this.newButton = h('button', { type: 'button', class: 'new-messages', hidden: true, 'data-testid': 'new-messages', onclick: () => this.scrollToBottom() });
    this.el = h('div', { class: 'msg-pane' }, this.scroller, this.newButton);
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < TOP_LOAD_PX && this.hasOlder && !this.loadingOlder && this.messages.length) this.options.loadOlder();
      if (this.atBottom()) this.setUnseen(0);
      this.options.onScroll();
    }, { passive: true });
    // Edit and recall buttons disappear when their time is up.
    this.windowTimer = window.setInterval(() => this.refreshWindows(), 15_000);
  }

  destroy(): void {
    window.clearInterval(this.windowTimer);
  }

  firstSeq(): number | null {
    return this.messages[0]?.seq ?? null;
  }

  lastSeq(): number {
    return this.messages[this.messages.length - 1]?.seq ?? 0;
  }

  get(id: string): Message | undefined {
    return this.messages.find((m) => m.id === id);
  }

  all(): readonly Message[] {
    return this.messages;
  }

  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < BOTTOM_SLACK_PX;
  }

  scrollToBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.setUnseen(0);
  }

  /** The newest page, after opening the conversation or a resync. */
  reset(messages: Message[], hasOlder: boolean, lastReadSeq: number): void {
    this.messages = [...messages].sort((a, b) => a.seq - b.seq);
    this.els.clear();
    this.quoteGone.clear();
    this.editing = null;
    this.hasOlder = hasOlder;
    this.list.setAttribute('aria-busy', 'true');
    replaceChildren(this.list, this.messages.map((m) => this.render(m)));
    for (const p of this.pending.values()) this.list.appendChild(p.el);
    const firstUnread = this.messages.find((m) => m.seq > lastReadSeq && !m.restrictedPlaceholder && m.author?.id !== this.options.viewerId);
    this.unreadDivider = null;
    if (firstUnread && firstUnread !== this.messages[0]) {
      this.unreadDivider = h('li', { class: 'unread-divider', 'data-testid': 'unread-divider' }, h('span', null, '以下为新消息'));
      this.els.get(firstUnread.id)?.before(this.unreadDivider);
    }
    this.relayout();
    this.renderTop();
    this.list.removeAttribute('aria-busy');
    if (this.unreadDivider && this.messages.length > 12) this.unreadDivider.scrollIntoView({ block: 'start' });
    else this.scrollToBottom();
  }

  /** Older messages at the top, keeping what the reader looks at in place. */
  prepend(messages: Message[], hasOlder: boolean): void {
    const first = this.firstSeq() ?? Number.POSITIVE_INFINITY;
    const older = messages.filter((m) => m.seq < first).sort((a, b) => a.seq - b.seq);
    this.hasOlder = hasOlder;
    const before = this.scroller.scrollHeight - this.scroller.scrollTop;
    this.list.setAttribute('aria-busy', 'true');
    this.messages = [...older, ...this.messages];
    this.list.prepend(...older.map((m) => this.render(m)));
    this.relayout();
    this.renderTop();
    this.scroller.scrollTop = this.scroller.scrollHeight - before;
    this.list.removeAttribute('aria-busy');
  }

  setLoadingOlder(loading: boolean, error?: string): void {
    this.loadingOlder = loading;
    this.renderTop(error);
  }

  /**
   * Adds a new message or replaces a changed one. Returns whether it was new and was added at
   * the bottom (so the caller can tell if it can be seen).
   */
  upsert(message: Message, onlyIfShown = false): 'appended' | 'replaced' | 'inserted' | 'ignored' {
    const index = this.messages.findIndex((m) => m.id === message.id);
    if (index < 0 && onlyIfShown) return 'ignored';
    if (index >= 0) {
      const previous = this.messages[index];
      // Live events carry no attachments (they never change): keep the ones loaded with history.
      if (message.attachments === undefined && previous.attachments) message = { ...message, attachments: previous.attachments };
      this.messages[index] = message;
      if (message.recalledAt && !previous.recalledAt) this.quotedChanged(message);
      else if (message.body !== previous.body) this.quotedChanged(message);
      if (this.editing?.id === message.id && message.recalledAt) this.editing = null;
      this.replaceEl(message);
      return 'replaced';
    }
    const wasAtBottom = this.atBottom();
    const last = this.messages[this.messages.length - 1];
    if (!last || message.seq > last.seq) {
      this.messages.push(message);
      const el = this.render(message);
      const firstPending = this.pending.values().next().value as Pending | undefined;
      if (firstPending) firstPending.el.before(el);
      else this.list.appendChild(el);
      this.relayout();
      const mine = message.author?.id === this.options.viewerId;
      if (wasAtBottom || mine) this.scrollToBottom();
      else this.setUnseen(this.unseen + 1);
      return 'appended';
    }
    const first = this.messages[0];
    if (message.seq < first.seq) return 'ignored';
    // A gap being filled: put it in its place.
    const at = this.messages.findIndex((m) => m.seq > message.seq);
    if (this.messages[at - 1]?.seq === message.seq) return 'ignored';
    this.messages.splice(at, 0, message);
    this.els.get(this.messages[at + 1].id)?.before(this.render(message));
    this.relayout();
    if (wasAtBottom) this.scrollToBottom();
    return 'inserted';
  }

  /** Shows or updates a message being sent (keyed by its clientMessageId). */
  setPending(key: string, body: string, state: 'sending' | 'failed', error: string | null, retry: () => void, discard: () => void, files: string[] = []): void {
    const el = pendingItem(body, state, error, retry, discard, files);
    const current = this.pending.get(key);
    if (current) current.el.replaceWith(el);
    else this.list.appendChild(el);
    this.pending.set(key, { el });
    this.empty.hidden = true;
    if (!current) this.scrollToBottom();
  }

  /**
   * The attachments of a message that came live (events carry none), fetched afterwards. Shown
   * when it has some; remembered either way so later events keep them.
   */
  setAttachments(id: string, attachments: Attachment[]): void {
    const index = this.messages.findIndex((m) => m.id === id);
    if (index < 0) return;
    const m = this.messages[index];
    if (m.attachments !== undefined) return;
    const next = { ...m, attachments };
    this.messages[index] = next;
    if (!attachments.length) return;
    const wasAtBottom = this.atBottom();
    this.replaceEl(next);
    if (wasAtBottom) this.scrollToBottom();
  }

  removePending(key: string): void {
    this.pending.get(key)?.el.remove();
    this.pending.delete(key);
    this.relayout();
  }

  /** Shows an inline editor in place of a message's body (null closes it). */
  setEditing(id: string | null, editor?: HTMLElement): void {
    const previous = this.editing;
    this.editing = id && editor ? { id, editor } : null;
    if (previous && previous.id !== id) {
      const m = this.get(previous.id);
      if (m) this.replaceEl(m);
    }
    const m = id ? this.get(id) : undefined;
    if (m) this.replaceEl(m);
  }

  /** Scrolls to a loaded message and highlights it briefly; false when it is not loaded. */
  reveal(messageId: string): boolean {
    const el = this.els.get(messageId);
    if (!el) return false;
    el.scrollIntoView({ block: 'center' });
    el.classList.add('msg-flash');
    el.setAttribute('tabindex', '-1');
    el.focus({ preventScroll: true });
    window.setTimeout(() => el.classList.remove('msg-flash'), 2000);
    return true;
  }

  private render(m: Message): HTMLLIElement {
    const el = messageItem(m, {
      viewerId: this.options.viewerId,
      actions: this.options.actions,
      quoteRecalled: this.quoteGone.has(m.id),
      editor: this.editing?.id === m.id ? this.editing.editor : undefined,
    });
    this.els.set(m.id, el);
    return el;
  }

  private replaceEl(m: Message): void {
    const old = this.els.get(m.id);
    if (!old) return;
    const wasFocused = document.activeElement === old;
    const inside = old !== document.activeElement && old.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
    const focusedTestId = inside?.dataset.testid;
    const focusedEmoji = inside?.dataset.emoji;
    const el = this.render(m);
    old.replaceWith(el);
    this.relayout();
    if (wasFocused) el.focus({ preventScroll: true });
    else if (focusedTestId && !this.editing) {
      const selector = focusedEmoji ? `[data-testid="${focusedTestId}"][data-emoji="${CSS.escape(focusedEmoji)}"]` : `[data-testid="${focusedTestId}"]`;
      (el.querySelector<HTMLElement>(selector) ?? el.querySelector<HTMLElement>('button'))?.focus({ preventScroll: true });
    }
  }

  /** Replies quoting `m` show its new text, or that it was recalled. */
  private quotedChanged(m: Message): void {
    for (let i = 0; i < this.messages.length; i += 1) {
      const reply = this.messages[i];
      if (reply.replyTo?.id !== m.id) continue;
      if (m.recalledAt) {
        this.quoteGone.add(reply.id);
        this.messages[i] = { ...reply, replyTo: null };
      } else this.messages[i] = { ...reply, replyTo: { ...reply.replyTo, body: m.body } };
      this.replaceEl(this.messages[i]);
    }
  }

  private refreshWindows(): void {
    for (const m of this.messages) {
      if (m.author?.id !== this.options.viewerId || this.editing?.id === m.id) continue;
      const el = this.els.get(m.id);
      if (!el) continue;
      const shown = { edit: !!el.querySelector('[data-testid=action-edit]'), recall: !!el.querySelector('[data-testid=action-recall]') };
      if (shown.edit !== canEdit(m) || shown.recall !== canRecall(m)) this.replaceEl(m);
    }
  }

  /** Day dividers where the date changes. */
  private relayout(): void {
    let previous: string | null = null;
    for (const el of this.list.querySelectorAll<HTMLElement>('li[data-day-key]')) {
      const key = el.dataset.dayKey ?? null;
      el.classList.toggle('day-start', key !== previous);
      previous = key;
    }
    this.empty.hidden = this.messages.length > 0 || this.pending.size > 0 || this.hasOlder;
  }

  private renderTop(error?: string): void {
    if (this.loadingOlder) {
      replaceChildren(this.top, h('span', { class: 'loading loading-inline', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), '正在加载更早的消息…'));
    } else if (error) {
      replaceChildren(this.top, h('span', { class: 'history-error', role: 'alert' }, error), h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.options.loadOlder() }, '重试'));
    } else if (this.hasOlder) {
      replaceChildren(this.top, h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-testid': 'load-older', onclick: () => this.options.loadOlder() }, '加载更早的消息'));
    } else {
      replaceChildren(this.top, this.messages.length ? h('span', { class: 'history-start', 'data-testid': 'history-start' }, '以上是全部消息') : null);
    }
  }

  private setUnseen(n: number): void {
    this.unseen = n;
    this.newButton.hidden = n === 0;
    this.newButton.textContent = n ? `↓ ${n} 条新消息` : '';
  }
}
