/** #/register: apply for an account; it stays pending until an admin of the unit approves. */
import { gql, toApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { accountFields, accountInput } from '../accountForm.js';
import { field, FormState, onSubmit, textarea } from '../forms.js';
import type { OrgUnit } from '../types.js';
import { errorBox, loading, type Page, type PageContext } from '../ui.js';
import { fetchUnits, UNITS } from '../units.js';
import { graphql } from '../graphql/index.js';

const REGISTER = graphql('mutation Register($input: RegisterInput!) { register(input: $input) { id realName unit { id name } } }');

export function registerPage(ctx: PageContext): Page {
  const body = h('div', null, loading('正在加载单位列表…'));
  const el = h(
    'section',
    { class: 'auth-page' },
    h(
      'div',
      { class: 'card auth-card auth-card-wide' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', { tabindex: '-1', class: 'page-title' }, '申请注册'),
        h('p', { class: 'muted' }, '本平台实行实名制。提交后由所在单位或上级单位的管理员审核，通过后即可登录。'),
      ),
      body,
      h('p', { class: 'auth-alt' }, '已有账号？', h('a', { href: '#/login' }, '返回登录')),
    ),
  );

  const load = async () => {
    replaceChildren(body, loading('正在加载单位列表…'));
    try {
      const units = await fetchUnits(UNITS, ctx.signal);
      if (!ctx.signal.aborted) replaceChildren(body, registerForm(units, body));
    } catch (error) {
      if (!ctx.signal.aborted) replaceChildren(body, errorBox(toApiError(error), load));
    }
  };
  void load();
  return { title: '申请注册', el };
}

function registerForm(units: OrgUnit[], container: HTMLElement): HTMLElement {
  const f = {
    ...accountFields(units),
    applicationNote: field({
      label: '申请说明',
      control: textarea('applicationNote', { maxlength: 200 }),
      hint: '给审核管理员的说明，最多 200 字',
      optional: true,
    }),
  };
  const state = new FormState(f);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'register-submit' }, '提交注册申请');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'register-form' },
    state.alert,
    h('fieldset', null, h('legend', null, '账号'), f.loginName.el, f.password.el, f.confirm.el),
    h('fieldset', null, h('legend', null, '实名信息'), f.realName.el, f.unitId.el, f.title.el, f.phone.el, f.applicationNote.el),
    submit,
  );

  onSubmit(
    form,
    submit,
    '正在提交…',
    async () => {
      state.clear();
      const account = accountInput(f, state);
      if (!account) return;
      const data = await gql(REGISTER, {
        input: { ...account, applicationNote: f.applicationNote.control.value.trim() || null },
      });
      replaceChildren(container, submitted(data.register.realName, data.register.unit.name));
      container.querySelector<HTMLElement>('h2')?.focus();
    },
    (error) => state.show(toApiError(error)),
  );
  return form;
}

function submitted(realName: string, unitName: string): HTMLElement {
  return h(
    'div',
    { class: 'done', 'data-testid': 'register-done' },
    h('h2', { tabindex: '-1' }, '申请已提交'),
    h('p', { class: 'done-text', 'data-testid': 'register-done-text' }, `注册申请已提交，请等待 ${unitName} 或上级单位管理员审核`),
    h('p', { class: 'muted' }, `${realName}，审核通过后即可使用登录名和密码登录。如长时间未审核，请联系本单位管理员。`),
    h('p', null, h('a', { class: 'btn btn-primary', href: '#/login' }, '返回登录')),
  );
}
