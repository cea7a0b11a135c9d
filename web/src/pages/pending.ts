/** #/admin/pending: registrations waiting for the viewer's approval. */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDateTime } from '../format.js';
import { notify } from '../notify.js';
import { reviewControls } from '../review.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const PAGE_SIZE = 20;

const PENDING = graphql(`query Pending($first: Int, $after: String) {
  pendingRegistrations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id loginName realName title phone applicationNote createdAt unit { id name } } }
  }
}`);
type Applicant = ResultOf<typeof PENDING>['pendingRegistrations']['edges'][number]['node'];

export function pendingPage(ctx: PageContext): Page {
  const count = h('p', { class: 'count', 'data-testid': 'pending-count' });
  const confirmation = h('div', { class: 'alert alert-success', role: 'status', hidden: true, 'data-testid': 'pending-confirmation' });
  const list = h('ul', { class: 'applications', 'aria-label': '待审核的注册申请', 'data-testid': 'pending-list' });
  const status = h('div', null, loading('正在加载注册申请…'));
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'load-more' }, '加载更多');
  const el = h(
    'section',
    { class: 'pending' },
    pageTitle('审核注册', h('p', { class: 'muted' }, '以下是您管理的单位及其下级单位提交的注册申请。请核实申请人的真实姓名、单位和职务后审核。')),
    confirmation,
    h('div', { class: 'card' }, count, list, status, h('div', { class: 'more-row' }, more)),
  );

  let total = 0;
  let endCursor: string | null = null;

  const showCount = () => setText(count, total > 0 ? `共 ${total} 份待审核的申请` : null);
  const showEmptyIfNone = () => {
    if (!list.children.length) replaceChildren(status, emptyState('暂无待审核的注册申请'));
  };

  function card(a: Applicant): HTMLElement {
    const li: HTMLLIElement = h(
      'li',
      { class: 'application', 'data-testid': 'pending-item', 'data-user-id': a.id },
      h(
        'div',
        { class: 'application-head' },
        h('h2', { class: 'application-name' }, h('a', { href: `#/users/${encodeURIComponent(a.id)}`, 'data-testid': 'pending-name' }, a.realName)),
        h('span', { class: 'muted' }, `申请于 ${formatDateTime(a.createdAt)}`),
      ),
      h(
        'dl',
        { class: 'facts facts-compact' },
        h('div', { class: 'fact' }, h('dt', null, '单位'), h('dd', { 'data-testid': 'pending-unit' }, a.unit.name)),
        h('div', { class: 'fact' }, h('dt', null, '职务'), h('dd', { 'data-testid': 'pending-title' }, a.title)),
        h('div', { class: 'fact' }, h('dt', null, '电话'), h('dd', null, a.phone ?? '未填写')),
        h('div', { class: 'fact' }, h('dt', null, '登录名'), h('dd', null, a.loginName)),
        h('div', { class: 'fact fact-wide' }, h('dt', null, '申请说明'), h('dd', { class: 'pre', 'data-testid': 'pending-note' }, a.applicationNote ?? '（未填写）')),
      ),
      reviewControls(a, (decision, message) => {
        li.remove();
        total = Math.max(0, total - 1);
        showCount();
        setText(confirmation, message);
        notify(message, decision === 'gone' ? 'info' : 'success');
        showEmptyIfNone();
        confirmation.focus();
      }),
    );
    return li;
  }

  async function load(reset: boolean): Promise<void> {
    if (reset) {
      replaceChildren(list);
      replaceChildren(status, loading('正在加载注册申请…'));
      endCursor = null;
    } else {
      more.disabled = true;
      more.textContent = '正在加载…';
    }
    try {
      const data = await gql(PENDING, { first: PAGE_SIZE, after: endCursor }, ctx.signal);
      if (ctx.signal.aborted) return;
      const page = data.pendingRegistrations;
      replaceChildren(status);
      list.append(...page.edges.map((e) => card(e.node)));
      total = page.totalCount;
      endCursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      showCount();
      showEmptyIfNone();
    } catch (error) {
      const shown = pageError(error);
      if (shown && !ctx.signal.aborted) replaceChildren(status, errorBox(shown, () => void load(reset)));
    } finally {
      more.disabled = false;
      more.textContent = '加载更多';
    }
  }

  confirmation.tabIndex = -1;
  more.addEventListener('click', () => void load(false));
  void load(true);
  return { title: '审核注册', el };
}
