/** 通过 / 驳回 for one pending registration (pending list and profile page). */
import { gql, toApiError } from './api.js';
import { pageError } from './auth.js';
import { h, replaceChildren, setText, uid } from './dom.js';
import { graphql } from './graphql/index.js';

export type Decision = 'approved' | 'rejected' | 'gone';

const APPROVE = graphql('mutation Approve($userId: ID!) { approveRegistration(userId: $userId) { id status } }');
const REJECT = graphql('mutation Reject($userId: ID!, $reason: String!) { rejectRegistration(userId: $userId, reason: $reason) { id status } }');

export function reviewControls(user: { id: string; realName: string }, onDone: (decision: Decision, message: string) => void): HTMLElement {
  const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
  const rejectBox = h('div', { class: 'reject-box', hidden: true });
  let busy = false;

  const run = async (buttons: HTMLButtonElement[], work: () => Promise<void>) => {
    if (busy) return;
    busy = true;
    buttons.forEach((b) => (b.disabled = true));
    setText(alert, null);
    try {
      await work();
    } catch (error) {
      const shown = pageError(error);
      if (!shown) return;
      if (shown.code === 'CONFLICT' || shown.code === 'NOT_FOUND') onDone('gone', shown.message);
      else setText(alert, shown.message);
    } finally {
      busy = false;
      buttons.forEach((b) => (b.disabled = false));
    }
  };

  const approve = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'approve' }, '通过');
  const reject = h('button', { type: 'button', class: 'btn btn-danger', 'aria-expanded': 'false', 'data-testid': 'reject' }, '驳回');

  approve.addEventListener('click', () =>
    run([approve, reject], async () => {
      await gql(APPROVE, { userId: user.id });
      onDone('approved', `已通过 ${user.realName} 的注册申请`);
    }),
  );

  reject.addEventListener('click', () => {
    if (!rejectBox.hidden) {
      closeReject();
      return;
    }
    const id = uid('reason');
    const reason = h('textarea', { id, name: 'reason', rows: 2, maxlength: 200, required: true, 'data-testid': 'reject-reason', 'aria-describedby': `${id}-error` });
    const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
    const confirm = h('button', { type: 'submit', class: 'btn btn-danger', 'data-testid': 'reject-confirm' }, '确认驳回');
    const cancel = h('button', { type: 'button', class: 'btn btn-link', onclick: () => closeReject() }, '取消');
    const form = h(
      'form',
      { class: 'inline-form', novalidate: true },
      h('label', { for: id }, '驳回理由（申请人登录时可见）'),
      reason,
      error,
      h('div', { class: 'form-actions' }, confirm, cancel),
    );
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') closeReject();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        setText(error, '请填写驳回理由');
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      void run([approve, reject, confirm], async () => {
        try {
          await gql(REJECT, { userId: user.id, reason: text });
        } catch (e) {
          const apiError = toApiError(e);
          if (apiError.field === 'reason') {
            setText(error, apiError.message);
            reason.focus();
            return;
          }
          throw e;
        }
        onDone('rejected', `已驳回 ${user.realName} 的注册申请`);
      });
    });
    replaceChildren(rejectBox, form);
    rejectBox.hidden = false;
    reject.setAttribute('aria-expanded', 'true');
    reason.focus();
  });

  function closeReject(): void {
    replaceChildren(rejectBox);
    rejectBox.hidden = true;
    reject.setAttribute('aria-expanded', 'false');
    reject.focus();
  }

  return h('div', { class: 'review' }, h('div', { class: 'actions' }, approve, reject), rejectBox, alert);
}
