/**
 * #/search?q=…: search over everything the viewer may read now (group, discussion and private
 * messages, threads and floors). Filters: group, types, author (from the directory), date range;
 * order by relevance or time. Results show their type, group, author and time, with the matching
 * words highlighted (text nodes and <mark>, never HTML), and open where they are: a message in
 * its conversation, a thread, a floor of a thread. The filters live in the address, so the back
 * button and shared links work.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText, uid } from '../dom.js';
import { snippet, timeEl } from '../forum/render.js';
import { downloadLink, fileIcon, openPreview } from '../documents/preview.js';
import { previewKind } from '../documents/types.js';
import { SEARCH_TYPE_LABELS, type Page as Connection, type SearchResultType } from '../forum/types.js';
import { hashQuery, navigate } from '../router.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { UserFields } from '../graphql/fragments.js';

const SEARCH = graphql(`query Search($q: String!, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
  search(query: $q, filter: $filter, sort: $sort, first: $first, after: $after) {
    words pageInfo { hasNextPage endCursor }
    edges { cursor node { type id createdAt conversationId seq floor author { ...UserFields } group { id name } thread { id title }
      title { text match } snippet { text match }
      document { id name folder { id name } latestVersion { id documentId version name size mime createdAt downloadPath } } } } } }`, [UserFields]);
/** One hit as the search page selects it (DOCUMENT hits carry the file; its name is the snippet). */
export type SearchResult = ResultOf<typeof SEARCH>['search']['edges'][number]['node'];
const GROUPS = graphql('query SearchGroups { myGroups { id name } }');
const PEOPLE = graphql('query SearchAuthors($q: String!) { directory(filter: { query: $q }, first: 8) { edges { node { id realName title unit { id name } } } } }');

const PAGE_SIZE = 20;
/** A relevance list at least this long may have reached the end of the ranked pool (about 200). */
const POOL_HINT_AT = 100;
const countText = (sort: 'RELEVANCE' | 'TIME', n: number) => (sort === 'RELEVANCE' ? ` · 最相关的 ${n} 条` : ` · 共 ${n} 条`);
const MAX_QUERY = 50;
const TYPES: SearchResultType[] = ['GROUP_MESSAGE', 'DISCUSSION_MESSAGE', 'DIRECT_MESSAGE', 'THREAD', 'REPLY', 'DOCUMENT'];
const DAY_MS = 86_400_000;

interface Criteria {
  q: string;
  group: string;
  types: SearchResultType[];
  author: string;
  authorName: string;
  from: string;
  to: string;
  sort: 'RELEVANCE' | 'TIME';
}

function readCriteria(): Criteria {
  const p = hashQuery();
  const types = (p.get('types') ?? '').split(',').filter((t): t is SearchResultType => (TYPES as string[]).includes(t));
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return {
    q: (p.get('q') ?? '').slice(0, MAX_QUERY),
    group: p.get('group') ?? '',
    types,
    author: p.get('author') ?? '',
    authorName: p.get('authorName') ?? '',
    from: date(p.get('from')),
    to: date(p.get('to')),
    sort: p.get('sort') === 'TIME' ? 'TIME' : 'RELEVANCE',
  };
}

function toHash(c: Criteria): string {
  const p = new URLSearchParams();
  p.set('q', c.q);
  if (c.group) p.set('group', c.group);
  if (c.types.length && c.types.length < TYPES.length) p.set('types', c.types.join(','));
  if (c.author) {
    p.set('author', c.author);
    p.set('authorName', c.authorName);
  }
  if (c.from) p.set('from', c.from);
  if (c.to) p.set('to', c.to);
  if (c.sort === 'TIME') p.set('sort', 'TIME');
  return `#/search?${p.toString()}`;
}

/** A day in Beijing time as an instant: its start (from) or the start of the next day (to, inclusive). */
function dayStart(day: string, next = false): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + (next ? DAY_MS : 0)).toISOString();
}

/** Where a result opens. */
export function resultHref(r: SearchResult): string | null {
  // A file: its group's 群文件 (a discussion group's or private chat's files: that conversation).
  if (r.type === 'DOCUMENT') return r.group && !r.conversationId ? `#/groups/${encodeURIComponent(r.group.id)}/files` : r.conversationId ? `#/chat/${encodeURIComponent(r.conversationId)}` : null;
  if (r.type === 'THREAD' && r.thread) return `#/thread/${encodeURIComponent(r.thread.id)}`;
  if (r.type === 'REPLY' && r.thread) return `#/thread/${encodeURIComponent(r.thread.id)}${r.floor ? `?floor=${r.floor}` : ''}`;
  if (r.conversationId) return `#/chat/${encodeURIComponent(r.conversationId)}?msg=${encodeURIComponent(r.id)}${r.seq ? `&seq=${r.seq}` : ''}`;
  return null;
}

