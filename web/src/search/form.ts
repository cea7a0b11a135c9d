/**
 * The search form: keywords, and the filters (group, types, author, dates, order). It shows the
 * criteria of the address (`show`) and puts what the viewer sets into the address, which runs
 * the search; the same address again runs it through `rerun`.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, setText, uid } from '../dom.js';
import { SEARCH_TYPE_LABELS, type SearchResultType } from '../forum/types.js';
import { graphql } from '../graphql/index.js';
import { navigate } from '../router.js';
import { AuthorFilter } from './authorFilter.js';
import { MAX_QUERY, readCriteria, toHash, TYPES, type Criteria } from './criteria.js';

const GROUPS = graphql('query SearchGroups { myGroups { id name } }');

export class SearchForm {
  readonly el: HTMLFormElement;
  /** The criteria of the address, as the page last showed them. */
  criteria: Criteria = readCriteria();
  private readonly author: AuthorFilter;
  private readonly queryInput: HTMLInputElement;
  private readonly groupSelect: HTMLSelectElement;
  private readonly typeBoxes: HTMLInputElement[];
  private readonly fromInput: HTMLInputElement;
  private readonly toInput: HTMLInputElement;
  private readonly sortSelect: HTMLSelectElement;
  private readonly formError: HTMLElement;

  constructor(
    signal: AbortSignal,
    private readonly rerun: () => void,
  ) {
    this.author = new AuthorFilter(signal, () => this.apply());
    this.queryInput = h('input', { type: 'search', class: 'search search-query', name: 'q', maxlength: MAX_QUERY, placeholder: '输入关键词，如：行政许可', 'aria-label': '搜索关键词', autocomplete: 'off', 'data-autofocus': true, 'data-testid': 'search-input' });
    this.groupSelect = h('select', { name: 'group', 'aria-label': '群组', 'data-testid': 'search-group' }, h('option', { value: '' }, '全部群组和私聊'));
    this.typeBoxes = TYPES.map((t) => h('input', { type: 'checkbox', value: t, 'data-testid': `search-type-${t}` }));
    this.fromInput = h('input', { type: 'date', name: 'from', 'aria-label': '开始日期', 'data-testid': 'search-from' });
    this.toInput = h('input', { type: 'date', name: 'to', 'aria-label': '结束日期', 'data-testid': 'search-to' });
    this.sortSelect = h('select', { name: 'sort', 'aria-label': '排序', 'data-testid': 'search-sort' }, h('option', { value: 'RELEVANCE' }, '按相关度'), h('option', { value: 'TIME' }, '按时间（最新在前）'));
    this.formError = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'search-error' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'search-submit' }, '搜索');
    const reset = h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'search-reset' }, '清除筛选');
    const idFrom = uid('from');
    this.fromInput.id = idFrom;
    const idTo = uid('to');
    this.toInput.id = idTo;
    this.el = h(
      'form',
      { class: 'card search-form', role: 'search', novalidate: true, 'data-testid': 'search-form' },
      h('div', { class: 'search-row' }, this.queryInput, submit),
      this.formError,
      h(
        'div',
        { class: 'search-filters' },
        h('label', { class: 'filter' }, h('span', null, '群组'), this.groupSelect),
        h('fieldset', { class: 'filter filter-types' }, h('legend', null, '类型'), this.typeBoxes.map((box, i) => h('label', { class: 'check' }, box, SEARCH_TYPE_LABELS[TYPES[i]]))),
        h('div', { class: 'filter' }, h('span', null, '发布人'), this.author.el),
        h('div', { class: 'filter filter-dates' }, h('label', { for: idFrom }, '从'), this.fromInput, h('label', { for: idTo }, '到'), this.toInput),
        h('label', { class: 'filter' }, h('span', null, '排序'), this.sortSelect),
        reset,
      ),
    );
    this.el.addEventListener('submit', (event) => {
      event.preventDefault();
      this.apply();
    });
    for (const control of [this.groupSelect, this.sortSelect, this.fromInput, this.toInput, ...this.typeBoxes]) control.addEventListener('change', () => this.criteria.q && this.queryInput.value.trim() && this.apply());
    reset.addEventListener('click', () => {
      this.criteria = { ...readCriteria(), group: '', types: [], author: '', authorName: '', from: '', to: '', sort: 'RELEVANCE', q: this.queryInput.value.trim() };
      this.fill();
      if (this.criteria.q) this.apply();
    });

    void gql(GROUPS, {}, signal)
      .then((data) => {
        this.groupSelect.append(...data.myGroups.map((g) => h('option', { value: g.id }, g.name)));
        this.groupSelect.value = this.criteria.group;
      })
      .catch((error) => pageError(error));
    this.fill();
  }

  /** The criteria of the address, into the form. */
  show(criteria: Criteria): void {
    this.criteria = criteria;
    this.fill();
  }

  private fill(): void {
    this.queryInput.value = this.criteria.q;
    this.groupSelect.value = this.criteria.group;
    for (const box of this.typeBoxes) box.checked = this.criteria.types.includes(box.value as SearchResultType);
    this.fromInput.value = this.criteria.from;
    this.toInput.value = this.criteria.to;
    this.sortSelect.value = this.criteria.sort;
    this.author.set({ id: this.criteria.author, name: this.criteria.authorName });
  }

  private formCriteria(): Criteria {
    return {
      q: this.queryInput.value.trim(),
      group: this.groupSelect.value,
      types: this.typeBoxes.filter((b) => b.checked).map((b) => b.value as SearchResultType),
      author: this.author.value.id,
      authorName: this.author.value.name,
      from: this.fromInput.value,
      to: this.toInput.value,
      sort: this.sortSelect.value === 'TIME' ? 'TIME' : 'RELEVANCE',
    };
  }

  /** Puts the form into the address (which runs the search), after checking it. */
  private apply(): void {
    const c = this.formCriteria();
    setText(this.formError, null);
    if (!c.q) {
      setText(this.formError, '请输入要搜索的关键词');
      this.queryInput.focus();
      return;
    }
    if ([...c.q].length > MAX_QUERY) return setText(this.formError, `关键词不能超过 ${MAX_QUERY} 个字`);
    if (c.from && c.to && c.from > c.to) return setText(this.formError, '开始日期不能晚于结束日期');
    const hash = toHash(c);
    if (window.location.hash === hash) this.rerun();
    else navigate(hash);
  }
}
