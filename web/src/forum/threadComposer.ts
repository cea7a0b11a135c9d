/**
 * 发帖 on a group's BBS: board, title, Markdown with preview and @, files from the library,
 * and the thread's level with its audience. `open` shows it (or says there is no board to post
 * to), `close` empties it; posting opens the new thread.
 */
import { gql } from '../api.js';
import type { MemberDirectory } from '../chat/members.js';
import { withConfirmation } from '../confidentiality/confirm.js';
import { ConfidentialitySelector } from '../confidentiality/selector.js';
import { AttachmentField } from '../documents/attachField.js';
import { h, replaceChildren } from '../dom.js';
import { graphql } from '../graphql/index.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { viewer } from '../session.js';
import { emptyState } from '../ui.js';
import { MarkdownEditor } from './editor.js';
import type { Board } from './types.js';

const CREATE_THREAD = graphql('mutation CreateThread($input: ThreadInput!) { createThread(input: $input) { id } }');

export interface ComposerTarget {
  groupId: string;
  directory: MemberDirectory;
  /** The boards one can post to (the first is chosen unless `boardId` is one of them). */
  boards: Board[];
  boardId: string | null;
  /** Managers are told to add a board when there is none. */
  isManager: boolean;
}

export class ThreadComposer {
  readonly el = h('section', { class: 'card composer-card', hidden: true, 'aria-label': '发帖', 'data-testid': 'thread-composer' });
  private editor: MarkdownEditor | null = null;

  /** Where focus goes back when the composer closes. */
  constructor(private readonly returnFocus: () => void) {}

  open(target: ComposerTarget): void {
    const { boards, boardId } = target;
    if (!boards.length) {
      this.el.hidden = false;
      replaceChildren(this.el, emptyState('本群还没有可发帖的版块', target.isManager ? h('p', null, '请先在“管理版块”中添加版块') : null));
      return;
    }
    if (this.editor && !this.el.hidden) return this.editor.focus();
    const select = h(
      'select',
      { name: 'board', 'aria-label': '发到版块', 'data-testid': 'editor-board', value: boards.some((b) => b.id === boardId) ? boardId : boards[0].id },
      boards.map((b) => h('option', { value: b.id }, b.name)),
    );
    const dir = target.directory;
    const attachments = new AttachmentField(target.groupId);
    const level = new ConfidentialitySelector({ members: async () => (await dir.all()).map((m) => m.user), viewerId: viewer()?.id });
    const editor = new MarkdownEditor({
      withTitle: true,
      submitLabel: '发布',
      busyLabel: '正在发布…',
      extra: h('span', { class: 'editor-extras' }, h('label', { class: 'editor-board' }, '版块 ', select), ' ', level.el),
      tools: attachments.button(),
      below: attachments.el,
      mentions: { members: async () => (await dir.all()).map((m) => m.user), mentionAll: () => false, viewerId: viewer()?.id },
      cancel: () => {
        this.close();
        this.returnFocus();
      },
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
    this.editor = editor;
    replaceChildren(this.el, h('h2', { class: 'panel-title' }, '发帖'), editor.el);
    this.el.hidden = false;
    editor.focus();
  }

  close(): void {
    this.reset();
    replaceChildren(this.el);
  }

  /** Another group opens in the page: hidden, and the next `open` makes a new editor. */
  reset(): void {
    this.el.hidden = true;
    this.editor = null;
  }
}
