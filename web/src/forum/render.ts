/**
 * Rendering helpers of the BBS and search: server-sanitised Markdown HTML in its own container
 * (the one place the UI inserts HTML), highlighted snippets as text nodes, and who/when lines.
 */
import { h, type Child } from '../dom.js';
import { formatDateTime } from '../format.js';
import { fullTime, listTime } from '../chat/time.js';
import type { SnippetPart } from './types.js';

/**
 * A post body as the server rendered it. SAFETY: this is the only place where the UI inserts
 * HTML. It is fed nothing but the server's `bodyHtml` / `markdownPreview` fields, which markdown-it
 * renders with raw HTML disabled and sanitize-html then filters to a fixed allow-list (no script,
 * no event attributes, no style, only http/https links); the page's CSP refuses inline scripts
 * anyway. The HTML is parsed into an inert <template> first, so nothing runs while parsing, and
 * links are made to open outside the app.
 */
export function markdownHtml(html: string, attrs: Record<string, string> = {}): HTMLElement {
  // Table alignment comes as style="text-align:…", which the CSP refuses (and reports) even
  // while parsing into a template: turn it into a class first. The sanitiser writes attributes
  // double-quoted with quotes inside escaped, so these patterns cannot cut into other markup.
  const styled = html
    .replace(/ style="text-align:\s*(left|right|center);?"/g, ' class="align-$1"')
    .replace(/ style="[^"]*"/g, '');
  const template = document.createElement('template');
  template.innerHTML = styled;
  for (const a of template.content.querySelectorAll('a[href]')) {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  const box = h('div', { class: 'md', ...attrs });
  box.appendChild(template.content);
  return box;
}

/** A search snippet: plain text, with the parts that matched in <mark>. Never HTML. */
export function snippet(parts: SnippetPart[] | null | undefined): Child[] {
  return (parts ?? []).map((part) => (part.match ? h('mark', { 'data-testid': 'hit' }, part.text) : part.text));
}

/** "3月2日" / "09:05" with the full time as a tooltip. */
export function timeEl(value: string, testid?: string): HTMLElement {
  return h('time', { datetime: value, title: fullTime(value), 'data-testid': testid }, listTime(value));
}

/** "2026/11/24 09:05" with the full time as a tooltip. */
export function dateTimeEl(value: string, testid?: string): HTMLElement {
  return h('time', { datetime: value, title: fullTime(value), 'data-testid': testid }, formatDateTime(value));
}

/** A Chinese count such as "1.2万" for large numbers. */
export function countText(n: number): string {
  return n >= 10_000 ? `${(n / 10_000).toFixed(1).replace(/\.0$/, '')}万` : String(n);
}
