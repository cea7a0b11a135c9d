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
import { AttachmentField } from '../documents/attachField.js';
import { MarkdownEditor } from '../forum/editor.js';
import { ConfidentialitySelector } from '../confidentiality/selector.js';
import { withConfirmation } from '../confidentiality/confirm.js';
import { ThreadList, THREAD_PAGE } from '../forum/threadList.js';
import { managesForum, type Board, type Page as Connection, type ThreadSummary } from '../forum/types.js';
import { notify } from '../notify.js';
import { hashQuery, navigate } from '../router.js';
import { viewer } from '../session.js';
import { emptyState, errorBox, loading } from '../ui.js';
import type { GroupRole } from '../chat/types.js';
import type { Page, PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { BoardFields, ThreadSummaryFields } from '../graphql/fragments.js';

const GROUP = graphql('query ForumGroup($id: ID!) { group(id: $id) { id name purpose viewerRole conversation { id } boards(includeArchived: true) { ...BoardFields } } }', [BoardFields]);
type ForumGroup = NonNullable<ResultOf<typeof GROUP>['group']>;
const GROUP_THREADS = graphql(`query GroupThreads($id: ID!, $first: Int, $after: String, $essence: Boolean) { group(id: $id) { id
  threads(first: $first, after: $after, essence: $essence) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ThreadSummaryFields } } } } }`, [ThreadSummaryFields]);
const BOARD_THREADS = graphql(`query BoardThreads($id: ID!, $first: Int, $after: String, $essence: Boolean) { board(id: $id) { id
  threads(first: $first, after: $after, essence: $essence) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ThreadSummaryFields } } } } }`, [ThreadSummaryFields]);
const CREATE_THREAD = graphql('mutation CreateThread($input: ThreadInput!) { createThread(input: $input) { id } }');
const CREATE_BOARD = graphql('mutation CreateBoard($g: ID!, $name: String!) { createBoard(groupId: $g, name: $name) { ...BoardFields } }', [BoardFields]);
const RENAME_BOARD = graphql('mutation RenameBoard($b: ID!, $name: String!) { renameBoard(boardId: $b, name: $name) { ...BoardFields } }', [BoardFields]);
const REORDER = graphql('mutation ReorderBoards($g: ID!, $ids: [ID!]!) { reorderBoards(groupId: $g, boardIds: $ids) { ...BoardFields } }', [BoardFields]);
const ARCHIVE_BOARD = graphql('mutation ArchiveBoard($b: ID!, $archived: Boolean!) { setBoardArchived(boardId: $b, archived: $archived) { ...BoardFields } }', [BoardFields]);

const MAX_BOARD_NAME = 20;

const bbsHref = (groupId: string, boardId?: string | null, query = '') => `#/groups/${encodeURIComponent(groupId)}/bbs${boardId ? `/${encodeURIComponent(boardId)}` : ''}${query}`;

export function bbsPage(ctx: PageContext): Page {
  const head = h('div', { class: 'page-head bbs-head' });
  const boardNav = h('nav', { class: 'board-nav', 'aria-label': '版块' });
  const manageBox = h('div', { class: 'board-manage', hidden: true, 'data-testid': 'board-manage' });
  const composerBox = h('section', { class: 'card composer-card', hidden: true, 'aria-label': '发帖', 'data-testid': 'thread-composer' });
  const listHead = h('div', { class: 'toolbar thread-toolbar' });
  const notice = h('p', { class: 'muted small', hidden: true, 'data-testid': 'board-archived' });
  const listCard = h('section', { class: 'card thread-card', 'aria-label': '帖子' }, listHead, notice);
  const layout = h('div', { class: 'bbs-layout' }, h('aside', { class: 'card board-card' }, boardNav, manageBox), h('div', { class: 'bbs-main' }, composerBox, listCard));
  const body = h('div', null, loading('正在加载论坛…'));
  const el = h('section', { class: 'bbs-page', 'data-testid': 'bbs-page' }, head, body);

  let groupId = ctx.params.groupId;
  let boardId: string | null = ctx.params.boardId ?? null;
  let essence = false;
  let group: ForumGroup | null = null;
  let directory: MemberDirectory | null = null;
  let editor: MarkdownEditor | null = null;
  let managing = false;

  const list = new ThreadList(
    (after) => fetchThreads(after),
    { showBoard: true },
    () => (essence ? '还没有精华帖' : currentBoard()?.archived ? '该版块已归档，没有帖子' : '还没有帖子，来发第一帖吧'),
  );
  listCard.appendChild(list.el);

  const isManager = () => !!group && managesForum(group.viewerRole, !!viewer()?.isSystemAdmin);
  const currentBoard = () => (boardId && group ? group.boards.find((b) => b.id === boardId) ?? null : null);
  const activeBoards = () => (group?.boards ?? []).filter((b) => !b.archived).sort((a, b) => a.position - b.position);

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
      h('ul', { class: 'board-list', 'data-testid': 'board-list' }, h('li', null, link(null, '全部')), activeBoards().map((b) => h('li', null, link(b.id, b.name)))),
      archived.length ? h('details', { class: 'board-archived' }, h('summary', null, `已归档版块（${archived.length}）`), h('ul', { class: 'board-list' }, archived.map((b) => h('li', null, link(b.id, b.name, true))))) : null,
      isManager() ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': String(managing), 'data-testid': 'manage-boards', onclick: () => toggleManage() }, managing ? '完成管理' : '管理版块') : null,
    );
    if (managing) renderManage();
  }

  function toggleManage(): void {
    managing = !managing;
    manageBox.hidden = !managing;
    renderBoards();
    if (!managing) replaceChildren(manageBox);
  }

  /** Admins: add, rename, move up/down, archive and restore boards. */
  function renderManage(): void {
    if (!group) return;
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'board-error' });
    const act = async (button: HTMLButtonElement | null, action: () => Promise<void>) => {
      if (button) button.disabled = true;
      setText(alert, null);
      try {
        await action();
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
        if (button) button.disabled = false;
      }
    };
    const replaceBoard = (board: Board) => {
      if (!group) return;
      group.boards = group.boards.map((b) => (b.id === board.id ? board : b));
      renderBoards();
    };
    const active = activeBoards();
    const rows = [...active, ...group.boards.filter((b) => b.archived)].map((b) => {
      const i = active.indexOf(b);
      const name = h('input', { type: 'text', value: b.name, maxlength: MAX_BOARD_NAME, 'aria-label': `版块“${b.name}”的名称`, 'data-testid': 'board-name-input' });
      const save = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'board-rename' }, '改名');
      const rename = () =>
        void act(save, async () => {
          const value = name.value.trim();
          save.disabled = false;
          if (!value) return setText(alert, '版块名称不能为空');
          if (value === b.name) return;
          const data = await gql(RENAME_BOARD, { b: b.id, name: value });
          notify(`版块已改名为“${data.renameBoard.name}”`);
          replaceBoard(data.renameBoard);
        });
      save.addEventListener('click', rename);
      name.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.isComposing) {
          event.preventDefault();
          rename();
        }
      });
      const move = (delta: number, label: string, testid: string) => {
        const target = i + delta;
        const button = h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `将“${b.name}”${label}`, title: label, disabled: b.archived || target < 0 || target >= active.length, 'data-testid': testid }, delta < 0 ? '↑' : '↓');
        button.addEventListener('click', () =>
          void act(button, async () => {
            const ids = active.map((x) => x.id);
            [ids[i], ids[target]] = [ids[target], ids[i]];
            const data = await gql(REORDER, { g: groupId, ids });
            if (!group) return;
            const byId = new Map(data.reorderBoards.map((x) => [x.id, x]));
            group.boards = group.boards.map((x) => byId.get(x.id) ?? x);
            renderBoards();
            manageBox.querySelector<HTMLElement>(`[data-board-row="${CSS.escape(b.id)}"] [data-testid=${testid}]:not(:disabled)`)?.focus();
          }),
        );
        return button;
      };
      const archive = h('button', { type: 'button', class: `btn btn-small ${b.archived ? 'btn-secondary' : 'btn-danger'}`, 'data-testid': b.archived ? 'board-restore' : 'board-archive' }, b.archived ? '恢复' : '归档');
      archive.addEventListener('click', () =>
        void act(archive, async () => {
          const data = await gql(ARCHIVE_BOARD, { b: b.id, archived: !b.archived });
          notify(data.setBoardArchived.archived ? `版块“${b.name}”已归档，帖子仍可查看` : `版块“${b.name}”已恢复`);
          const refreshed = await gql(GROUP, { id: groupId });
          if (!group) return;
          group.boards = refreshed.group.boards;
          renderBoards();
          renderListHead();
        }),
      );
      return h('li', { class: `board-row${b.archived ? ' board-row-archived' : ''}`, 'data-board-row': b.id, 'data-testid': 'board-row' }, name, save, move(-1, '上移', 'board-up'), move(1, '下移', 'board-down'), archive);
    });
    const newName = h('input', { type: 'text', maxlength: MAX_BOARD_NAME, placeholder: '新版块名称', 'aria-label': '新版块名称', 'data-testid': 'board-new-name' });
    const add = h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'board-add' }, '添加版块');
    const form = h('form', { class: 'board-add-form', novalidate: true }, newName, add);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void act(add, async () => {
        const value = newName.value.trim();
        if (!value) {
          add.disabled = false;
          setText(alert, '请填写版块名称');
          return newName.focus();
        }
        const data = await gql(CREATE_BOARD, { g: groupId, name: value });
        notify(`已添加版块“${data.createBoard.name}”`);
        group?.boards.push(data.createBoard);
        renderBoards();
        manageBox.querySelector<HTMLElement>('[data-testid=board-new-name]')?.focus();
      });
    });
    replaceChildren(manageBox, h('h3', { class: 'side-subtitle' }, '管理版块'), h('ul', { class: 'board-rows' }, rows), form, alert);
    manageBox.hidden = false;
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
    const boards = activeBoards();
    if (!boards.length) {
      composerBox.hidden = false;
      replaceChildren(composerBox, emptyState('本群还没有可发帖的版块', isManager() ? h('p', null, '请先在“管理版块”中添加版块') : null));
      return;
    }
    if (editor && !composerBox.hidden) return editor.focus();
    const select = h(
      'select',
      { name: 'board', 'aria-label': '发到版块', 'data-testid': 'editor-board', value: boards.some((b) => b.id === boardId) ? boardId : boards[0].id },
      boards.map((b) => h('option', { value: b.id }, b.name)),
    );
    const dir = directory;
    const attachments = new AttachmentField(group.id);
    const level = new ConfidentialitySelector({ members: async () => (await dir.all()).map((m) => m.user), viewerId: viewer()?.id });
    const close = () => {
      composerBox.hidden = true;
      replaceChildren(composerBox);
      editor = null;
      el.querySelector<HTMLElement>('[data-testid=new-thread]')?.focus();
    };
    editor = new MarkdownEditor({
      withTitle: true,
      submitLabel: '发布',
      busyLabel: '正在发布…',
      extra: h('span', { class: 'editor-extras' }, h('label', { class: 'editor-board' }, '版块 ', select), ' ', level.el),
      tools: attachments.button(),
      below: attachments.el,
      mentions: { members: async () => (await dir.all()).map((m) => m.user), mentionAll: () => false, viewerId: viewer()?.id },
      cancel: close,
      testid: 'thread-editor',
      submit: async (value) => {
        const input = {
          boardId: select.value,
          title: value.title,
          body: value.body,
          mentionUserIds: value.mentionUserIds.length ? value.mentionUserIds : null,
          confidentiality: level.level,
          audienceUserIds: level.audienceUserIds.length ? level.audienceUserIds : null,
          attachmentVersionIds: attachments.ids().length ? attachments.ids() : null,
        };
        const data = await withConfirmation((ack) => gql(CREATE_THREAD, { input: { ...input, acknowledgeSensitive: ack || null } }));
        if (!data) return;
        notify('帖子已发布');
        navigate(`#/thread/${encodeURIComponent(data.createThread.id)}`);
      },
    });
    replaceChildren(composerBox, h('h2', { class: 'panel-title' }, '发帖'), editor.el);
    composerBox.hidden = false;
    editor.focus();
  }

  function update(params: Record<string, string>): void {
    const newGroup = params.groupId !== groupId;
    groupId = params.groupId;
    boardId = params.boardId ?? null;
    essence = hashQuery().get('essence') === '1';
    if (newGroup || !group) {
      group = null;
      directory = null;
      editor = null;
      managing = false;
      composerBox.hidden = true;
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
