/** Pieces the thread head and the floors share: a floor as a line of text, and 已编辑 with its history. */
import { h, replaceChildren, type Child } from '../../dom.js';
import { dateTimeEl } from '../render.js';
import type { PostEdit } from '../types.js';

/** A quoted floor as one line of plain text. */
export function plain(markdown: string, max = 120): string {
  const text = markdown.replace(/\s+/g, ' ').trim();
  return [...text].length > max ? `${[...text].slice(0, max).join('')}…` : text;
}

/** "已编辑" that opens the earlier versions (plain text, newest first). */
export function editHistory(edits: PostEdit[], editedAt: string | null): Child {
  if (!editedAt) return null;
  const box = h('div', { class: 'edit-history', hidden: true, 'data-testid': 'edit-history' });
  const toggle = h('button', { type: 'button', class: 'btn btn-link btn-small edited-mark', 'aria-expanded': 'false', title: '查看编辑记录', 'data-testid': 'edited' }, '已编辑');
  toggle.addEventListener('click', () => {
    const open = box.hidden;
    box.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (!open) return replaceChildren(box);
    replaceChildren(
      box,
      h('h4', null, `编辑记录（${edits.length}）`),
      edits.length
        ? h(
            'ol',
            { class: 'edit-list' },
            edits.map((e) =>
              h(
                'li',
                { 'data-testid': 'edit-version' },
                h('p', { class: 'muted small' }, `${e.editor.realName} 于 `, dateTimeEl(e.editedAt), ' 编辑，此前的内容：'),
                e.previousTitle !== null ? h('p', { class: 'edit-title' }, `标题：${e.previousTitle}`) : null,
                h('pre', { class: 'edit-body' }, e.previousBody),
              ),
            ),
          )
        : h('p', { class: 'muted small' }, '没有更早的版本'),
    );
  });
  return [toggle, box];
}
