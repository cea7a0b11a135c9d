/** A list of threads (board, whole group, 我的帖子): badges, author, counts, last activity, 加载更多. */
import { pageError } from '../auth.js';
import { h, replaceChildren, type Child } from '../dom.js';
import { icon } from '../icons.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { countText, timeEl } from './render.js';
import type { Page, ThreadSummary } from './types.js';

export const THREAD_PAGE = 20;

/** 置顶 and 精华 badges (shown before a title). */
export function threadBadges(t: Pick<ThreadSummary, 'pinned' | 'essence'>): Child[] {
  return [
    t.pinned ? h('span', { class: 'badge badge-pinned', 'data-testid': 'badge-pinned' }, '置顶') : null,
    t.essence ? h('span', { class: 'badge badge-essence', 'data-testid': 'badge-essence' }, '精华') : null,
  ];
}

/** A lock (shown after a title). */
export function lockMark(locked: boolean): HTMLElement | null {
  return locked ? h('span', { class: 'thread-lock', role: 'img', 'aria-label': '已锁定', title: '已锁定，不能回复', 'data-testid': 'badge-locked' }, icon('lock')) : null;
}

export interface ThreadRowOptions {
  showBoard?: boolean;
  showGroup?: boolean;
  showNew?: boolean;
}

/**
 * A thread removed by an admin: members get the notice as its title (the server decides), shown
 * muted; the group's moderators still get the title and see 已移除 before it.
 */
export function removedState(t: Pick<ThreadSummary, 'title' | 'removal'>): 'none' | 'notice' | 'moderator' {
  if (!t.removal) return 'none';
  return t.title === t.removal.notice ? 'notice' : 'moderator';
}

export function threadRow(t: ThreadSummary, options: ThreadRowOptions = {}): HTMLElement {
  const removed = removedState(t);
  return h(
    'li',
    { class: `thread-row${t.pinned ? ' thread-pinned' : ''}${removed !== 'none' ? ' thread-removed' : ''}`, 'data-testid': 'thread-row', 'data-thread-id': t.id },
    h(
      'div',
      { class: 'thread-main' },
      h(
        'h3',
        { class: 'thread-title' },
        threadBadges(t),
        removed === 'moderator' ? h('span', { class: 'badge badge-removed', title: t.removal!.notice, 'data-testid': 'badge-removed' }, '已移除') : null,
        h('a', { href: `#/thread/${encodeURIComponent(t.id)}`, class: removed === 'notice' ? 'thread-link-removed' : null, 'data-testid': 'thread-link' }, t.title),
        lockMark(t.locked),
        options.showNew && t.newReplyCount ? h('span', { class: 'count-badge', title: `${t.newReplyCount} 条新回复`, 'data-testid': 'new-replies' }, `${t.newReplyCount} 条新回复`) : null,
      ),
      h(
        'p',
        { class: 'thread-meta' },
        h('span', { class: 'thread-author', 'data-testid': 'thread-author' }, t.author.realName),
        h('span', { class: 'muted' }, ` ${t.author.unit.name}`),
        options.showGroup ? h('span', { class: 'muted' }, ` · ${t.group.name}`) : null,
        options.showBoard || options.showGroup ? h('span', { class: 'muted' }, ` · ${t.board.name}`) : null,
        h('span', { class: 'muted' }, ' · 发表于 '),
        timeEl(t.createdAt),
      ),
    ),
    h(
      'div',
      { class: 'thread-stats' },
      h('span', { title: '回复数', 'data-testid': 'thread-replies' }, `回复 ${countText(t.replyCount)}`),
      h('span', { class: 'muted', title: '浏览数', 'data-testid': 'thread-views' }, `浏览 ${countText(t.viewCount)}`),
      h('span', { class: 'muted small' }, '最后活动 ', timeEl(t.lastActivityAt)),
    ),
  );
}

/**
 * A paged thread list. `fetch(after)` returns one page; `reset()` starts over (filter changed).
 */
export class ThreadList {
  readonly el: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly status: HTMLElement;
  private readonly more: HTMLButtonElement;
  private endCursor: string | null = null;
  private seq = 0;

  constructor(
    private fetch: (after: string | null) => Promise<Page<ThreadSummary>>,
    private readonly rowOptions: ThreadRowOptions,
    private readonly emptyText: () => Child,
  ) {
    this.list = h('ul', { class: 'thread-list', 'data-testid': 'thread-list', 'aria-label': '帖子列表' });
    this.status = h('div');
    this.more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'threads-more', onclick: () => void this.load(false) }, '加载更多');
    this.el = h('div', { class: 'thread-list-box' }, this.list, this.status, h('div', { class: 'more-row' }, this.more));
  }

  setFetch(fetch: (after: string | null) => Promise<Page<ThreadSummary>>): void {
    this.fetch = fetch;
  }

  async load(reset: boolean): Promise<void> {
    const seq = ++this.seq;
    if (reset) {
      this.endCursor = null;
      replaceChildren(this.list);
      replaceChildren(this.status, loading('正在加载帖子…'));
      this.more.hidden = true;
    } else {
      this.more.disabled = true;
      this.more.textContent = '正在加载…';
    }
    try {
      const page = await this.fetch(reset ? null : this.endCursor);
      if (seq !== this.seq) return;
      replaceChildren(this.status);
      this.list.append(...page.edges.map((e) => threadRow(e.node, this.rowOptions)));
      this.endCursor = page.pageInfo.endCursor;
      this.more.hidden = !page.pageInfo.hasNextPage;
      if (!this.list.children.length) {
        const text = this.emptyText();
        replaceChildren(this.status, typeof text === 'string' ? emptyState(text) : text);
      }
    } catch (error) {
      if (seq !== this.seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(this.status, errorBox(shown, () => void this.load(reset)));
    } finally {
      if (seq === this.seq) {
        this.more.disabled = false;
        this.more.textContent = '加载更多';
      }
    }
  }
}
