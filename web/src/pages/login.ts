/** #/login: sign in with login name and password. */
import { gql } from '../api.js';
import { takeReturn } from '../auth.js';
import { h } from '../dom.js';
import { field, FormState, input, onSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { setViewer } from '../session.js';
import type { Page } from '../ui.js';
import { graphql } from '../graphql/index.js';
import { ViewerFields } from '../graphql/fragments.js';

const LOGIN = graphql(`mutation Login($loginName: String!, $password: String!) {
  login(loginName: $loginName, password: $password) { user { ...ViewerFields } }
}`, [ViewerFields]);

export function loginPage(): Page {
  const loginName = field({
    label: '登录名',
    control: input('loginName', { autocomplete: 'username', required: true, maxlength: 64, autocapitalize: 'none', spellcheck: 'false', 'data-autofocus': true }),
  });
  const password = field({ label: '密码', control: input('password', { type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 }) });
  const state = new FormState({ loginName, password });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' }, '登录');
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'login-form' }, state.alert, loginName.el, password.el, submit);

  onSubmit(
    form,
    submit,
    '正在登录…',
    async () => {
      state.clear();
      const name = loginName.control.value.trim();
      if (!name) return state.fieldError('loginName', '请输入登录名');
      if (!password.control.value) return state.fieldError('password', '请输入密码');
      const data = await gql(LOGIN, { loginName: name, password: password.control.value });
      password.control.value = '';
      setViewer(data.login.user);
      navigate(takeReturn(), true);
    },
    (error) => {
      state.show(error);
      password.control.value = '';
      if (!state.alert.hidden) password.control.focus();
    },
  );

  const el = h(
    'section',
    { class: 'auth-page' },
    h(
      'div',
      { class: 'card auth-card' },
      h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', class: 'page-title' }, '登录'), h('p', { class: 'muted' }, '政务服务中心工作人员实名交流平台')),
      form,
      h('p', { class: 'auth-alt' }, '还没有账号？', h('a', { href: '#/register', 'data-testid': 'link-register' }, '申请注册')),
    ),
  );
  return { title: '登录', el };
}