export function searchPage(ctx: PageContext): Page {
  const queryInput = h('input', { type: 'search', class: 'search search-query', name: 'q', maxlength: MAX_QUERY, placeholder: '输入关键词，如：行政许可', 'aria-label': '搜索关键词', autocomplete: 'off', 'data-autofocus': true, 'data-testid': 'search-input' });
  const groupSelect = h('select', { name: 'group', 'aria-label': '群组', 'data-testid': 'search-group' }, h('option', { value: '' }, '全部群组和私聊'));
  const typeBoxes = TYPES.map((t) => h('input', { type: 'checkbox', value: t, 'data-testid': `search-type-${t}` }));
  const fromInput = h('input', { type: 'date', name: 'from', 'aria-label': '开始日期', 'data-testid': 'search-from' });
  const toInput = h('input', { type: 'date', name: 'to', 'aria-label': '结束日期', 'data-testid': 'search-to' });
  const sortSelect = h('select', { name: 'sort', 'aria-label': '排序', 'data-testid': 'search-sort' }, h('option', { value: 'RELEVANCE' }, '按相关度'), h('option', { value: 'TIME' }, '按时间（最新在前）'));
  const authorBox = h('div', { class: 'author-filter' });
  const formError = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'search-error' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'search-submit' }, '搜索');
  const reset = h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'search-reset' }, '清除筛选');
  const idFrom = uid('from');
  fromInput.id = idFrom;
  const idTo = uid('to');
  toInput.id = idTo;

  const form = h(
    'form',
    { class: 'card search-form', role: 'search', novalidate: true, 'data-testid': 'search-form' },
    h('div', { class: 'search-row' }, queryInput, submit),
    formError,
    h(
      'div',
      { class: 'search-filters' },
      h('label', { class: 'filter' }, h('span', null, '群组'), groupSelect),
      h('fieldset', { class: 'filter filter-types' }, h('legend', null, '类型'), typeBoxes.map((box, i) => h('label', { class: 'check' }, box, SEARCH_TYPE_LABELS[TYPES[i]]))),
      h('div', { class: 'filter' }, h('span', null, '发布人'), authorBox),
      h('div', { class: 'filter filter-dates' }, h('label', { for: idFrom }, '从'), fromInput, h('label', { for: idTo }, '到'), toInput),
      h('label', { class: 'filter' }, h('span', null, '排序'), sortSelect),
      reset,
    ),
  );
  const summary = h('p', { class: 'search-summary', 'aria-live': 'polite', 'data-testid': 'search-summary' });
  const list = h('ol', { class: 'search-results', 'data-testid': 'search-results', 'aria-label': '搜索结果' });
  const status = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'search-more', onclick: () => void run(false) }, '加载更多');
  const poolHint = h('p', { class: 'muted small', hidden: true, 'data-testid': 'search-pool-hint' }, '按相关度排序时，只在较新的匹配内容中排出最相关的结果；要查看全部匹配，请改为按时间排序。');
  const el = h(
    'section',
    { class: 'search-page', 'data-testid': 'search-page' },
    pageTitle('搜索', h('p', { class: 'muted' }, '在您能看到的群聊、讨论组、私聊和群论坛中查找，支持中文分词')),
    form,
    h('section', { class: 'card', 'aria-label': '搜索结果' }, summary, list, status, h('div', { class: 'more-row' }, more), poolHint),
  );

  let criteria = readCriteria();
  let endCursor: string | null = null;
  let seq = 0;
  let author = { id: criteria.author, name: criteria.authorName };

  function renderAuthor(): void {
    if (author.id) {
      replaceChildren(
        authorBox,
        h('span', { class: 'chip', 'data-testid': 'search-author-chip' }, author.name || '已选择', h('button', { type: 'button', class: 'chip-x', 'aria-label': '清除发布人', onclick: () => ((author = { id: '', name: '' }), renderAuthor(), applyForm()) }, '×')),
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
          const data = await gql(PEOPLE, { q }, ctx.signal);
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
                      { type: 'button', class: 'author-option', 'data-testid': 'search-author-option', onclick: () => ((author = { id: p.id, name: p.realName }), renderAuthor(), applyForm()) },
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
    replaceChildren(authorBox, input, options);
  }

  function fillForm(): void {
    queryInput.value = criteria.q;
    groupSelect.value = criteria.group;
    for (const box of typeBoxes) box.checked = criteria.types.includes(box.value as SearchResultType);
    fromInput.value = criteria.from;
    toInput.value = criteria.to;
    sortSelect.value = criteria.sort;
    author = { id: criteria.author, name: criteria.authorName };
    renderAuthor();
  }

  function formCriteria(): Criteria {
    return {
      q: queryInput.value.trim(),
      group: groupSelect.value,
      types: typeBoxes.filter((b) => b.checked).map((b) => b.value as SearchResultType),
      author: author.id,
      authorName: author.name,
      from: fromInput.value,
      to: toInput.value,
      sort: sortSelect.value === 'TIME' ? 'TIME' : 'RELEVANCE',
    };
  }

  /** Puts the form into the address (which runs the search), after checking it. */
  function applyForm(): void {
    const c = formCriteria();
    setText(formError, null);
    if (!c.q) {
      setText(formError, '请输入要搜索的关键词');
      queryInput.focus();
      return;
    }
    if ([...c.q].length > MAX_QUERY) return setText(formError, `关键词不能超过 ${MAX_QUERY} 个字`);
    if (c.from && c.to && c.from > c.to) return setText(formError, '开始日期不能晚于结束日期');
    const hash = toHash(c);
    if (window.location.hash === hash) void run(true);
    else navigate(hash);
  }

  function resultItem(r: SearchResult): HTMLElement {
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

  async function run(resetList: boolean): Promise<void> {
    const current = ++seq;
    const c = criteria;
    if (!c.q) {
      replaceChildren(list);
      more.hidden = true;
      poolHint.hidden = true;
      setText(summary, null);
      replaceChildren(status, emptyState('输入关键词开始搜索', h('p', { class: 'muted small' }, '多个词用空格分开，每个词都须出现；可按群组、类型、发布人和日期筛选')));
      return;
    }
    if (resetList) {
      endCursor = null;
      replaceChildren(list);
      replaceChildren(status, loading('正在搜索…'));
      setText(summary, null);
      more.hidden = true;
      poolHint.hidden = true;
    } else {
      more.disabled = true;
      more.textContent = '正在加载…';
    }
    const filter = {
      groupId: c.group || null,
      types: c.types.length ? c.types : null,
      authorId: c.author || null,
      from: c.from ? dayStart(c.from) : null,
      to: c.to ? dayStart(c.to, true) : null,
    };
    try {
      const data = await gql(SEARCH, { q: c.q, filter, sort: c.sort, first: PAGE_SIZE, after: resetList ? null : endCursor }, ctx.signal);
      if (current !== seq) return;
      const page = data.search;
      replaceChildren(status);
      list.append(...page.edges.map((e) => resultItem(e.node)));
      endCursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      const words = page.words.length ? page.words : [c.q];
      replaceChildren(
        summary,
        `“${c.q}”的搜索结果`,
        h('span', { class: 'muted small' }, ' · 匹配词：'),
        words.map((w) => h('mark', { class: 'word', 'data-testid': 'search-word' }, w)),
        list.children.length ? h('span', { class: 'muted small' }, page.pageInfo.hasNextPage ? ` · 已显示 ${list.children.length} 条` : countText(c.sort, list.children.length)) : null,
      );
      // Relevance ranks the newest matches only (about RELEVANCE_POOL of them): say so at the end of a long list.
      poolHint.hidden = !(c.sort === 'RELEVANCE' && !page.pageInfo.hasNextPage && list.children.length >= POOL_HINT_AT);
      if (!list.children.length) {
        replaceChildren(
          status,
          emptyState(`没有找到与“${c.q}”相关的内容`, h('p', { class: 'muted small', 'data-testid': 'search-empty-hint' }, '请换个说法，减少关键词，或放宽群组、类型、发布人和日期的筛选。只能搜到您现在有权查看的内容。')),
        );
      }
    } catch (error) {
      if (current !== seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(status, errorBox(shown, () => void run(resetList)));
    } finally {
      if (current === seq) {
        more.disabled = false;
        more.textContent = '加载更多';
      }
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    applyForm();
  });
  for (const control of [groupSelect, sortSelect, fromInput, toInput, ...typeBoxes]) control.addEventListener('change', () => criteria.q && queryInput.value.trim() && applyForm());
  reset.addEventListener('click', () => {
    criteria = { ...readCriteria(), group: '', types: [], author: '', authorName: '', from: '', to: '', sort: 'RELEVANCE', q: queryInput.value.trim() };
    fillForm();
    if (criteria.q) applyForm();
  });

  void gql(GROUPS, {}, ctx.signal)
    .then((data) => {
      groupSelect.append(...data.myGroups.map((g) => h('option', { value: g.id }, g.name)));
      groupSelect.value = criteria.group;
    })
    .catch((error) => pageError(error));

  fillForm();
  void run(true);

  return {
    title: '搜索',
    el,
    update() {
      criteria = readCriteria();
      fillForm();
      void run(true);
    },
  };
}
