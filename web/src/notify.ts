/** Short confirmations and errors in a polite live region at the corner of the screen. */
import { h } from './dom.js';

const MAX_TOASTS = 3;
let region: HTMLElement | null = null;

export function toastRegion(): HTMLElement {
  region ??= h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite', 'data-testid': 'toasts' });
  return region;
}

export function notify(message: string, kind: 'success' | 'error' | 'info' = 'success', ms = 6000): void {
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': '关闭提示', onclick: () => toast.remove() }, '×');
  const toast = h('div', { class: `toast toast-${kind}` }, h('span', { class: 'toast-text' }, message), close);
  const list = toastRegion();
  list.appendChild(toast);
  // Keep the corner calm: at most three at once, oldest first out.
  while (list.children.length > MAX_TOASTS) list.firstElementChild?.remove();
  window.setTimeout(() => toast.remove(), ms);
}
