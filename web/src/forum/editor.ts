/**
 * The BBS composer: an optional title, a formatted (Markdown) body with 格式 buttons and a 预览 toggle (rendered by the
 * server's markdownPreview, exactly as the post will look), @-mentions of group members with
 * autocomplete, an optional quoted floor, Ctrl+Enter (⌘+Enter) to submit, errors next to
 * their field. Used for new threads, replies and edits.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText, uid } from '../dom.js';
import { MentionPicker, type MentionSource } from '../chat/mentionPicker.js';
import type { ChatUser } from '../chat/types.js';
import { loading } from '../ui.js';
import { formatToolbar } from './formatToolbar.js';
import { markdownHtml } from './render.js';
import { graphql } from '../graphql/index.js';

const PREVIEW = graphql('query MarkdownPreview($body: String!) { markdownPreview(body: $body) }');
export const MAX_TITLE = 100;
export const MAX_BODY = 20_000;

export interface EditorValue {
  title: string;
  body: string;
  mentionUserIds: string[];
}

export interface EditorOptions {
  /** Show a title field (new thread, editing a thread). */
  withTitle: boolean;
  title?: string;
  body?: string;
  submitLabel: string;
  busyLabel: string;
  placeholder?: string;
  /** Group members for @-mentions (omit to turn mentions off). */
  mentions?: MentionSource;
  /** Throws an ApiError to show (field title/body next to the field). */
  submit: (value: EditorValue) => Promise<void>;
  cancel?: () => void;
  testid?: string;
  /** Extra controls at the start of the bar (e.g. the board select). */
  extra?: HTMLElement | null;
  /** More tools after 预览 and @ (e.g. 添加附件). */
  tools?: HTMLElement | null;
  /** Shown under the body (e.g. the chosen attachments). */
  below?: HTMLElement | null;
}

export class MarkdownEditor {
  readonly el: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  readonly titleInput: HTMLInputElement | null;
  private readonly titleError: HTMLElement;
  private readonly bodyError: HTMLElement;
  private readonly alert: HTMLElement;
  private readonly preview: HTMLElement;
  private readonly previewButton: HTMLButtonElement;
  private readonly submitButton: HTMLButtonElement;
  private readonly quoteBox: HTMLElement;
  private readonly chosen = new Map<string, string>();
  private previewing = false;
  private previewSeq = 0;
  private busy = false;
  private quoteId: string | null = null;

