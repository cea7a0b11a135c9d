/**
 * The forced "请修改初始密码" screen: an account created by an organisation import signs in with
 * an initial password, and the server answers nothing else (PASSWORD_CHANGE_REQUIRED) until it
 * is changed. Shown by main.ts in place of every page while viewer.mustChangePassword is set.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, setText } from '../dom.js';
import { onSubmit } from '../forms.js';
import { passwordChangeFields } from '../passwordChange.js';
import { notify } from '../notify.js';
import { loadViewer } from '../session.js';
import type { Page } from '../ui.js';
import type { Viewer } from '../types.js';
import { graphql } from '../graphql/index.js';

const CHANGE_PASSWORD = graphql('mutation ChangeInitialPassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }');

export function initialPasswordPage(v: Viewer): Page {
  const { fields: f, state, values } = passwordChangeFields('初始密码', { autofocus: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'initial-password-submit' }, '修改密码并继续');
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'initial-password-form' }, state.alert, f.currentPassword.el, f.newPassword.el, f.confirm.el, submit);
  onSubmit(
    form,
    submit,
    '正在修改…',
    async () => {
      state.clear();
      const passwords = values();
      if (!passwords) return;
      await gql(CHANGE_PASSWORD, passwords);
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
