/**
 * The forced "请修改初始密码" screen: an account created by an organisation import signs in with
 * an initial password, and the server answers nothing else (PASSWORD_CHANGE_REQUIRED) until it
 * is changed. Shown by main.ts in place of every page while viewer.mustChangePassword is set.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, setText } from '../dom.js';
import { field, FormState, input, onSubmit } from '../forms.js';
import { notify } from '../notify.js';
import { loadViewer } from '../session.js';
import type { Page } from '../ui.js';
import type { Viewer } from '../types.js';
import { graphql } from '../graphql/index.js';

const CHANGE_PASSWORD = graphql('mutation ChangeInitialPassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }');

export function initialPasswordPage(v: Viewer): Page {
  const f = {
    currentPassword: field({ label: '初始密码', control: input('currentPassword', { type: 'password', autocomplete: 'current-password', maxlength: 256, 'data-autofocus': true }) }),
    newPassword: field({ label: '新密码', control: input('newPassword', { type: 'password', autocomplete: 'new-password', maxlength: 256 }), hint: '至少 10 个字符，不能与登录名相同' }),
    confirm: field({ label: '确认新密码', control: input('confirmPassword', { type: 'password', autocomplete: 'new-password', maxlength: 256 }) }),
  };
  // The server names the new password "password" in its validation errors.
  const state = new FormState(f, { password: 'newPassword' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'initial-password-submit' }, '修改密码并继续');
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'initial-password-form' }, state.alert, f.currentPassword.el, f.newPassword.el, f.confirm.el, submit);
  onSubmit(
    form,
    submit,
    '正在修改…',
    async () => {
      state.clear();
      const current = f.currentPassword.control.value;
      const next = f.newPassword.control.value;
      if (!current) return state.fieldError('currentPassword', '请输入初始密码');
      if ([...next].length < 10) return state.fieldError('newPassword', '新密码至少 10 个字符');
      if (next !== f.confirm.control.value) return state.fieldError('confirm', '两次输入的新密码不一致');
      await gql(CHANGE_PASSWORD, { currentPassword: current, newPassword: next });
      form.reset();
      notify('密码已修改，欢迎使用');
      // The viewer without the flag: main.ts then shows the page that was asked for.
      await loadViewer();
    },
    (error) => {
      if (pageError(error)) state.show(error);
    },
  );
  const intro = h('p', { class: 'muted' });
  setText(intro, `${v.realName}（${v.unit.name}），您的账号由管理员导入，使用的是初始密码。为了账号安全，请先设置您自己的密码，然后才能使用系统。`);
  const el = h(
    'section',
    { class: 'auth-page', 'data-testid': 'initial-password' },
    h('div', { class: 'card auth-card' }, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', class: 'page-title' }, '请修改初始密码'), intro), form),
  );
  return { title: '请修改初始密码', el };
}