  constructor(private readonly options: EditorOptions) {
    const id = uid('editor');
    this.titleError = h('p', { class: 'field-error', id: `${id}-title-error`, hidden: true, 'data-testid': 'error-title' });
    this.bodyError = h('p', { class: 'field-error', id: `${id}-body-error`, hidden: true, 'data-testid': 'error-body' });
    this.alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'form-error' });
    this.titleInput = options.withTitle
      ? h('input', { type: 'text', name: 'title', id: `${id}-title`, class: 'editor-title', maxlength: MAX_TITLE, placeholder: '标题（不超过 100 字）', autocomplete: 'off', 'aria-describedby': this.titleError.id, 'data-testid': 'editor-title', value: options.title ?? '' })
      : null;
    this.textarea = h('textarea', {
      name: 'body',
      id: `${id}-body`,
      class: 'editor-body',
      rows: options.withTitle ? 10 : 5,
      // No maxlength: a long paste is not cut silently; the length is checked (and said) on submit.
      placeholder: options.placeholder ?? '正文可用上方“格式”按钮加粗、列表、表格、链接、引用；输入 @ 提及成员',
      'aria-label': '正文',
      'aria-describedby': `${id}-hint ${this.bodyError.id}`,
      'data-testid': 'editor-body',
      value: options.body ?? '',
    });
    this.preview = h('div', { class: 'editor-preview', hidden: true, tabindex: '-1', 'aria-label': '预览', 'aria-live': 'polite', 'data-testid': 'editor-preview' });
    this.previewButton = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-pressed': 'false', 'data-testid': 'editor-preview-toggle', onclick: () => void this.togglePreview() }, '预览');
    this.submitButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'editor-submit' }, options.submitLabel);
    this.quoteBox = h('div', { class: 'editor-quote', hidden: true, 'data-testid': 'editor-quote' });
    const picker = options.mentions
      ? new MentionPicker(this.textarea, options.mentions, (choice) => {
          if (choice.id) this.chosen.set(choice.name, choice.id);
        })
      : null;
    const mentionButton = options.mentions
      ? h('button', { type: 'button', class: 'btn btn-small btn-ghost', title: '提及成员', 'data-testid': 'editor-mention', onclick: () => this.insert('@', picker) }, '@ 提及')
      : null;
    this.el = h(
      'form',
      { class: 'editor', novalidate: true, 'data-testid': options.testid ?? 'editor' },
      this.alert,
      this.titleInput ? h('div', { class: 'field' }, h('label', { class: 'visually-hidden', for: this.titleInput.id }, '标题'), this.titleInput, this.titleError) : null,
      this.quoteBox,
      formatToolbar(this.textarea, () => {
        if (this.previewing) void this.togglePreview();
      }),
      h('div', { class: 'editor-box' }, picker?.el, h('label', { class: 'visually-hidden', for: this.textarea.id }, '正文'), this.textarea, this.preview),
      this.bodyError,
      options.below ?? null,
      h(
        'div',
        { class: 'editor-bar' },
        options.extra ?? null,
        this.previewButton,
        mentionButton,
        options.tools ?? null,
        h('span', { class: 'editor-hint muted small', id: `${id}-hint` }, '支持格式 · Ctrl+Enter 提交'),
        h('span', { class: 'spacer' }),
        options.cancel ? h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'editor-cancel', onclick: () => options.cancel?.() }, '取消') : null,
        this.submitButton,
      ),
    );
    this.el.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.el.addEventListener('keydown', (event) => {
      if (event.isComposing || event.keyCode === 229) return;
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.submit();
      } else if (event.key === 'Escape' && options.cancel && !picker?.isOpen()) {
        event.preventDefault();
        options.cancel();
      }
    });
    // Enter in the title goes to the body, not a submit.
    this.titleInput?.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey && !event.isComposing) {
        event.preventDefault();
        this.textarea.focus();
      }
    });
  }

  focus(): void {
    (this.titleInput && !this.titleInput.value ? this.titleInput : this.textarea).focus();
  }

  /** Quote a floor in this reply (null cancels). */
  setQuote(quote: { id: string; floor: number; authorName: string; text: string } | null): void {
    this.quoteId = quote?.id ?? null;
    if (!quote) {
      this.quoteBox.hidden = true;
      replaceChildren(this.quoteBox);
      return;
    }
    replaceChildren(
      this.quoteBox,
      h('span', { class: 'reply-label' }, '引用 ', h('strong', null, `${quote.floor}楼 ${quote.authorName}`), '：'),
      h('span', { class: 'reply-text' }, quote.text),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': '取消引用', 'data-testid': 'editor-quote-cancel', onclick: () => (this.setQuote(null), this.textarea.focus()) }, '×'),
    );
    this.quoteBox.hidden = false;
    this.textarea.focus();
  }

  quoted(): string | null {
    return this.quoteId;
  }

  reset(): void {
    this.textarea.value = '';
    if (this.titleInput) this.titleInput.value = '';
    this.chosen.clear();
    this.setQuote(null);
    if (this.previewing) void this.togglePreview();
    this.clearErrors();
  }

  private insert(text: string, picker: MentionPicker | null): void {
    if (this.previewing) void this.togglePreview();
    const t = this.textarea;
    const start = t.selectionStart ?? t.value.length;
    t.value = t.value.slice(0, start) + text + t.value.slice(t.selectionEnd ?? start);
    t.focus();
    t.setSelectionRange(start + text.length, start + text.length);
    void picker?.update();
  }

  private clearErrors(): void {
    setText(this.alert, null);
    setText(this.titleError, null);
    setText(this.bodyError, null);
    this.titleInput?.removeAttribute('aria-invalid');
    this.textarea.removeAttribute('aria-invalid');
  }

  private showError(field: 'title' | 'body' | null, message: string): void {
    if (field === 'title' && this.titleInput) {
      setText(this.titleError, message);
      this.titleInput.setAttribute('aria-invalid', 'true');
      this.titleInput.focus();
    } else if (field === 'body') {
      if (this.previewing) void this.togglePreview();
      setText(this.bodyError, message);
      this.textarea.setAttribute('aria-invalid', 'true');
      this.textarea.focus();
    } else setText(this.alert, message);
  }

  private async togglePreview(): Promise<void> {
    this.previewing = !this.previewing;
    this.previewButton.setAttribute('aria-pressed', String(this.previewing));
    this.previewButton.textContent = this.previewing ? '继续编辑' : '预览';
    this.textarea.hidden = this.previewing;
    this.preview.hidden = !this.previewing;
    const seq = ++this.previewSeq;
    if (!this.previewing) {
      replaceChildren(this.preview);
      this.textarea.focus();
      return;
    }
    const body = this.textarea.value;
    if (!body.trim()) {
      replaceChildren(this.preview, h('p', { class: 'muted' }, '还没有内容可预览'));
      return;
    }
    replaceChildren(this.preview, loading('正在生成预览…'));
    try {
      const data = await gql(PREVIEW, { body });
      if (seq !== this.previewSeq) return;
      replaceChildren(this.preview, markdownHtml(data.markdownPreview, { 'data-testid': 'preview-html' }));
    } catch (error) {
      if (seq !== this.previewSeq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(this.preview, h('p', { class: 'field-error' }, shown.message));
    }
  }

  /** "@姓名" in the text: names picked from the list, and members whose name was typed by hand. */
  private async mentionIds(body: string): Promise<string[]> {
    const source = this.options.mentions;
    if (!source || !body.includes('@')) return [];
    const ids = new Set<string>();
    for (const [name, id] of this.chosen) if (body.includes(`@${name}`)) ids.add(id);
    const members: ChatUser[] = await source.members().catch(() => []);
    for (const m of members) if (m.id !== source.viewerId && body.includes(`@${m.realName}`)) ids.add(m.id);
    return [...ids].slice(0, 50);
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    this.clearErrors();
    const title = this.titleInput?.value.trim() ?? '';
    const body = this.textarea.value;
    if (this.titleInput && !title) return this.showError('title', '请填写标题');
    if (!body.trim()) return this.showError('body', '正文不能为空');
    const length = [...body].length;
    if (length > MAX_BODY) return this.showError('body', `正文最多 ${MAX_BODY} 字，已超出 ${length - MAX_BODY} 字`);
    this.busy = true;
    this.submitButton.disabled = true;
    this.submitButton.textContent = this.options.busyLabel;
    this.el.setAttribute('aria-busy', 'true');
    try {
      await this.options.submit({ title, body, mentionUserIds: await this.mentionIds(body) });
    } catch (error) {
      const shown = pageError(error);
      if (shown) this.showError(shown.field === 'title' || shown.field === 'body' ? shown.field : null, shown.message);
    } finally {
      this.busy = false;
      this.submitButton.disabled = false;
      this.submitButton.textContent = this.options.submitLabel;
      this.el.removeAttribute('aria-busy');
    }
  }
}
