/**
 * Form fields with a label, an optional hint and an error slot, and a controller that shows
 * server errors next to the field they name (BAD_USER_INPUT with extensions.field) or above
 * the form otherwise.
 */
import { toApiError, type ApiError } from './api.js';
import { h, setText, uid, type Attrs } from './dom.js';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Field {
  el: HTMLElement;
  control: Control;
  error: HTMLElement;
}

export interface FieldOptions {
  label: string;
  control: Control;
  hint?: string;
  optional?: boolean;
}

export function field({ label, control, hint, optional }: FieldOptions): Field {
  const id = control.id || uid('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true, 'data-testid': `error-${control.name}` });
  control.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  const el = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, optional ? h('span', { class: 'optional' }, '（选填）') : null),
    control,
    hintEl,
    error,
  );
  return { el, control, error };
}

export function input(name: string, attrs: Attrs = {}): HTMLInputElement {
  return h('input', { name, type: 'text', 'data-testid': `input-${name}`, ...attrs });
}

export function textarea(name: string, attrs: Attrs = {}): HTMLTextAreaElement {
  return h('textarea', { name, rows: 3, 'data-testid': `input-${name}`, ...attrs });
}

export class FormState {
  readonly alert: HTMLElement;

  constructor(
    private readonly fields: Record<string, Field>,
    /** Server field names that map to a differently named field here. */
    private readonly aliases: Record<string, string> = {},
  ) {
    this.alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'form-error' });
  }

  clear(): void {
    setText(this.alert, null);
    for (const f of Object.values(this.fields)) this.setFieldError(f, null);
  }

  fieldError(name: string, message: string): void {
    const f = this.fields[name];
    if (!f) {
      setText(this.alert, message);
      return;
    }
    this.setFieldError(f, message);
    f.control.focus();
  }

  /**
   * Every client-side error at once, each next to its field; the first bad field takes the focus.
   * Returns whether there were any (so a submit handler can stop).
   */
  fieldErrors(errors: Array<[name: string, message: string]>): boolean {
    for (const [name, message] of errors) {
      const f = this.fields[name];
      if (f) this.setFieldError(f, message);
      else setText(this.alert, message);
    }
    const first = errors.map(([name]) => this.fields[name]).find(Boolean);
    first?.control.focus();
    return errors.length > 0;
  }

  /** Shows an error next to its field when the server named one we have, else above the form. */
  show(error: unknown): ApiError {
    const apiError = toApiError(error);
    const name = apiError.field ? (this.aliases[apiError.field] ?? apiError.field) : undefined;
    if (name && this.fields[name]) this.fieldError(name, apiError.message);
    else setText(this.alert, apiError.message);
    return apiError;
  }

  private setFieldError(f: Field, message: string | null): void {
    setText(f.error, message);
    if (message) f.control.setAttribute('aria-invalid', 'true');
    else f.control.removeAttribute('aria-invalid');
  }
}

/**
 * Submits at most once at a time: the button shows `busyText` and is disabled meanwhile.
 * Errors the action throws go to `onError` (usually FormState.show).
 */
export function onSubmit(form: HTMLFormElement, submit: HTMLButtonElement, busyText: string, action: () => Promise<void>, onError: (error: unknown) => void): void {
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const label = submit.textContent;
    submit.disabled = true;
    submit.textContent = busyText;
    form.setAttribute('aria-busy', 'true');
    try {
      await action();
    } catch (error) {
      onError(error);
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = label;
      form.removeAttribute('aria-busy');
    }
  });
}
