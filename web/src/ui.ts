/** Small shared pieces: headings, loading, empty and error states, status badges, buttons. */
import type { ApiError } from './api.js';
import { h, type Attrs, type Child } from './dom.js';
import { STATUS_LABELS } from './format.js';
import type { UserStatus } from './types.js';

export interface Page {
  /** Document title (without the product suffix). */
  title: string;
  el: HTMLElement;
  /** Same route with new parameters: update in place (keeps focus) instead of rebuilding. */
  update?(params: Record<string, string>): void;
  /** 'fill': the page takes the window's height and scrolls inside (chat), no footer. */
  layout?: 'fill';
}

export interface PageContext {
  params: Record<string, string>;
  /** Aborted when the user leaves the page: drop late answers. */
  signal: AbortSignal;
}

/** The page heading; focused after navigation so screen readers announce the new page. */
export function pageTitle(text: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', class: 'page-title' }, text), ...extra);
}

export function loading(text = '正在加载…'): HTMLElement {
  return h('div', { class: 'loading', role: 'status', 'data-testid': 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function emptyState(text: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'empty', 'data-testid': 'empty' }, h('p', null, text), ...extra);
}

/** An error box with the server's Chinese message and, when given, a retry button. */
export function errorBox(error: ApiError | string, retry?: () => void): HTMLElement {
  const message = typeof error === 'string' ? error : error.message;
  return h(
    'div',
    { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' },
    h('span', null, message),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, '重试') : null,
  );
}

export function statusBadge(status: UserStatus | null | undefined): HTMLElement | null {
  if (!status) return null;
  return h('span', { class: `badge badge-${status.toLowerCase()}`, 'data-testid': 'status-badge' }, STATUS_LABELS[status] ?? status);
}

type ButtonKind = 'primary' | 'secondary' | 'danger' | 'link';

export function button(text: string, onclick: (event: MouseEvent) => void, kind: ButtonKind = 'secondary', attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: `btn btn-${kind}`, onclick, ...attrs }, text);
}

/** Label/value pairs (profile facts). */
export function facts(rows: Array<[label: string, value: Child, wide?: boolean]>): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([label, value, wide]) => h('div', { class: wide ? 'fact fact-wide' : 'fact' }, h('dt', null, label), h('dd', null, value))),
  );
}
