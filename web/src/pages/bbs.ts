/**
 * #/groups/<groupId>/bbs[/<boardId>]: a group's BBS. Boards on the left (admins add, rename,
 * reorder, archive and restore them), the threads of the board or of 全部 on the right (pinned
 * first, 精华 filter, 加载更多), and the 发帖 composer (board, title, Markdown with preview, @).
 * "?new=1" opens the composer; "?essence=1" shows only 精华.
 * Threads removed by an admin (forum/threadList.ts threadRow): members get the removal notice as
 * the title (as the server returns it), shown muted; the group's moderators see 已移除 before it.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { MemberDirectory } from '../chat/members.js';
import { h, replaceChildren, setText } from '../dom.js';
import { activeBoards, BoardManager } from '../forum/boardManager.js';
import { ThreadComposer } from '../forum/threadComposer.js';
import { ThreadList, THREAD_PAGE } from '../forum/threadList.js';
import { managesForum, type Page as Connection, type ThreadSummary } from '../forum/types.js';
import { hashQuery, navigate } from '../router.js';
import { viewer } from '../session.js';
import { emptyState, errorBox, loading } from '../ui.js';
import type { Page, PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { BoardFields, ThreadSummaryFields } from '../graphql/fragments.js';

const GROUP = graphql('query ForumGroup($id: ID!) { group(id: $id) { id name purpose viewerRole conversation { id } boards(includeArchived: true) { ...BoardFields } } }', [BoardFields]);
type ForumGroup = NonNullable<ResultOf<typeof GROUP>['group']>;
const GROUP_THREADS = graphql(`query GroupThreads($id: ID!, $first: Int, $after: String, $essence: Boolean) { group(id: $id) { id
  threads(first: $first, after: $after, essence: $essence) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ThreadSummaryFields } } } } }`, [ThreadSummaryFields]);
const BOARD_THREADS = graphql(`query BoardThreads($id: ID!, $first: Int, $after: String, $essence: Boolean) { board(id: $id) { id
  threads(first: $first, after: $after, essence: $essence) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ThreadSummaryFields } } } } }`, [ThreadSummaryFields]);

const bbsHref = (groupId: string, boardId?: string | null, query = '') => `#/groups/${encodeURIComponent(groupId)}/bbs${boardId ? `/${encodeURIComponent(boardId)}` : ''}${query}`;

export function bbsPage(ctx: PageContext): Page {
  const head = h('div', { class: 'page-head bbs-head' });
  const boardNav = h('nav', { class: 'board-nav', 'aria-label': '版块' });
  const manager = new BoardManager({
    groupId: () => groupId,
    boards: () => group?.boards ?? [],
    changed: (boards, { archiveChanged }) => {
      if (!group) return;
      group.boards = boards;
      renderBoards();
      if (archiveChanged) renderListHead();
    },
  });
  const composer = new ThreadComposer(() => el.querySelector<HTMLElement>('[data-testid=new-thread]')?.focus());
  const listHead = h('div', { class: 'toolbar thread-toolbar' });
  const notice = h('p', { class: 'muted small', hidden: true, 'data-testid': 'board-archived' });
  const listCard = h('section', { class: 'card thread-card', 'aria-label': '帖子' }, listHead, notice);
  const layout = h('div', { class: 'bbs-layout' }, h('aside', { class: 'card board-card' }, boardNav, manager.el), h('div', { class: 'bbs-main' }, composer.el, listCard));
  const body = h('div', null, loading('正在加载论坛…'));
  const el = h('section', { class: 'bbs-page', 'data-testid': 'bbs-page' }, head, body);

  let groupId = ctx.params.groupId;
  let boardId: string | null = ctx.params.boardId ?? null;
  let essence = false;
  let group: ForumGroup | null = null;
  let directory: MemberDirectory | null = null;
  let managing = false;

  const list = new ThreadList(
    (after) => fetchThreads(after),
    { showBoard: true },
    () => (essence ? '还没有精华帖' : currentBoard()?.archived ? '该版块已归档，没有帖子' : '还没有帖子，来发第一帖吧'),
  );
  listCard.appendChild(list.el);

  const isManager = () => !!group && managesForum(group.viewerRole, !!viewer()?.isSystemAdmin);
  const currentBoard = () => (boardId && group ? group.boards.find((b) => b.id === boardId) ?? null : null);

  async function fetchThreads(after: string | null): Promise<Connection<ThreadSummary>> {
    const variables = { id: boardId ?? groupId, first: THREAD_PAGE, after, essence: essence || null };
    if (boardId) return (await gql(BOARD_THREADS, variables, ctx.signal)).board.threads;
    return (await gql(GROUP_THREADS, variables, ctx.signal)).group.threads;
  }

  async function loadGroup(): Promise<void> {
    try {
      const data = await gql(GROUP, { id: groupId }, ctx.signal);
      group = data.group;
      if (!group.viewerRole) {
        document.title = '论坛 - 交流 · 政务服务工作交流平台';
        replaceChildren(head, h('h1', { class: 'page-title', tabindex: '-1' }, `${group.name} · 论坛`));
        replaceChildren(body, emptyState('群论坛只对本群成员开放', h('p', null, h('a', { href: '#/groups' }, '在“发现群组”中申请加入'))));
        return;
      }
      directory ??= new MemberDirectory(group.id);
      document.title = `${group.name} · 论坛 - 交流 · 政务服务工作交流平台`;
      renderHead();
      replaceChildren(body, layout);
      renderBoards();
      renderListHead();
      void list.load(true);
      if (hashQuery().get('new') === '1') openComposer();
    } catch (error) {
      const shown = pageError(error);
      if (!shown) return;
      replaceChildren(head, h('h1', { class: 'page-title', tabindex: '-1' }, '论坛'));
      replaceChildren(body, shown.code === 'NOT_FOUND' ? emptyState('群组不存在，或您无权查看', h('p', null, h('a', { href: '#/chat' }, '返回消息'))) : errorBox(shown, () => void loadGroup()));
    }
  }

  function renderHead(): void {
    if (!group) return;
    const post = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'new-thread', onclick: () => openComposer() }, '发帖');
    replaceChildren(
      head,
      h('p', { class: 'breadcrumb' }, group.conversation ? h('a', { href: `#/chat/${encodeURIComponent(group.conversation.id)}` }, group.name) : group.name, h('span', { class: 'sep' }, ' › '), '论坛'),
      h('h1', { class: 'page-title', tabindex: '-1', 'data-testid': 'bbs-title' }, `${group.name} · 论坛`),
      group.purpose ? h('p', { class: 'muted' }, group.purpose) : null,
      h(
        'div',
        { class: 'actions' },
        post,
        h('a', { class: 'btn btn-secondary', href: '#/my/threads' }, '我的帖子'),
        h('a', { class: 'btn btn-secondary', href: `#/groups/${encodeURIComponent(group.id)}/files`, 'data-testid': 'bbs-files' }, '群文件'),
      ),
    );
  }

  function renderBoards(): void {
    if (!group) return;
    const link = (id: string | null, name: string, archived = false) =>
      h(
        'a',
        { class: 'board-link', href: bbsHref(groupId, id, essence ? '?essence=1' : ''), 'aria-current': id === boardId ? 'page' : null, 'data-testid': 'board-link', 'data-board-id': id ?? 'all' },
        name,
        archived ? h('span', { class: 'muted small' }, '（已归档）') : null,
      );
    const archived = group.boards.filter((b) => b.archived);
    replaceChildren(
      boardNav,
      h('h2', { class: 'panel-title' }, '版块'),
      h('ul', { class: 'board-list', 'data-testid': 'board-list' }, h('li', null, link(null, '全部')), activeBoards(group.boards).map((b) => h('li', null, link(b.id, b.name)))),
      archived.length ? h('details', { class: 'board-archived' }, h('summary', null, `已归档版块（${archived.length}）`), h('ul', { class: 'board-list' }, archived.map((b) => h('li', null, link(b.id, b.name, true))))) : null,
      isManager() ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': String(managing), 'data-testid': 'manage-boards', onclick: () => toggleManage() }, managing ? '完成管理' : '管理版块') : null,
    );
    if (managing) manager.update();
  }

  function toggleManage(): void {
    managing = !managing;
    manager.el.hidden = !managing;
    renderBoards();
    if (!managing) manager.close();
  }

  function renderListHead(): void {
    const board = currentBoard();
    const filter = h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: essence, 'data-testid': 'essence-filter', onchange: (event: Event) => setEssence((event.target as HTMLInputElement).checked) }), '只看精华');
    replaceChildren(listHead, h('h2', { class: 'panel-title', 'data-testid': 'board-title' }, board ? board.name : '全部帖子'), h('span', { class: 'spacer' }), filter);
    setText(notice, board?.archived ? '该版块已归档：帖子仍可查看和回复，但不能发新帖。' : null);
  }

  function setEssence(on: boolean): void {
    navigate(bbsHref(groupId, boardId, on ? '?essence=1' : ''));
  }

  function openComposer(): void {
    if (!group || !directory) return;
    composer.open({ groupId: group.id, directory, boards: activeBoards(group.boards), boardId, isManager: isManager() });
  }

  function update(params: Record<string, string>): void {
    const newGroup = params.groupId !== groupId;
    groupId = params.groupId;
    boardId = params.boardId ?? null;
    essence = hashQuery().get('essence') === '1';
    if (newGroup || !group) {
      group = null;
      directory = null;
      managing = false;
      composer.reset();
      replaceChildren(body, loading('正在加载论坛…'));
      void loadGroup();
      return;
    }
    renderBoards();
    renderListHead();
    void list.load(true);
    if (hashQuery().get('new') === '1') openComposer();
  }

  essence = hashQuery().get('essence') === '1';
  void loadGroup();

  return { title: '论坛', el, update };
}
