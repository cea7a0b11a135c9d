/**
 * #/search?q=…: search over everything the viewer may read now (group, discussion and private
 * messages, threads and floors). Filters: group, types, author (from the directory), date range;
 * order by relevance or time. Results show their type, group, author and time, with the matching
 * words highlighted (text nodes and <mark>, never HTML), and open where they are: a message in
 * its conversation, a thread, a floor of a thread. The filters live in the address, so the back
 * button and shared links work. Matching people and groups (by name, and by pinyin: xingzheng,
 * xz) come first, in sections of their own (search/names.ts).
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { dayStart, readCriteria } from '../search/criteria.js';
import { SearchForm } from '../search/form.js';
import { NAMES_SHOWN, nameSections } from '../search/names.js';
import { SEARCH, SEARCH_NAMES } from '../search/query.js';
import { resultItem } from '../search/resultItem.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';

const PAGE_SIZE = 20;
/** The group list's longest query. */
const GROUP_QUERY_MAX = 30;
/** A relevance list at least this long may have reached the end of the ranked pool (about 200). */
const POOL_HINT_AT = 100;
const countText = (sort: 'RELEVANCE' | 'TIME', n: number) => (sort === 'RELEVANCE' ? ` · 最相关的 ${n} 条` : ` · 共 ${n} 条`);

/** The page: the form (search/form.ts) sets the address; the results follow the address. */
export function searchPage(ctx: PageContext): Page {
  const form = new SearchForm(ctx.signal, () => void run(true));
  const summary = h('p', { class: 'search-summary', 'aria-live': 'polite', 'data-testid': 'search-summary' });
  const list = h('ol', { class: 'search-results', 'data-testid': 'search-results', 'aria-label': '搜索结果' });
  const status = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'search-more', onclick: () => void run(false) }, '加载更多');
  const poolHint = h('p', { class: 'muted small', hidden: true, 'data-testid': 'search-pool-hint' }, '按相关度排序时，只在较新的匹配内容中排出最相关的结果；要查看全部匹配，请改为按时间排序。');
  const names = h('div', { class: 'search-names', 'data-testid': 'search-names' });
  const el = h(
    'section',
    { class: 'search-page', 'data-testid': 'search-page' },
    pageTitle('搜索', h('p', { class: 'muted' }, '在您能看到的群聊、讨论组、私聊和群论坛中查找，支持中文分词')),
    form.el,
    names,
    h('section', { class: 'card', 'aria-label': '搜索结果' }, summary, list, status, h('div', { class: 'more-row' }, more), poolHint),
  );

  let endCursor: string | null = null;
  let seq = 0;

  /** People and groups of the query, beside the content search; a failure here leaves the sections out. */
  async function runNames(current: number, q: string): Promise<void> {
    replaceChildren(names);
    delete names.dataset.query;
    if (!q) return;
    try {
      const data = await gql(SEARCH_NAMES, { q, first: NAMES_SHOWN + 1, withGroups: [...q].length <= GROUP_QUERY_MAX }, ctx.signal);
      if (current !== seq) return;
      const groups = data.groups?.edges.map((e) => e.node) ?? [];
      replaceChildren(names, nameSections(q, data.directory.edges.map((e) => e.node), data.directory.totalCount, groups, !!data.groups?.pageInfo.hasNextPage));
    } catch {
      // The content results below still show; these sections are a shortcut to the directory and group list.
    }
    if (current === seq) names.dataset.query = q;
  }

  async function run(resetList: boolean): Promise<void> {
    const current = ++seq;
    const c = form.criteria;
    if (resetList) void runNames(current, c.q);
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
      summary.hidden = false;
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

  void run(true);

  return {
    title: '搜索',
    el,
    update() {
      form.show(readCriteria());
      void run(true);
    },
  };
}
