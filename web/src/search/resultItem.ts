/** One search hit: its type, group, author and time, the highlighted words, and where it opens. */
import { downloadLink, fileIcon, openPreview } from '../documents/preview.js';
import { previewKind } from '../documents/types.js';
import { h } from '../dom.js';
import { snippet, timeEl } from '../forum/render.js';
import { SEARCH_TYPE_LABELS } from '../forum/types.js';
import type { SearchResult } from './query.js';

/** Where a result opens. */
export function resultHref(r: SearchResult): string | null {
  // A file: its group's 群文件 (a discussion group's or private chat's files: that conversation).
  if (r.type === 'DOCUMENT') return r.group && !r.conversationId ? `#/groups/${encodeURIComponent(r.group.id)}/files` : r.conversationId ? `#/chat/${encodeURIComponent(r.conversationId)}` : null;
  if (r.type === 'THREAD' && r.thread) return `#/thread/${encodeURIComponent(r.thread.id)}`;
  if (r.type === 'REPLY' && r.thread) return `#/thread/${encodeURIComponent(r.thread.id)}${r.floor ? `?floor=${r.floor}` : ''}`;
  if (r.conversationId) return `#/chat/${encodeURIComponent(r.conversationId)}?msg=${encodeURIComponent(r.id)}${r.seq ? `&seq=${r.seq}` : ''}`;
  return null;
}

export function resultItem(r: SearchResult): HTMLElement {
  const href = resultHref(r);
  const where = r.group ? r.group.name : '私聊';
  const doc = r.type === 'DOCUMENT' ? r.document : null;
  const heading =
    doc
      ? h('span', { class: 'result-title', 'data-testid': 'result-title' }, fileIcon(doc.name), ' ', snippet(r.snippet), doc.folder ? h('span', { class: 'muted' }, ` · 文件夹“${doc.folder.name}”`) : null)
      : r.type === 'THREAD' || r.type === 'REPLY'
      ? h('span', { class: 'result-title', 'data-testid': 'result-title' }, r.title?.length ? snippet(r.title) : (r.thread?.title ?? '帖子'), r.type === 'REPLY' && r.floor ? h('span', { class: 'muted' }, ` · ${r.floor}楼`) : null)
      : null;
  const body = doc ? null : h('p', { class: 'result-snippet', 'data-testid': 'result-snippet' }, snippet(r.snippet));
  const fileActions = doc
    ? h(
        'div',
        { class: 'row-actions result-file-actions' },
        downloadLink(doc.latestVersion, '下载', 'btn btn-small btn-secondary', 'result-download'),
        previewKind(doc.latestVersion.mime) ? h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'result-preview', onclick: () => openPreview(doc.latestVersion) }, '预览') : null,
      )
    : null;
  return h(
    'li',
    { class: 'search-result', 'data-testid': 'search-result', 'data-type': r.type, 'data-id': r.id },
    h(
      'p',
      { class: 'result-meta' },
      h('span', { class: `badge result-type type-${r.type.toLowerCase()}`, 'data-testid': 'result-type' }, SEARCH_TYPE_LABELS[r.type]),
      h('span', { class: 'result-where', 'data-testid': 'result-group' }, where),
      h('span', { class: 'muted' }, ' · '),
      h('span', { 'data-testid': 'result-author' }, r.author.realName),
      h('span', { class: 'muted small' }, ` ${r.author.unit.name}`),
      h('span', { class: 'muted' }, ' · '),
      timeEl(r.createdAt),
    ),
    href ? h('a', { class: 'result-link', href, 'data-testid': 'result-link' }, heading, body) : h('div', null, heading, body),
    fileActions,
  );
}
