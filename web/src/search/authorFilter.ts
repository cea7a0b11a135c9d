/** 发布人: a person picked from the directory (a chip once chosen, × clears it). */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren } from '../dom.js';
import { graphql } from '../graphql/index.js';

const PEOPLE = graphql('query SearchAuthors($q: String!) { directory(filter: { query: $q }, first: 8) { edges { node { id realName title unit { id name } } } } }');

export interface Author {
  id: string;
  name: string;
}

export class AuthorFilter {
  readonly el = h('div', { class: 'author-filter' });
  private author: Author = { id: '', name: '' };

  /** `changed` runs after the viewer chose or cleared the author. */
  constructor(
    private readonly signal: AbortSignal,
    private readonly changed: () => void,
  ) {}

  get value(): Author {
    return this.author;
  }

  /** Shows an author (from the address) without searching. */
  set(author: Author): void {
    this.author = author;
    this.render();
  }

  private choose(author: Author): void {
    this.set(author);
    this.changed();
  }

  private render(): void {
    if (this.author.id) {
      replaceChildren(
        this.el,
        h('span', { class: 'chip', 'data-testid': 'search-author-chip' }, this.author.name || '已选择', h('button', { type: 'button', class: 'chip-x', 'aria-label': '清除发布人', onclick: () => this.choose({ id: '', name: '' }) }, '×')),
      );
      return;
    }
    const input = h('input', { type: 'search', placeholder: '姓名或拼音', maxlength: 30, 'aria-label': '按发布人筛选', autocomplete: 'off', 'data-testid': 'search-author' });
    const options = h('ul', { class: 'author-options', hidden: true, role: 'listbox', 'aria-label': '选择发布人' });
    let timer: number | undefined;
    let requestSeq = 0;
    input.addEventListener('keydown', (event) => {
      // Enter here searches (with the author field left unchosen) like everywhere else in the form.
      if (event.key === 'Escape') options.hidden = true;
    });
    input.addEventListener('input', () => {
      window.clearTimeout(timer);
      const q = input.value.trim();
      if (!q) {
        options.hidden = true;
        return;
      }
      timer = window.setTimeout(async () => {
        const current = ++requestSeq;
        try {
          const data = await gql(PEOPLE, { q }, this.signal);
          if (current !== requestSeq) return;
          const people = data.directory.edges.map((e) => e.node);
          replaceChildren(
            options,
            people.length
              ? people.map((p) =>
                  h(
                    'li',
                    { role: 'option' },
                    h(
                      'button',
                      { type: 'button', class: 'author-option', 'data-testid': 'search-author-option', onclick: () => this.choose({ id: p.id, name: p.realName }) },
                      h('strong', null, p.realName),
                      h('span', { class: 'muted small' }, ` ${p.unit.name} · ${p.title}`),
                    ),
                  ),
                )
              : h('li', { class: 'muted small' }, '没有找到此人'),
          );
          options.hidden = false;
        } catch (error) {
          pageError(error);
        }
      }, 250);
    });
    replaceChildren(this.el, input, options);
  }
}
