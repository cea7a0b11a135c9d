/**
 * The 保密提醒 dialog: the server refused a send with CONFIRMATION_REQUIRED and said what matched.
 * The author confirms (the content is then sent as 内部 and the confirmation audited) or goes
 * back to edit. A block (FORBIDDEN with matches) only informs.
 */
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import type { SensitiveMatch } from './levels.js';

export const sensitiveMatches = (error: unknown): SensitiveMatch[] =>
  error instanceof ApiError && Array.isArray(error.extensions.sensitiveMatches) ? (error.extensions.sensitiveMatches as SensitiveMatch[]) : [];

export const needsConfirmation = (error: unknown): boolean => error instanceof ApiError && error.code === 'CONFIRMATION_REQUIRED';

/** Resolves true when the author confirms sending anyway. */
export function confirmSensitive(matches: SensitiveMatch[]): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'sensitive-dialog', 'aria-labelledby': 'sensitive-title', 'data-testid': 'sensitive-dialog' });
    const done = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h('h2', { id: 'sensitive-title' }, '保密提醒'),
      h('p', null, '内容可能涉及保密或个人信息：'),
      h('ul', { class: 'sensitive-list' }, matches.map((m) => h('li', { 'data-testid': 'sensitive-match', 'data-rule': m.rule }, m.label))),
      h('p', { class: 'muted' }, '确认发送后，内容将标记为「内部」，本次确认记入审计日志。涉密信息严禁上网。'),
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'sensitive-cancel', onclick: () => done(false) }, '返回修改'),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'sensitive-confirm', onclick: () => done(true) }, '确认发送（标记为内部）'),
      ),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Runs a send; when the server asks for confirmation, shows the dialog and, if the author
 * confirms, runs it again with the acknowledgement. Resolves null when the author declined.
 */
export async function withConfirmation<T>(send: (acknowledge: boolean) => Promise<T>): Promise<T | null> {
  try {
    return await send(false);
  } catch (error) {
    if (!needsConfirmation(error)) throw error;
    if (!(await confirmSensitive(sensitiveMatches(error)))) return null;
    return send(true);
  }
}
