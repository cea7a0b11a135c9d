/** #/admin/users/new: an admin creates an account that is active at once, in a unit they administer. */
import { accountFields, accountInput } from '../accountForm.js';
import { gql, toApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { FormState, onSubmit } from '../forms.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import type { OrgUnit } from '../types.js';
import { errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { fetchUnits, UNITS_WITH_ABILITIES } from '../units.js';
import { graphql } from '../graphql/index.js';

const CREATE = graphql('mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { id realName unit { name } } }');

export function createUserPage(ctx: PageContext): Page {
  const body = h('div', { class: 'card' }, loading('正在加载单位列表…'));
  const el = h(
    'section',
    { class: 'create-user' },
    pageTitle('新建账号', h('p', { class: 'muted' }, '为本单位或下级单位的工作人员直接开通账号，无需审核。请核实真实姓名，并把初始密码当面或通过安全渠道告知本人。')),
    body,
  );
  const load = async () => {
    replaceChildren(body, loading('正在加载单位列表…'));
    try {
      const units = await fetchUnits(UNITS_WITH_ABILITIES, ctx.signal);
      if (!ctx.signal.aborted) replaceChildren(body, createForm(units));
    } catch (error) {
      if (!ctx.signal.aborted) replaceChildren(body, errorBox(toApiError(error), load));
    }
  };
  void load();
  return { title: '新建账号', el };
}

function createForm(units: OrgUnit[]): HTMLElement {
  // Units outside the admin's scope stay visible (for orientation) but cannot be chosen.
  const f = accountFields(units, (unit) => !!unit.viewerCan?.administer, '初始密码');
  const state = new FormState(f);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-submit' }, '创建账号');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'create-form' },
    state.alert,
    h('fieldset', null, h('legend', null, '实名信息'), f.realName.el, f.unitId.el, f.title.el, f.phone.el),
    h('fieldset', null, h('legend', null, '账号'), f.loginName.el, f.password.el, f.confirm.el),
    submit,
  );
  onSubmit(
    form,
    submit,
    '正在创建…',
    async () => {
      state.clear();
      const input = accountInput(f, state);
      if (!input) return;
      const { createUser } = await gql(CREATE, { input });
      notify(`已为 ${createUser.realName}（${createUser.unit.name}）创建账号`);
      navigate(`#/users/${encodeURIComponent(createUser.id)}`);
    },
    (error) => state.show(error),
  );
  return form;
}
