/**
 * The attachments of a BBS post being written: "添加附件" opens the group library picker
 * (choose files, or upload a new one there), the chosen files show as chips with a remove
 * button, and `ids()` gives the version ids for attachmentVersionIds.
 */
import { ApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { openPicker } from './picker.js';
import { fileIcon } from './preview.js';
import { formatSize, type DocumentVersion } from './types.js';

/** The server's limit (server/modules/documents/attachments.ts). */
export const MAX_ATTACHMENTS = 10;

export class AttachmentField {
  readonly el: HTMLElement;
  private readonly chips: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private chosen: DocumentVersion[] = [];

  constructor(private readonly groupId: string) {
    this.chips = h('ul', { class: 'attach-chips', 'aria-label': '已添加的附件', 'data-testid': 'attach-chips' });
    this.addButton = h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-haspopup': 'dialog', 'data-testid': 'attach-add', onclick: () => this.pick() }, '添加附件');
    this.el = h('div', { class: 'attach-field' }, this.chips);
    this.render();
  }

  /** The button, for the editor's bar. */
  button(): HTMLButtonElement {
    return this.addButton;
  }

  ids(): string[] {
    return this.chosen.map((v) => v.id);
  }

  clear(): void {
    this.chosen = [];
    this.render();
  }

  private pick(): void {
    openPicker({
      groupId: this.groupId,
      title: '从群文件添加附件',
      submitLabel: '添加',
      busyLabel: '正在添加…',
      multiple: true,
      selected: this.chosen,
      testid: 'attach-picker',
      submit: async (versions) => {
        if (versions.length > MAX_ATTACHMENTS) throw new ApiError('BAD_USER_INPUT', `最多附加 ${MAX_ATTACHMENTS} 个文件`);
        this.chosen = versions;
        this.render();
      },
    });
  }

  private render(): void {
    this.chips.hidden = !this.chosen.length;
    this.addButton.textContent = this.chosen.length ? `附件（${this.chosen.length}）` : '添加附件';
    replaceChildren(
      this.chips,
      this.chosen.map((v) =>
        h(
          'li',
          { class: 'attach-chip', 'data-testid': 'attach-chip', 'data-version-id': v.id },
          fileIcon(v.name),
          h('span', { class: 'attach-chip-name' }, v.name),
          h('span', { class: 'muted small' }, formatSize(v.size)),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-ghost btn-small',
              'aria-label': `移除附件“${v.name}”`,
              'data-testid': 'attach-remove',
              onclick: () => {
                this.chosen = this.chosen.filter((c) => c.id !== v.id);
                this.render();
                this.addButton.focus();
              },
            },
            '×',
          ),
        ),
      ),
    );
  }
}
