/**
 * #/directory and #/directory/<unitId>: the org tree on the left, the officials of the chosen
 * unit on the right, with search, "include subunits" and cursor paging.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { LEVEL_LABELS } from '../format.js';
import { hashQuery, navigate } from '../router.js';
import { viewer } from '../session.js';
import { UnitTree } from '../tree.js';
import type { OrgUnit } from '../types.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { buildTree, fetchUnits, flatten, type UnitNode, UNITS_WITH_COUNTS } from '../units.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;

const DIRECTORY = graphql(`query Directory($filter: DirectoryFilter, $first: Int, $after: String) {
  directory(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id realName title phone unit { id name } } }
  }
}`);
type Member = ResultOf<typeof DIRECTORY>['directory']['edges'][number]['node'];

export function directoryPage(ctx: PageContext): Page {
  const treeBox = h('div', { class: 'tree-box' }, loading('正在加载组织机构…'));
  const unitHead = h('div', { class: 'unit-head' });
  const search = h('input', {
    type: 'search',
    name: 'query',
    class: 'search',
    placeholder: '搜索姓名、登录名、职务或单位',
    'aria-label': '搜索人员',
    maxlength: 50,
    autocomplete: 'off',
    'data-testid': 'directory-search',
  });
  // #/directory?q=… (the search page's 查看全部) starts with that search.
  search.value = hashQuery().get('q') ?? '';
  const subunits = h('input', { type: 'checkbox', name: 'includeSubunits', checked: true, 'data-testid': 'include-subunits' });
  const subunitsLabel = h('label', { class: 'check' }, subunits, '包含下级单位');
  const count = h('p', { class: 'count', 'aria-live': 'polite', 'data-testid': 'member-count' });
  const list = h('ul', { class: 'members', 'aria-label': '人员列表', 'data-testid': 'member-list' });
  const status = h('div', { class: 'members-status' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'load-more' }, '加载更多');

  const el = h(
    'section',
    { class: 'directory' },
    pageTitle('通讯录', h('p', { class: 'muted' }, '全省政务服务中心工作人员实名通讯录')),
    h(
      'div',
      { class: 'directory-layout' },
      h('aside', { class: 'card tree-panel', 'aria-label': '组织机构' }, h('h2', { class: 'panel-title' }, '组织机构'), treeBox),
      h(
        'section',
        { class: 'card members-panel', 'aria-label': '人员' },
        unitHead,
        h('div', { class: 'toolbar' }, search, subunitsLabel),
        count,
        list,
        status,
        h('div', { class: 'more-row' }, more),
      ),
    ),
  );

  let units: OrgUnit[] = [];
  let nodes: UnitNode[] = [];
  let tree: UnitTree | null = null;
  let unitId: string | null = ctx.params.unitId ?? null;
  let endCursor: string | null = null;
  let requestSeq = 0;
  let inflight: AbortController | null = null;
  let searchTimer: number | undefined;

  const unitById = (id: string | null) => (id ? units.find((u) => u.id === id) : undefined);

  function renderUnitHead(): void {
    const unit = unitById(unitId);
    if (!unitId) {
      replaceChildren(unitHead, h('h2', { class: 'panel-title' }, '全部人员'), h('p', { class: 'muted' }, '在组织机构中选择单位，查看该单位的人员'));
      subunitsLabel.hidden = true;
      return;
    }
    subunitsLabel.hidden = false;
    if (!unit) {
      replaceChildren(unitHead, h('h2', { class: 'panel-title' }, '通讯录'));
      return;
    }
    const trail: OrgUnit[] = [];
    for (let p = unit.parent && unitById(unit.parent.id); p; p = p.parent ? unitById(p.parent.id) : undefined) trail.unshift(p);
    replaceChildren(
      unitHead,
      trail.length
        ? h(
            'nav',
            { class: 'breadcrumb', 'aria-label': '上级单位' },
            trail.map((a) => [h('a', { href: `#/directory/${encodeURIComponent(a.id)}` }, a.name), h('span', { class: 'sep', 'aria-hidden': 'true' }, '›')]),
          )
        : null,
      h('h2', { class: 'panel-title', 'data-testid': 'selected-unit' }, unit.name, h('span', { class: 'level' }, LEVEL_LABELS[unit.level])),
      unit.memberCount != null
        ? h('p', { class: 'muted' }, `本单位 ${unit.memberCount} 人，含下级单位共 ${unit.subtreeMemberCount ?? unit.memberCount} 人`)
        : null,
    );
  }

  function memberRow(m: Member): HTMLElement {
    return h(
      'li',
      null,
      h(
        'a',
        { class: 'member', href: `#/users/${encodeURIComponent(m.id)}`, 'data-testid': 'member-row', 'data-user-id': m.id },
        h('span', { class: 'member-name' }, m.realName),
        h('span', { class: 'member-title' }, m.title),
        h('span', { class: 'member-unit' }, m.unit.name),
        h('span', { class: 'member-phone', 'aria-label': m.phone ? `电话 ${m.phone}` : '未留电话' }, m.phone ?? '—'),
      ),
    );
  }

  async function loadMembers(reset: boolean): Promise<void> {
    const seq = ++requestSeq;
    inflight?.abort();
    const controller = new AbortController();
    inflight = controller;
    if (reset) {
      endCursor = null;
      replaceChildren(list);
      setText(count, null);
      replaceChildren(status, loading('正在加载人员…'));
      more.hidden = true;
    } else {
      more.disabled = true;
      more.textContent = '正在加载…';
    }
    const query = search.value.trim();
    const filter = {
      ...(unitId ? { unitId, includeSubunits: subunits.checked } : {}),
      ...(query ? { query } : {}),
    };
    try {
      const data = await gql(DIRECTORY, { filter, first: PAGE_SIZE, after: reset ? null : endCursor }, controller.signal);
      if (seq !== requestSeq || ctx.signal.aborted) return;
      const page = data.directory;
      replaceChildren(status);
      list.append(...page.edges.map((e) => memberRow(e.node)));
      endCursor = page.pageInfo.endCursor;
      setText(count, page.totalCount ? `共 ${page.totalCount} 人${query ? `（搜索“${query}”）` : ''}` : null);
      if (page.totalCount === 0) replaceChildren(status, emptyState('没有找到符合条件的人员'));
      more.hidden = !page.pageInfo.hasNextPage;
    } catch (error) {
      if (seq !== requestSeq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(status, shown.code === 'NOT_FOUND' ? errorBox('该单位不存在，请在组织机构中重新选择') : errorBox(shown, () => void loadMembers(reset)));
    } finally {
      if (seq === requestSeq) {
        more.disabled = false;
        more.textContent = '加载更多';
      }
    }
  }

  async function loadTree(): Promise<void> {
    replaceChildren(treeBox, loading('正在加载组织机构…'));
    try {
      units = await fetchUnits(UNITS_WITH_COUNTS, ctx.signal);
      if (ctx.signal.aborted) return;
      nodes = buildTree(units);
      const expanded = new Set(nodes.map((n) => n.unit.id));
      // Reveal the viewer's own unit.
      const own = unitById(viewer()?.unit.id ?? null);
      for (let p = own?.parent ? unitById(own.parent.id) : undefined; p; p = p.parent ? unitById(p.parent.id) : undefined) expanded.add(p.id);
      if (own) expanded.add(own.id);
      tree = new UnitTree({
        roots: nodes,
        expanded,
        selectedId: unitId,
        onSelect: (id) => navigate(`#/directory/${encodeURIComponent(id)}`),
        badge: (node) => (node.unit.subtreeMemberCount != null ? `${node.unit.subtreeMemberCount} 人` : null),
      });
      tree.select(unitId);
      replaceChildren(treeBox, flatten(nodes).length ? tree.el : emptyState('暂无单位'));
      renderUnitHead();
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(treeBox, errorBox(shown, () => void loadTree()));
    }
  }

  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => void loadMembers(true), SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      window.clearTimeout(searchTimer);
      void loadMembers(true);
    }
  });
  subunits.addEventListener('change', () => void loadMembers(true));
  more.addEventListener('click', () => void loadMembers(false));
  ctx.signal.addEventListener('abort', () => {
    window.clearTimeout(searchTimer);
    inflight?.abort();
  });

  renderUnitHead();
  void loadTree();
  void loadMembers(true);

  return {
    title: '通讯录',
    el,
    update(params) {
      const next = params.unitId ?? null;
      if (next === unitId) return;
      unitId = next;
      tree?.select(unitId);
      renderUnitHead();
      void loadMembers(true);
    },
  };
}
