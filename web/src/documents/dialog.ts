/**
 * Modal dialogs on the native <dialog> (showModal: focus stays inside, the page behind is
 * inert). Escape closes (the 'cancel' event), focus returns to where it was. `formDialog` wraps
 * its fields in a form so Enter submits; the submit button shows progress and errors appear in
 * the dialog, next to the field the server named when it has one.
 */
import { pageError } from '../auth.js';
import { h, setText, uid, type Child } from '../dom.js';

export interface DialogOptions {
  title: string;
  testid: string;
  /** 'wide' for lists and previews. */
  size?: 'normal' | 'wide' | 'full';
  onClose?: () => void;
}

export class Dialog {
  readonly el: HTMLDialogElement;
  readonly body: HTMLElement;
  readonly titleEl: HTMLElement;
  private readonly returnFocus: Element | null;
  private closed = false;

  constructor(private readonly options: DialogOptions, ...children: Child[]) {
    this.returnFocus = document.activeElement;
    this.titleEl = h('h2', { class: 'dlg-title', id: uid('dlg') }, options.title);
    this.body = h('div', { class: 'dlg-body' }, ...children);
    const close = h('button', { type: 'button', class: 'btn btn-ghost btn-small dlg-close', 'aria-label': '关闭', 'data-testid': 'dialog-close', onclick: () => this.close() }, '×');
    this.el = h(
      'dialog',
      { class: `dlg dlg-${options.size ?? 'normal'}`, 'aria-labelledby': this.titleEl.id, 'data-testid': options.testid },
      h('div', { class: 'dlg-head' }, this.titleEl, close),
      this.body,
    );
    this.el.addEventListener('cancel', (event) => {
      event.preventDefault();
      this.close();
    });
    // A click on the backdrop (the dialog element itself, outside its box) closes it.
    this.el.addEventListener('mousedown', (event) => {
      if (event.target === this.el) {
        const r = this.el.getBoundingClientRect();
        const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
        if (!inside) this.close();
      }
    });
  }

  open(): this {
    document.body.appendChild(this.el);
    this.el.showModal();
    const first = this.el.querySelector<HTMLElement>('[data-autofocus]') ?? this.body.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea, button, a[href]');
    first?.focus();
    return this;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.el.open) this.el.close();
    this.el.remove();
    this.options.onClose?.();
    if (this.returnFocus instanceof HTMLElement && this.returnFocus.isConnected) this.returnFocus.focus();
  }

  isClosed(): boolean {
    return this.closed;
  }
}

export interface FormDialogOptions extends DialogOptions {
  submitLabel: string;
  busyLabel: string;
  danger?: boolean;
  /** Throws an ApiError to show; resolve to close the dialog. Fields by name get the server's field errors. */
  submit: (form: HTMLFormElement) => Promise<void>;
}

/** A dialog whose content is a form: Enter submits, Escape or 取消 closes. */
export function formDialog(options: FormDialogOptions, ...fields: Child[]): Dialog {
  const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'dialog-error' });
  const submit = h('button', { type: 'submit', class: `btn ${options.danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'dialog-submit' }, options.submitLabel);
  let dialog: Dialog;
  const cancel = h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'dialog-cancel', onclick: () => dialog.close() }, '取消');
  const form = h('form', { class: 'dlg-form', novalidate: true }, alert, ...fields, h('div', { class: 'dlg-actions' }, cancel, submit));
  let busy = false;
  // Enter in a text field submits (the browser's implicit submission); in a text area it is a
  // new line, and Ctrl+Enter (⌘+Enter) submits.
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    setText(alert, null);
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    submit.disabled = true;
    submit.textContent = options.busyLabel;
    try {
      await options.submit(form);
      dialog.close();
    } catch (error) {
      const shown = pageError(error);
      if (shown) {
        setText(alert, shown.message);
        const field = shown.field ? form.querySelector<HTMLElement>(`[name="${CSS.escape(shown.field)}"]`) : null;
        if (field) {
          field.setAttribute('aria-invalid', 'true');
          field.focus();
        }
      }
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = options.submitLabel;
    }
  });
  dialog = new Dialog(options, form);
  return dialog;
}

/** A labelled field for dialogs and forms. */
export function field(label: string, control: HTMLElement, hint?: string, optional = false): HTMLElement {
  if (!control.id) control.id = uid('field');
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label, optional ? h('span', { class: 'optional' }, '（选填）') : null),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null,
  );
}
