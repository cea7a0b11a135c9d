/**
 * #/groups/<groupId>/files[?path=…]: the group library (群文件); #/groups/<groupId>/requests
 * [?request=<id>]: the group's document requests (资料寻找); both under one heading with tabs
 * (the page updates in place between them). #/my/requests: open requests addressed to the viewer
 * (向我索要的资料) across groups.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { MemberDirectory } from '../chat/members.js';
import { h, replaceChildren } from '../dom.js';
import { notificationStore } from '../forum/notificationStore.js';
import { hashQuery } from '../router.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { fetchMyRequests } from './api.js';
import { LibraryView } from './library.js';
import { requestCard, RequestsView } from './requests.js';
import { requestsHref } from './types.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const GROUP = graphql('query DocsGroup($id: ID!) { group(id: $id) { id name viewerRole conversation { id } } }');
type DocsGroup = NonNullable<ResultOf<typeof GROUP>['group']>;
const TITLE_SUFFIX = ' - 交流 · 政务服务工作交流平台';

type Tab = 'files' | 'requests';

export function groupDocsPage(ctx: PageContext): Page {
  const head = h('div', { class: 'page-head docs-head' });
  const body = h('div', null, loading('正在加载…'));
  const el = h('section', { class: 'docs-page', 'data-testid': 'docs-page' }, head, body);
  let groupId = ctx.params.groupId;
  let tab: Tab = ctx.params.tab === 'requests' ? 'requests' : 'files';
  let group: DocsGroup | null = null;
  let library: LibraryView | null = null;
  let requests: RequestsView | null = null;
  let directory: MemberDirectory | null = null;

  const path = () => (hashQuery().get('path') ?? '').split(',').filter(Boolean);

  async function loadGroup(): Promise<void> {
    replaceChildren(body, loading('正在加载…'));
    try {
      const data = await gql(GROUP, { id: groupId }, ctx.signal);
      group = data.group;
      if (!group.viewerRole) {
        replaceChildren(head, h('h1', { class: 'page-title', tabindex: '-1' }, `${group.name} · 群文件`));
        replaceChildren(body, emptyState('群文件和资料寻找只对本群成员开放', h('p', null, h('a', { href: '#/groups' }, '在“发现群组”中申请加入'))));
        return;
      }
      directory = new MemberDirectory(group.id);
      library = new LibraryView(group.id, ctx.signal);
      requests = new RequestsView(group.id, directory, ctx.signal);
      render();
    } catch (error) {
      const shown = pageError(error);
      if (!shown) return;
      replaceChildren(head, h('h1', { class: 'page-title', tabindex: '-1' }, '群文件'));
      replaceChildren(body, shown.code === 'NOT_FOUND' ? emptyState('群组不存在，或您无权查看', h('p', null, h('a', { href: '#/chat' }, '返回消息'))) : errorBox(shown, () => void loadGroup()));
    }
  }

  function render(): void {
    if (!group || !library || !requests) return;
    const label = tab === 'files' ? '群文件' : '资料寻找';
    document.title = `${group.name} · ${label}${TITLE_SUFFIX}`;
    const tabLink = (key: Tab, text: string, href: string) => h('a', { class: 'tab-link', href, 'aria-current': tab === key ? 'page' : null, 'data-testid': `docs-tab-${key}` }, text);
    const focused = document.activeElement;
    replaceChildren(
      head,
      h('p', { class: 'breadcrumb' }, group.conversation ? h('a', { href: `#/chat/${encodeURIComponent(group.conversation.id)}` }, group.name) : group.name, h('span', { class: 'sep' }, ' › '), label),
      h('h1', { class: 'page-title', tabindex: '-1', 'data-testid': 'docs-title' }, `${group.name} · ${label}`),
      h(
        'nav',
        { class: 'tabs', 'aria-label': '群组功能' },
        tabLink('files', '群文件', `#/groups/${encodeURIComponent(group.id)}/files`),
        tabLink('requests', '资料寻找', requestsHref(group.id)),
        h('a', { class: 'tab-link', href: `#/groups/${encodeURIComponent(group.id)}/bbs` }, '论坛'),
      ),
    );
    if (tab === 'files') {
      replaceChildren(body, library.el);
      void library.show(path());
    } else {
      replaceChildren(body, requests.el);
      void requests.load(hashQuery().get('request'));
    }
    // Keep focus on the tab the user chose (the old link was replaced).
    if (focused instanceof HTMLElement && focused.classList.contains('tab-link')) head.querySelector<HTMLElement>(`[data-testid=docs-tab-${tab}]`)?.focus();
  }

  void loadGroup();

  return {
    title: tab === 'files' ? '群文件' : '资料寻找',
    el,
    update(params) {
      const nextTab: Tab = params.tab === 'requests' ? 'requests' : 'files';
      if (params.groupId !== groupId || !group) {
        groupId = params.groupId;
        tab = nextTab;
        group = null;
        void loadGroup();
        return;
      }
      tab = nextTab;
      render();
    },
  };
}

export function myRequestsPage(ctx: PageContext): Page {
  const list = h('ul', { class: 'req-list', 'data-testid': 'my-request-list', 'aria-label': '向我索要的资料' });
  const status = h('div', null, loading('正在加载…'));
  const el = h(
    'section',
    { class: 'docs-page', 'data-testid': 'my-requests-page' },
    pageTitle('向我索要的资料', h('p', { class: 'muted' }, '同事点名向您索要、尚未结束的资料请求。可从群文件中选取，或上传新文件回应。')),
    list,
    status,
  );

  async function load(): Promise<void> {
    replaceChildren(status, loading('正在加载…'));
    try {
      const requests = await fetchMyRequests(ctx.signal);
      const card = (r: Parameters<typeof requestCard>[0]): HTMLElement =>
        requestCard(r, {
          showGroup: true,
          onChanged: (next) => list.querySelector(`[data-request-id="${CSS.escape(next.id)}"]`)?.replaceWith(card(next)),
        });
      replaceChildren(list, requests.map(card));
      replaceChildren(status, requests.length ? null : emptyState('目前没有同事向您索要资料', h('p', null, h('a', { href: '#/chat' }, '返回消息'))));
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(status, errorBox(shown, () => void load()));
    }
  }

  const off = notificationStore.onNew((n) => {
    if (n.kind === 'DOCUMENT_REQUEST') void load();
  });
  ctx.signal.addEventListener('abort', off);
  void load();
  return { title: '向我索要的资料', el, update: () => void load() };
}
