/**
 * 管理版块 on a group's BBS (owners and admins): add, rename, move up/down, archive and restore
 * boards. `update` draws it from the boards as they are; each change goes back through `changed`.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { BoardFields } from '../graphql/fragments.js';
import { graphql } from '../graphql/index.js';
import { notify } from '../notify.js';
import type { Board } from './types.js';

const BOARDS = graphql('query ForumBoards($id: ID!) { group(id: $id) { id boards(includeArchived: true) { ...BoardFields } } }', [BoardFields]);
const CREATE_BOARD = graphql('mutation CreateBoard($g: ID!, $name: String!) { createBoard(groupId: $g, name: $name) { ...BoardFields } }', [BoardFields]);
const RENAME_BOARD = graphql('mutation RenameBoard($b: ID!, $name: String!) { renameBoard(boardId: $b, name: $name) { ...BoardFields } }', [BoardFields]);
const REORDER = graphql('mutation ReorderBoards($g: ID!, $ids: [ID!]!) { reorderBoards(groupId: $g, boardIds: $ids) { ...BoardFields } }', [BoardFields]);
const ARCHIVE_BOARD = graphql('mutation ArchiveBoard($b: ID!, $archived: Boolean!) { setBoardArchived(boardId: $b, archived: $archived) { ...BoardFields } }', [BoardFields]);

const MAX_BOARD_NAME = 20;

/** The boards one can post to, in their order. */
export function activeBoards(boards: Board[]): Board[] {
  return boards.filter((b) => !b.archived).sort((a, b) => a.position - b.position);
}

export interface BoardManagerOptions {
  groupId: () => string;
  boards: () => Board[];
  /** The boards after a change here; `archiveChanged` when one was archived or restored. */
  changed: (boards: Board[], options: { archiveChanged: boolean }) => void;
}

export class BoardManager {
  readonly el = h('div', { class: 'board-manage', hidden: true, 'data-testid': 'board-manage' });

  constructor(private readonly options: BoardManagerOptions) {}

  update(): void {
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
      const boards = this.options.boards();
      const replaceBoard = (board: Board) => this.options.changed(boards.map((b) => (b.id === board.id ? board : b)), { archiveChanged: false });
      const active = activeBoards(boards);
      const rows = [...active, ...boards.filter((b) => b.archived)].map((b) => {
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
              const data = await gql(REORDER, { g: this.options.groupId(), ids });
              const byId = new Map(data.reorderBoards.map((x) => [x.id, x]));
              this.options.changed(this.options.boards().map((x) => byId.get(x.id) ?? x), { archiveChanged: false });
              this.el.querySelector<HTMLElement>(`[data-board-row="${CSS.escape(b.id)}"] [data-testid=${testid}]:not(:disabled)`)?.focus();
            }),
          );
          return button;
        };
        const archive = h('button', { type: 'button', class: `btn btn-small ${b.archived ? 'btn-secondary' : 'btn-danger'}`, 'data-testid': b.archived ? 'board-restore' : 'board-archive' }, b.archived ? '恢复' : '归档');
        archive.addEventListener('click', () =>
          void act(archive, async () => {
            const data = await gql(ARCHIVE_BOARD, { b: b.id, archived: !b.archived });
            notify(data.setBoardArchived.archived ? `版块“${b.name}”已归档，帖子仍可查看` : `版块“${b.name}”已恢复`);
            const refreshed = await gql(BOARDS, { id: this.options.groupId() });
            this.options.changed(refreshed.group.boards, { archiveChanged: true });
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
          const data = await gql(CREATE_BOARD, { g: this.options.groupId(), name: value });
          notify(`已添加版块“${data.createBoard.name}”`);
          this.options.changed([...this.options.boards(), data.createBoard], { archiveChanged: false });
          this.el.querySelector<HTMLElement>('[data-testid=board-new-name]')?.focus();
        });
      });
      replaceChildren(this.el, h('h3', { class: 'side-subtitle' }, '管理版块'), h('ul', { class: 'board-rows' }, rows), form, alert);
      this.el.hidden = false;
  }

  close(): void {
    this.el.hidden = true;
    replaceChildren(this.el);
  }
}
