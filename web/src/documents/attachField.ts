/**
 * The attachments of a post, message or meeting notice being written: "添加附件" opens the
 * library picker (choose files, or upload a new one there) — the group's 群文件, or for a
 * discussion group or private chat its own files — the chosen files show as chips with a remove
 * button, and `ids()` gives the version ids for attachmentVersionIds.
 */
import { ApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { openPicker, type PickerLibrary } from './picker.js';
import { fileIcon } from './preview.js';
import { formatSize, type AttachedVersion } from './types.js';
import { icon, type IconName } from '../icons.js';

/** The server's limit (server/modules/content/attachments.ts). */
export const MAX_ATTACHMENTS = 10;

export interface AttachmentFieldOptions {
  /** The button's label when nothing is chosen (default 添加附件). */
  label?: string;
  /** An icon before the label (the product's own SVG, not an emoji glyph). */
  icon?: IconName;
  /** The button's classes (default a small ghost button). */
  buttonClass?: string;
  /** The picker's title. */
  title?: string;
  /** Called after every change of the choice. */
  onChange?: (versions: AttachedVersion[]) => void;
}

export class AttachmentField {
  readonly el: HTMLElement;
  private readonly chips: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private readonly addLabel = h('span', {});
  private readonly library: PickerLibrary;
  private chosen: AttachedVersion[] = [];

  /** `library`: a group id (its 群文件), or { conversationId } for a discussion group's or private chat's files. */
  constructor(library: string | PickerLibrary, private readonly options: AttachmentFieldOptions = {}) {
    this.library = typeof library === 'string' ? { groupId: library } : library;
    this.chips = h('ul', { class: 'attach-chips', 'aria-label': '已添加的附件', 'data-testid': 'attach-chips' });
    this.addButton = h('button', { type: 'button', class: options.buttonClass ?? 'btn btn-small btn-ghost', 'aria-haspopup': 'dialog', 'data-testid': 'attach-add', onclick: () => this.pick() }, options.icon ? icon(options.icon) : null, this.addLabel);
    this.el = h('div', { class: 'attach-field' }, this.chips);
    this.render();
  }

  private label(): string {
    return this.options.label ?? '添加附件';
  }

  /** The button, for the editor's bar. */
  button(): HTMLButtonElement {
    return this.addButton;
  }

  ids(): string[] {
    return this.chosen.map((v) => v.id);
  }

  /** The chosen versions (a copy). */
  versions(): AttachedVersion[] {
    return [...this.chosen];
  }

  /** Replaces the choice (e.g. a draft, or a notice's attachments when editing it). */
  set(versions: AttachedVersion[]): void {
    this.chosen = [...versions];
    this.render(false);
  }

  clear(): void {
    this.chosen = [];
    this.render();
  }

  setDisabled(disabled: boolean): void {
    this.addButton.disabled = disabled;
    for (const b of this.chips.querySelectorAll('button')) b.disabled = disabled;
  }

  private pick(): void {
    openPicker({
      ...this.library,
      title: this.options.title ?? (this.library.groupId ? '从群文件添加附件' : '添加附件（会话文件）'),
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

  private render(notify = true): void {
    this.chips.hidden = !this.chosen.length;
    this.addLabel.textContent = this.chosen.length ? `${this.label()}（${this.chosen.length}）` : this.label();
    if (notify) this.options.onChange?.(this.versions());
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
